import assert from 'node:assert/strict';
import { changesBetween, splitPath } from '../../src/extension/history/changes';
import {
  fileContextValue,
  fileIcon,
  fileItemId,
  syncContextValue,
  syncDescription,
  syncIcon,
  syncItemId,
  syncItemState,
  syncLabel,
  syncTooltip,
} from '../../src/extension/history/describe';
import { formatOnly } from '../../src/extension/text';
import { sha, syncRecord } from './support/syncRecords';

const now = new Date('2025-03-01T12:00:00Z');

const record = syncRecord;

describe('history tree item rendering', () => {
  it('labels a sync as branch @ short sha, or just the branch before the head is known', () => {
    assert.equal(syncLabel(record()), 'main @ aaaaaaa');
    assert.equal(syncLabel(record({ commitSha: null, status: 'running' })), 'main');
  });

  it('describes a completed sync with its age and change counts', () => {
    assert.equal(syncDescription(record(), false, now, formatOnly), '5 min ago · +3 ~2 \u22121');
  });

  it('describes failed, cancelled, interrupted and running attempts by what happened', () => {
    assert.equal(syncDescription(record({ status: 'failed' }), false, now, formatOnly), '5 min ago · failed');
    assert.equal(syncDescription(record({ status: 'cancelled' }), false, now, formatOnly), '5 min ago · cancelled');
    assert.equal(syncDescription(record({ status: 'interrupted' }), false, now, formatOnly), '5 min ago · interrupted');
    const running = record({ status: 'running', phase: 'fetchingTree', completedAt: null, startedAt: '2025-03-01T11:59:50Z' });
    assert.equal(syncDescription(running, false, now, formatOnly), 'just now · syncing…', 'not a stale stored phase');
  });

  it('says while a sync is still indexing its memory, and when that step never came', () => {
    const link = record({ memoryIncomplete: true });
    assert.equal(syncDescription(link, true, now, formatOnly, true), '5 min ago · +3 ~2 \u22121 · indexing memory…');
    assert.equal(syncDescription(link, true, now, formatOnly), '5 min ago · +3 ~2 \u22121 · memory incomplete');
    assert.equal(syncDescription(record(), true, now, formatOnly, true), '5 min ago · +3 ~2 \u22121', 'a whole memory says nothing');
    const rows = (indexing: boolean) => syncTooltip(link, true, formatOnly, { now, indexing }).rows.find(([label]) => label === 'Memory')?.[1];
    assert.equal(rows(true), 'Being indexed: the snapshot is saved, its files are being analysed.');
    assert.equal(rows(false), 'Incomplete: the next sync of main completes it.');
  });

  it('marks restores in the description', () => {
    const restore = record({ kind: 'restore', restoredFromSyncId: 'sync-0' });
    assert.match(syncDescription(restore, true, now, formatOnly), /restore · \+3 ~2 \u22121$/);
  });

  it('gives each state its own icon and theme colour', () => {
    assert.equal(syncItemState(record(), true), 'active');
    assert.equal(syncItemState(record(), false), 'completed');
    assert.equal(syncItemState(record({ kind: 'restore' }), false), 'restore');
    assert.equal(syncItemState(record({ status: 'queued' }), false), 'running');
    const states = ['active', 'completed', 'restore', 'failed', 'cancelled', 'interrupted', 'running'] as const;
    const ids = states.map((s) => syncIcon(s).id);
    assert.equal(new Set(ids).size, states.length, 'every state is told apart');
    assert.equal(syncIcon('running').id, 'sync~spin');
    assert.equal(syncIcon('failed').color, 'testing.iconFailed');
  });

  it('makes completed links other than the active one restorable, and anything with a commit copyable', () => {
    assert.equal(syncContextValue(record(), false), 'sync:restorable:completed:commit');
    assert.equal(syncContextValue(record(), true), 'sync:active:commit');
    assert.equal(syncContextValue(record({ kind: 'restore' }), false), 'sync:restorable:restore:commit');
    assert.equal(syncContextValue(record({ status: 'failed', commitSha: null, treeSha: null }), false), 'sync:failed');
    assert.equal(syncContextValue(record({ status: 'cancelled' }), false), 'sync:cancelled:commit');
    // The menus in package.json match these with regular expressions.
    assert.match(syncContextValue(record(), false), /^sync:restorable/);
    assert.doesNotMatch(syncContextValue(record(), true), /^sync:restorable/);
    assert.doesNotMatch(syncContextValue(record({ status: 'running' }), false), /^sync:restorable/);
  });

  it('puts the commit, message, counts and error into the tooltip rows', () => {
    const failed = syncTooltip(record({ status: 'failed', error: { code: 'NETWORK', message: 'Connection reset' } }), false, formatOnly);
    const rows = new Map(failed.rows);
    assert.equal(rows.get('Status'), 'Failed');
    assert.equal(rows.get('Error'), 'Connection reset (NETWORK)');
    const done = new Map(syncTooltip(record(), true, formatOnly).rows);
    assert.equal(done.get('Commit'), sha('a'));
    assert.equal(done.get('Message'), 'Fix the thing');
    assert.equal(done.get('Changes'), '+3 ~2 \u22121');
    assert.equal(done.get('Repository'), 'octo/demo (github.com)');
  });

  it('keeps item ids stable per sync and unique per file', () => {
    assert.equal(syncItemId('abc'), syncItemId('abc'));
    assert.notEqual(fileItemId('abc', 'a/b'), fileItemId('abd', 'a/b'));
    assert.equal(fileContextValue('removed'), 'file:removed');
    assert.equal(fileIcon('added').id, 'diff-added');
  });
});

describe('changed files between two snapshots', () => {
  const file = (path: string, blob: string, mode: '100644' | '100755' = '100644') => ({ path, blobSha: sha(blob), mode, size: 1 });

  it('lists added, modified (content or mode) and removed paths, sorted', () => {
    const before = [file('b.ts', '1'), file('c.ts', '2'), file('run.sh', '3'), file('same.ts', '4')];
    const after = [file('a.ts', '5'), file('b.ts', '6'), file('run.sh', '3', '100755'), file('same.ts', '4')];
    const changes = changesBetween(before, after).map((c) => `${c.change} ${c.path}`);
    assert.deepEqual(changes, ['added a.ts', 'modified b.ts', 'removed c.ts', 'modified run.sh']);
  });

  it('treats every file of a first sync as added', () => {
    assert.deepEqual(
      changesBetween([], [file('x', '1')]).map((c) => c.change),
      ['added'],
    );
  });

  it('splits a path into name and folder', () => {
    assert.deepEqual(splitPath('src/a/b.ts'), { name: 'b.ts', dir: 'src/a' });
    assert.deepEqual(splitPath('README.md'), { name: 'README.md', dir: '' });
  });
});
