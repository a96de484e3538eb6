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

const join = (at: string, key: string | number): string => (at === '' ? String(key) : key === '' ? at : `${at}.${key}`);

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

// Element checkers name positions relative to the element; `each` prefixes the element's own
// position only when it fails, so the hot loop builds no strings.

/** [path, blobSha, mode, size]: exactly four elements. */
export function fileTuple(v: unknown): FileTuple {
  const t = arr(v, '');
  if (t.length !== 4) fail('', 'expected a tuple of 4 elements');
  return [nonEmpty(t[0], '0'), sha(t[1], '1'), mode(t[2], '2'), size(t[3], '3')];
}

export function repositoryFile(v: unknown): RepositoryFile {
  const o = repositoryFileFields(v);
  return { path: o.path as string, blobSha: o.blobSha as string, mode: o.mode as FileMode, size: o.size as number | null };
}

/** The object, once its fields are those of a repository file (repositoryFile without the copy). */
function repositoryFileFields(v: unknown): Record<string, unknown> {
  const o = obj(v, '');
  nonEmpty(o.path, 'path');
  sha(o.blobSha, 'blobSha');
  mode(o.mode, 'mode');
  size(o.size, 'size');
  return o;
}

export function memoryFacts(v: unknown): MemoryFacts {
  const o = obj(v, '');
  return {
    path: str(o.path, 'path'),
    blobSha: sha(o.blobSha, 'blobSha'),
    language: str(o.language, 'language'),
    lines: count(o.lines, 'lines'),
    symbols: strings(o.symbols, 'symbols').slice(),
    summary: str(o.summary, 'summary'),
  };
}

/** Check (and copy) every element; a failure names its full position, e.g. `upsert.3.1`. */
function each<T>(v: unknown, at: string, check: (x: unknown) => T): T[] {
  const out: T[] = [];
  checkEach(v, at, (x) => out.push(check(x)));
  return out;
}

/** Check every element without copying it (each() less the copies): a failure is named as each() names it. */
function checkEach(v: unknown, at: string, check: (x: unknown) => unknown): void {
  const a = arr(v, at);
  let i = 0;
  try {
    for (; i < a.length; i++) check(a[i]);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(join(join(at, i), e.at), e.problem);
    throw e;
  }
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

/** One entry as checkRepositoryFiles checks each (ShapeError when it is not a repository file). */
export function checkRepositoryFile(v: unknown): void {
  repositoryFileFields(v);
}

/**
 * Check a file list as repositoryFile() would, without its copies: the list is about to be stored,
 * not kept (at 100k files the copies were 100k objects of young garbage on a first sync's path).
 */
export function checkRepositoryFiles(v: unknown, at: string): void {
  checkEach(v, at, repositoryFileFields);
}
export const memoryFactsList = (v: unknown, at: string): MemoryFacts[] => each(v, at, memoryFacts);
