// history.json ends with a digest of itself (src/storage/historyAdapter.ts): a file exactly as the
// store wrote it opens without zod parsing it again (issue 15: no zod parse of our own data on the
// hot path), and anything else — edited by hand, damaged, or written by an older version — is
// validated in full, so a broken one is still STORAGE_CORRUPT.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isSyncError } from '../../src/core/errors';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { withDigest } from '../../src/storage/historyAdapter';
import { historyFileSchema, HISTORY_SCHEMA_FINGERPRINT } from '../../src/storage/schema';
import { file, open, syncFiles, tempDirs } from './storageFixtures';

const history = (dir: string) => path.join(dir, 'history.json');

/** Counts the full validations of history.json while `fn` runs. */
async function validations<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const schema = historyFileSchema as unknown as { safeParse: (...a: unknown[]) => unknown };
  const original = schema.safeParse;
  let count = 0;
  schema.safeParse = (...a: unknown[]) => {
    count++;
    return original.apply(historyFileSchema, a);
  };
  try {
    return { result: await fn(), count };
  } finally {
    schema.safeParse = original;
  }
}

async function populated(dir: string): Promise<string[]> {
  const store = await open(dir);
  await syncFiles(store, [file('a.ts'), file('b.ts')]);
  await syncFiles(store, [file('a.ts', 'v2'), file('b.ts')]);
  const ids = store.list().map((r) => r.id);
  await store.close();
  return ids;
}

describe('history.json: our own writing is not validated again, anything else is', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('a file as the store wrote it opens with the same history and no zod parse', async () => {
    const dir = dirs.make();
    const ids = await populated(dir);
    assert.match(readFileSync(history(dir), 'utf8'), /,"digest":"[0-9a-f]{40}"\}$/);
    const { result: store, count } = await validations(() => open(dir));
    try {
      assert.equal(count, 0, 'not parsed with zod');
      assert.deepEqual(store.list().map((r) => r.id), ids);
      assert.equal(store.list().some((r) => 'digest' in r), false);
    } finally {
      await store.close();
    }
  });

  it('a file edited by hand (digest kept) is validated: a valid edit opens, a broken one is STORAGE_CORRUPT', async () => {
    const dir = dirs.make();
    await populated(dir);
    const text = readFileSync(history(dir), 'utf8');
    writeFileSync(history(dir), text.replace('"commitMessage":"change"', '"commitMessage":"changed by hand"'));
    const edited = await validations(() => open(dir));
    assert.equal(edited.count, 1, 'validated in full');
    assert.ok(edited.result.list().some((r) => r.commitMessage === 'changed by hand'));
    await edited.result.close();

    const now = readFileSync(history(dir), 'utf8');
    writeFileSync(history(dir), now.replace(/"status":"completed"/, '"status":"done-ish"'));
    let caught: unknown;
    await open(dir).catch((e: unknown) => (caught = e));
    assert.ok(isSyncError(caught, 'STORAGE_CORRUPT'), `expected STORAGE_CORRUPT, got ${String(caught)}`);
  });

  it('the digest names the schema it was written under: change the schema, and this fails until HISTORY_SCHEMA_FINGERPRINT is updated', () => {
    const json = JSON.stringify(z.toJSONSchema(historyFileSchema, { unrepresentable: 'any' }));
    assert.equal(createHash('sha1').update(json).digest('hex').slice(0, 20), HISTORY_SCHEMA_FINGERPRINT);
  });

  it('a file with a recomputed digest still has its file names and chain checked: a name outside the folder is STORAGE_CORRUPT', async () => {
    const dir = dirs.make();
    await populated(dir);
    const data = JSON.parse(readFileSync(history(dir), 'utf8')) as { digest?: string; snapshots: Record<string, { file: string }> };
    delete data.digest;
    const node = Object.values(data.snapshots)[0];
    assert.ok(node);
    node.file = '../../outside.json';
    writeFileSync(history(dir), withDigest(JSON.stringify(data)));
    let caught: unknown;
    await open(dir).catch((e: unknown) => (caught = e));
    assert.ok(isSyncError(caught, 'STORAGE_CORRUPT'), `expected STORAGE_CORRUPT, got ${String(caught)}`);
  });

  it('a file without a digest (an older version wrote it) is validated, and carries one after the next write', async () => {
    const dir = dirs.make();
    await populated(dir);
    const data = JSON.parse(readFileSync(history(dir), 'utf8')) as Record<string, unknown>;
    delete data.digest;
    writeFileSync(history(dir), JSON.stringify(data));
    const first = await validations(() => open(dir));
    assert.equal(first.count, 1);
    await syncFiles(first.result, [file('a.ts', 'v3'), file('b.ts')]);
    await first.result.close();
    assert.match(readFileSync(history(dir), 'utf8'), /,"digest":"[0-9a-f]{40}"\}$/);
    const second = await validations(() => open(dir));
    assert.equal(second.count, 0);
    assert.equal(second.result.list().length, 3);
    await second.result.close();
  });
});
