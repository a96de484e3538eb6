// A REF_DELTA's base is taken from its own pack when that pack holds it (engine/objects/packReader.ts),
// as git does: a thin pack listed first can hold the base as a delta on the very object being read,
// and resolving from the first listed pack then went round that cycle until the heap ran out.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { IsoGitRepo } from '../../src/engine/objects/isoGitFs';
import { crc32, entryHeader, packIndex, wholeEntry } from '../../src/engine/objects/packFormat';

const oidOf = (c: Buffer): string => createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${c.length}\0`), c])).digest('hex');

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** A delta that inserts `target` whole (valid against any base of that length). */
function delta(base: Buffer, target: Buffer): Buffer {
  const parts = [varint(base.length), varint(target.length)];
  for (let i = 0; i < target.length; i += 127) {
    const chunk = target.subarray(i, i + 127);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

const refDeltaEntry = (baseOid: string, d: Buffer): Buffer => Buffer.concat([entryHeader(7, d.length), Buffer.from(baseOid, 'hex'), deflateSync(d)]);

function writePack(dir: string, name: string, objs: { oid: string; entry: Buffer }[]): void {
  const head = Buffer.alloc(12);
  head.write('PACK', 0);
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(objs.length, 8);
  let offset = 12;
  const entries: { oid: string; offset: number; crc: number }[] = [];
  const bodies: Buffer[] = [head];
  for (const o of objs) {
    entries.push({ oid: o.oid, offset, crc: crc32(o.entry) });
    bodies.push(o.entry);
    offset += o.entry.length;
  }
  const body = Buffer.concat(bodies);
  const sha = createHash('sha1').update(body).digest();
  writeFileSync(path.join(dir, `${name}.pack`), Buffer.concat([body, sha]));
  writeFileSync(path.join(dir, `${name}.idx`), packIndex(entries, sha));
}

describe('portable object reader: REF_DELTA bases across packs', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** An empty object database (removed after the suite) and the two blobs its packs will hold. */
  function cache(xText: string, yText: string): { gitDir: string; packDir: string; X: Buffer; Y: Buffer; x: string; y: string } {
    const gitDir = mkdtempSync(path.join(os.tmpdir(), 'ps-cycle-'));
    dirs.push(gitDir);
    const packDir = path.join(gitDir, 'objects', 'pack');
    mkdirSync(packDir, { recursive: true });
    writeFileSync(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
    const X = Buffer.from(xText);
    const Y = Buffer.from(yText);
    return { gitDir, packDir, X, Y, x: oidOf(X), y: oidOf(Y) };
  }

  // `take` as a sync reads blobs (isoGitStore): nothing kept by name, so each read resolves its chain.
  for (const [thinFirst, take] of [[true, false], [false, false], [true, true], [false, true]] as const) {
    it(`reads both objects when a thin pack holding one as a delta on the other is listed ${thinFirst ? 'first' : 'last'}${take ? ', each read taking its bytes' : ''}`, async () => {
      const { gitDir, packDir, X, Y, x, y } = cache('export const x = 1;\n// shared body\n'.repeat(20), 'export const y = 2;\n// shared body\n'.repeat(20));
      // A (fattened): X as a delta on Y, and Y whole. B (thin): Y again, as a delta on X.
      writePack(packDir, 'pack-a', [{ oid: x, entry: refDeltaEntry(y, delta(Y, X)) }, { oid: y, entry: wholeEntry('blob', Y) }]);
      writePack(packDir, 'pack-b', [{ oid: y, entry: refDeltaEntry(x, delta(X, Y)) }]);
      // The reader lists packs in directory order: swap the two names' contents until the thin one is where wanted.
      const first = readdirSync(packDir).filter((n) => n.endsWith('.idx'))[0];
      if ((first === 'pack-b.idx') !== thinFirst) {
        for (const ext of ['pack', 'idx']) {
          renameSync(path.join(packDir, `pack-a.${ext}`), path.join(packDir, `tmp.${ext}`));
          renameSync(path.join(packDir, `pack-b.${ext}`), path.join(packDir, `pack-a.${ext}`));
          renameSync(path.join(packDir, `tmp.${ext}`), path.join(packDir, `pack-b.${ext}`));
        }
      }
      const repo = new IsoGitRepo(gitDir);
      for (const [oid, bytes] of (take ? [[y, Y], [x, X]] : [[x, X], [y, Y]]) as [string, Buffer][]) {
        const o = await repo.readObject(oid, take);
        assert.equal(o.type, 'blob');
        assert.ok(Buffer.from(o.object).equals(bytes), oid);
      }
    });
  }

  // Damaged caches: no pack holds either object whole. Before the cycle was caught, reading went
  // round it (on promises: no stack overflow) until the heap was gone.
  const damaged: { name: string; packs: (x: string, y: string, X: Buffer, Y: Buffer) => Record<string, { oid: string; entry: Buffer }[]> }[] = [
    { name: 'two thin packs, each holding one object as a delta on the other', packs: (x, y, X, Y) => ({ 'pack-a': [{ oid: x, entry: refDeltaEntry(y, delta(Y, X)) }], 'pack-b': [{ oid: y, entry: refDeltaEntry(x, delta(X, Y)) }] }) },
    { name: 'one pack holding both objects as deltas on each other', packs: (x, y, X, Y) => ({ 'pack-a': [{ oid: x, entry: refDeltaEntry(y, delta(Y, X)) }, { oid: y, entry: refDeltaEntry(x, delta(X, Y)) }] }) },
  ];
  for (const { name, packs } of damaged) {
    it(`says the cache is damaged, naming the cycle, when ${name}`, async () => {
      const { gitDir, packDir, X, Y, x, y } = cache('int x(void);\n'.repeat(30), 'int y(void);\n'.repeat(30));
      for (const [pack, objs] of Object.entries(packs(x, y, X, Y))) writePack(packDir, pack, objs);
      const repo = new IsoGitRepo(gitDir);
      for (const oid of [x, y]) {
        await assert.rejects(repo.readObject(oid, true), (e: Error) => /content cache is damaged/.test(e.message) && e.message.includes('pack-a.pack at 12 → '));
      }
    });
  }
});
