// The History view's pure parts: rows grouped by branch with no-change resyncs folded, the filter,
// the descriptions naming each row's base, and a sync's changes as folders listed page by page.
import assert from 'node:assert/strict';
import { emptyStats, type SyncRecord } from '../../src/core/types';
import type { FileChange } from '../../src/extension/history/changes';
import { FOLDER_PAGE, buildChangeTree, changesUnder, folderAt, pageOf } from '../../src/extension/history/changeTree';
import { baseWords, branchDescription, rowDescription, syncTooltip } from '../../src/extension/history/describe';
import { filterGroups, foldRows, groupHistory, rowIds } from '../../src/extension/history/grouping';
import { formatOnly } from '../../src/extension/text';
import { sha, syncRecord } from './support/syncRecords';

const now = new Date('2025-03-01T12:00:00Z');
const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
let n = 0;

function rec(over: Partial<SyncRecord> & { changes?: [number, number, number] } = {}): SyncRecord {
  const { changes = [1, 0, 0], ...rest } = over;
  const [added, modified, removed] = changes;
  n++;
  return syncRecord({ id: `s${n}`, startedAt: at(10), completedAt: at(10), stats: { ...emptyStats(), files: 10, added, modified, removed }, ...rest });
}

describe('History rows: grouped by branch, no-change resyncs folded', () => {
  it('groups by branch, most recently active first, rows newest first', () => {
    const m1 = rec({ completedAt: at(50) });
    const f1 = rec({ branch: 'feature/x', commitSha: sha('c'), completedAt: at(40) });
    const m2 = rec({ commitSha: sha('d'), baseSyncId: m1.id, completedAt: at(30) });
    const groups = groupHistory([m2, f1, m1]);
    assert.deepEqual(groups.map((g) => g.branch), ['main', 'feature/x']);
    assert.deepEqual(groups[0]?.rows.map((r) => r.record.id), [m2.id, m1.id]);
  });

  it('folds consecutive no-change resyncs of the same commit into the row they repeat', () => {
    const first = rec({ changes: [3, 2, 1], completedAt: at(60) });
    const again1 = rec({ changes: [0, 0, 0], baseSyncId: first.id, completedAt: at(30) });
    const again2 = rec({ changes: [0, 0, 0], baseSyncId: again1.id, completedAt: at(2) });
    const rows = foldRows([again2, again1, first]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.record.id, first.id, 'the row is the sync that brought the commit');
    assert.deepEqual(rows[0] && rowIds(rows[0]), [first.id, again2.id, again1.id]);
    assert.equal(
      rows[0] && rowDescription(rows[0], true, undefined, now, formatOnly),
      'checked 3× · last 2 min ago · +3 ~2 \u22121 · first sync of main',
    );
  });

  it('keeps a resync of another commit, a failed attempt in between, and a sync with changes as their own rows', () => {
    const first = rec({ completedAt: at(60) });
    const otherCommit = rec({ changes: [0, 0, 0], commitSha: sha('e'), baseSyncId: first.id, completedAt: at(50) });
    const failed = rec({ status: 'failed', commitSha: null, completedAt: at(40), error: { code: 'NETWORK', message: 'reset' } });
    const same = rec({ changes: [0, 0, 0], commitSha: sha('e'), baseSyncId: otherCommit.id, completedAt: at(30) });
    const rows = foldRows([same, failed, otherCommit, first]);
    assert.deepEqual(rows.map((r) => r.record.id), [same.id, failed.id, otherCommit.id, first.id]);
    assert.ok(rows.every((r) => r.repeats.length === 0));
  });

  it('does not fold a restore or a resync whose base is not the repeated sync', () => {
    const first = rec({ completedAt: at(60) });
    const restore = rec({ kind: 'restore', changes: [0, 0, 0], baseSyncId: first.id, restoredFromSyncId: first.id, completedAt: at(50) });
    const elsewhere = rec({ changes: [0, 0, 0], baseSyncId: 'someone-else', completedAt: at(40) });
    assert.equal(foldRows([elsewhere, restore, first]).length, 3);
  });

  it('filters rows by branch, commit, message, status or error and drops empty groups', () => {
    const m1 = rec({ commitMessage: 'Add the router' });
    const f1 = rec({ branch: 'feature/x', commitSha: sha('c'), status: 'failed', error: { code: 'RATE_LIMITED', message: 'Rate limit' } });
    const groups = groupHistory([f1, m1]);
    assert.deepEqual(filterGroups(groups, 'ROUTER').map((g) => g.branch), ['main']);
    assert.deepEqual(filterGroups(groups, 'ccccccc').map((g) => g.branch), ['feature/x']);
    assert.deepEqual(filterGroups(groups, 'rate_limited').map((g) => g.branch), ['feature/x']);
    assert.equal(filterGroups(groups, '  ').length, 2);
    assert.equal(filterGroups(groups, 'nothing-like-this').length, 0);
  });
});

describe('History rows: what each row was compared with', () => {
  it('names the base in the description and the tooltip, with counts formatted one way', () => {
    const base = rec({ commitSha: sha('1'), completedAt: at(120) });
    const row = { record: rec({ changes: [1234, 2, 0], baseSyncId: base.id, completedAt: at(5) }), repeats: [] };
    assert.equal(rowDescription(row, false, base, now, formatOnly), '5 min ago · +1,234 ~2 \u22120 · compared with main @ 1111111, 2 h ago');
    const tip = new Map(syncTooltip(row.record, false, formatOnly, { base, now }).rows);
    assert.equal(tip.get('Compared with'), 'compared with main @ 1111111, 2 h ago');
    assert.equal(tip.get('Changes'), '+1,234 ~2 \u22120');
  });

  it('says first sync of a branch without a base, and nothing for attempts that did not complete', () => {
    assert.equal(baseWords(rec({ branch: 'feature/x' }), undefined, now, formatOnly), 'first sync of feature/x');
    assert.equal(baseWords(rec({ status: 'failed' }), undefined, now, formatOnly), '');
    assert.equal(rowDescription({ record: rec({ status: 'cancelled', completedAt: at(5) }), repeats: [] }, false, undefined, now, formatOnly), '5 min ago · cancelled');
  });

  it('describes a branch by its rows, marking the one holding the active sync', () => {
    const rows = foldRows([rec({ completedAt: at(3) }), rec({ completedAt: at(9) })]);
    assert.equal(branchDescription(rows, true, now, formatOnly), 'active · 2 syncs · 3 min ago');
    assert.equal(branchDescription(rows.slice(0, 1), false, now, formatOnly), '1 sync · 3 min ago');
  });
});

const change = (path: string, kind: FileChange['change'] = 'added'): FileChange => ({ path, change: kind }) as FileChange;

describe('a sync\'s changes as folders', () => {
  it('builds folders first then files, sorted, with counts, compacting single-folder chains', () => {
    const root = buildChangeTree([change('src/b.ts'), change('README.md', 'modified'), change('src/a/x.ts'), change('deep/er/still/f.txt', 'removed')]);
    assert.deepEqual(root.folders.map((f) => [f.name, f.path, f.count]), [['deep/er/still', 'deep/er/still', 1], ['src', 'src', 2]]);
    assert.deepEqual(root.files.map((f) => f.path), ['README.md']);
    assert.equal(root.count, 4);
    const src = folderAt(root, 'src');
    assert.deepEqual(src?.folders.map((f) => f.name), ['a']);
    assert.deepEqual(changesUnder(root).map((c) => c.path), ['README.md', 'deep/er/still/f.txt', 'src/a/x.ts', 'src/b.ts']);
  });

  it('builds a 22,000-change tree once, shows a page of a large folder and says how many are left', () => {
    const changes = Array.from({ length: 22_000 }, (_, i) => change(i < 20_000 ? `flat/f${String(i).padStart(5, '0')}.txt` : `nested/d${i % 40}/g${i}.txt`));
    const started = Date.now();
    const root = buildChangeTree(changes);
    assert.ok(Date.now() - started < 2000, 'cheap enough to build on expansion');
    assert.deepEqual(pageOf(root), { folders: root.folders, files: [], hidden: 0 });
    const flat = folderAt(root, 'flat');
    assert.ok(flat);
    const page = pageOf(flat);
    assert.equal(page.files.length, FOLDER_PAGE);
    assert.equal(page.hidden, 20_000 - FOLDER_PAGE);
    assert.equal(page.files[0]?.path, 'flat/f00000.txt');
    assert.equal(folderAt(root, 'nested')?.folders.length, 40);
    assert.equal(changesUnder(flat).length, 20_000);
  });
});
