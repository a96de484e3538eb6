// Hand-written validators for the store's big arrays (snapshot entries, memory facts), with exactly
// the shapes of the zod schemas in schema.ts (a unit test checks they agree). Per-element zod costs
// about a second per 100k entries; these loops cost milliseconds. Small files still go through zod.
import type { FileMode, MemoryFacts, RepositoryFile } from '../core/types';
import type { FileTuple, MemoryFile, SnapshotFile } from './schema';

/** Where in the value the first problem is (`upsert.3.1`) and what it is. */
export class ShapeError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(at === '' ? problem : `${at}: ${problem}`);
  }
}

const SHA = /^[0-9a-f]{40}$/;
const MODES: ReadonlySet<string> = new Set<FileMode>(['100644', '100755', '120000', '160000']);

const fail = (at: string, problem: string): never => {
  throw new ShapeError(at, problem);
};

const join = (at: string, key: string | number): string => (at === '' ? String(key) : `${at}.${key}`);

function str(v: unknown, at: string): string {
  return typeof v === 'string' ? v : fail(at, 'expected a string');
}

function nonEmpty(v: unknown, at: string): string {
  return str(v, at).length > 0 ? (v as string) : fail(at, 'expected a non-empty string');
}

function sha(v: unknown, at: string): string {
  return typeof v === 'string' && SHA.test(v) ? v : fail(at, 'a 40-digit lowercase hex sha');
}

function mode(v: unknown, at: string): FileMode {
  return typeof v === 'string' && MODES.has(v) ? (v as FileMode) : fail(at, 'expected one of 100644, 100755, 120000, 160000');
}

function count(v: unknown, at: string): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(at, 'expected a non-negative integer');
}

function size(v: unknown, at: string): number | null {
  return v === null ? null : count(v, at);
}

function obj(v: unknown, at: string): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(at, 'expected an object');
}

function arr(v: unknown, at: string): unknown[] {
  return Array.isArray(v) ? v : fail(at, 'expected an array');
}

function strings(v: unknown, at: string): string[] {
  const a = arr(v, at);
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') fail(join(at, i), 'expected a string');
  return a as string[];
}

/** [path, blobSha, mode, size]: exactly four elements. */
export function fileTuple(v: unknown, at: string): FileTuple {
  const t = arr(v, at);
  if (t.length !== 4) fail(at, 'expected a tuple of 4 elements');
  return [nonEmpty(t[0], join(at, 0)), sha(t[1], join(at, 1)), mode(t[2], join(at, 2)), size(t[3], join(at, 3))];
}

export function repositoryFile(v: unknown, at: string): RepositoryFile {
  const o = obj(v, at);
  return { path: nonEmpty(o.path, join(at, 'path')), blobSha: sha(o.blobSha, join(at, 'blobSha')), mode: mode(o.mode, join(at, 'mode')), size: size(o.size, join(at, 'size')) };
}

export function memoryFacts(v: unknown, at: string): MemoryFacts {
  const o = obj(v, at);
  return {
    path: str(o.path, join(at, 'path')),
    blobSha: sha(o.blobSha, join(at, 'blobSha')),
    language: str(o.language, join(at, 'language')),
    lines: count(o.lines, join(at, 'lines')),
    symbols: strings(o.symbols, join(at, 'symbols')).slice(),
    summary: str(o.summary, join(at, 'summary')),
  };
}

/** Check every element in place (arrays are returned as they are when each element passes). */
function each<T>(v: unknown, at: string, check: (x: unknown, at: string) => T): T[] {
  const a = arr(v, at);
  const out = new Array<T>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = check(a[i], join(at, i));
  return out;
}

export function snapshotFile(v: unknown): SnapshotFile {
  const o = obj(v, '');
  return {
    parent: o.parent === null ? null : sha(o.parent, 'parent'),
    treeSha: sha(o.treeSha, 'treeSha'),
    upsert: each(o.upsert, 'upsert', fileTuple),
    remove: strings(o.remove, 'remove').slice(),
  };
}

export function memoryFile(v: unknown): MemoryFile {
  const o = obj(v, '');
  return { syncId: nonEmpty(o.syncId, 'syncId'), supersede: strings(o.supersede, 'supersede').slice(), introduce: each(o.introduce, 'introduce', memoryFacts) };
}

export const repositoryFiles = (v: unknown, at: string): RepositoryFile[] => each(v, at, repositoryFile);
export const memoryFactsList = (v: unknown, at: string): MemoryFacts[] => each(v, at, memoryFacts);
