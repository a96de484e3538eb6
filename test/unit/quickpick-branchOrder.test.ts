import assert from 'node:assert/strict';
import type { BranchInfo } from '../../src/core/types';
import { branchRowText, noBranchMatches, orderBranches, recentBranches } from '../../src/extension/branches/branchOrder';

const branch = (name: string, isDefault = false): BranchInfo => ({ name, commitSha: name.padEnd(40, '0').slice(0, 40), protected: false, isDefault });
const names = (sections: ReturnType<typeof orderBranches>) => sections.map((s) => `${s.group}: ${s.branches.map((b) => b.name).join(',')}`);

describe('branch QuickPick ordering', () => {
  const remote = [branch('zeta'), branch('Feature'), branch('main', true), branch('dev'), branch('alpha')];

  it('puts the default branch first, then current, then recent, then the rest by name', () => {
    const sections = orderBranches({ remote, complete: true, current: 'dev', recent: ['zeta', 'dev', 'main'] });
    assert.deepEqual(names(sections), ['default: main', 'current: dev', 'recent: zeta', 'other: alpha,Feature']);
  });

  it('lists each branch once even when it is default, current and recent', () => {
    const sections = orderBranches({ remote, complete: true, current: 'main', recent: ['main'] });
    const all = sections.flatMap((s) => s.branches.map((b) => b.name));
    assert.equal(all.filter((n) => n === 'main').length, 1);
    assert.equal(all.length, remote.length);
  });

  it('shows the hints at once, without shas, before the listing has arrived', () => {
    const sections = orderBranches({ remote: [], complete: false, current: 'dev', recent: ['release/1.0'], defaultBranch: 'main' });
    assert.deepEqual(names(sections), ['default: main', 'current: dev', 'recent: release/1.0']);
    assert.equal(sections[1]?.branches[0]?.commitSha, undefined);
  });

  it('drops hints that the complete listing does not have (a local-only branch cannot be synced)', () => {
    const sections = orderBranches({ remote, complete: true, current: 'my-local-work', recent: ['deleted-branch'] });
    assert.deepEqual(names(sections), ['default: main', 'other: alpha,dev,Feature,zeta']);
  });

  it('carries each branch head sha for the description', () => {
    const [first] = orderBranches({ remote, complete: true, recent: [] });
    assert.equal(first?.branches[0]?.commitSha, branch('main').commitSha);
  });

  it('stays fast with thousands of branches', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => branch(`feature/${String(i).padStart(5, '0')}`));
    const start = performance.now();
    const sections = orderBranches({ remote: many, complete: true, recent: ['feature/00042'] });
    assert.ok(performance.now() - start < 500);
    assert.equal(sections.reduce((n, s) => n + s.branches.length, 0), many.length);
  });
});

describe('recently synced branches', () => {
  it('lists sync branches newest first without repeats, ignoring restores', () => {
    const records = [
      { branch: 'a', kind: 'sync', startedAt: '2025-01-01T00:00:00Z' },
      { branch: 'b', kind: 'sync', startedAt: '2025-01-03T00:00:00Z' },
      { branch: 'a', kind: 'sync', startedAt: '2025-01-04T00:00:00Z' },
      { branch: 'c', kind: 'restore', startedAt: '2025-01-05T00:00:00Z' },
    ];
    assert.deepEqual(recentBranches(records), ['a', 'b']);
    assert.deepEqual(recentBranches(records, 1), ['a']);
  });

  it('lists only branches whose sync completed (a failed or cancelled attempt is not "recently synced")', () => {
    const records = [
      { branch: 'gone', kind: 'sync', status: 'failed', startedAt: '2025-01-05T00:00:00Z' },
      { branch: 'stopped', kind: 'sync', status: 'cancelled', startedAt: '2025-01-04T00:00:00Z' },
      { branch: 'main', kind: 'sync', status: 'completed', startedAt: '2025-01-03T00:00:00Z' },
    ];
    assert.deepEqual(recentBranches(records), ['main']);
  });
});

describe('branch QuickPick rows', () => {
  const age = (iso: string) => `at ${iso.slice(11, 16)}`;
  const head = 'c'.repeat(40);

  it('marks the default and protected branches from the list call', () => {
    const [section] = orderBranches({ remote: [{ name: 'main', commitSha: head, protected: true, isDefault: true }], complete: true, recent: [] });
    const entry = section!.branches[0]!;
    assert.deepEqual(branchRowText(entry, [], age), { description: 'ccccccc · default · protected' });
  });

  it('shows the head commit\'s message and when it synced only from a completed sync that saw that head', () => {
    const entry = { name: 'feature/x', commitSha: head, group: 'other' as const };
    const synced = { branch: 'feature/x', kind: 'sync', status: 'completed', commitSha: head, commitMessage: 'Add search', completedAt: '2025-01-01T10:00:00Z' };
    assert.equal(branchRowText(entry, [synced], age).detail, 'Add search · synced at 10:00');
    const moved = { ...synced, commitSha: 'd'.repeat(40) };
    assert.equal(branchRowText(entry, [moved], age).detail, 'synced at 10:00 (the head has moved since)');
    assert.equal(branchRowText(entry, [{ ...synced, status: 'failed' }], age).detail, undefined, 'a failed attempt says nothing');
  });

  it('knows when no branch matches what was typed', () => {
    assert.equal(noBranchMatches(['main', 'feature/search'], 'fsrch'), false);
    assert.equal(noBranchMatches(['main', 'feature/search'], 'zzz'), true);
    assert.equal(noBranchMatches(['main'], '  '), false);
  });
});
