// `npm ci` on the lowest Node the project supports warns about no package (issue 16: it warned
// EBADENGINE for content-type@3.1.1, which @octokit/request@10 pulls in and which wants Node >= 22,
// while engines.node says >=20.19). Checked against package-lock.json, which records each package's
// engines as npm ci reads them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
// semver comes with the dev tool chain (npm's own range rules); it has no types of its own here.
const semver = createRequire(__filename)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

interface LockEntry {
  version?: string;
  dev?: boolean;
  engines?: Record<string, string> | string[];
}

describe('engines (issue 16)', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; overrides?: Record<string, Record<string, string>> };
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

  it('every package in package-lock.json accepts the lowest Node that engines.node allows (npm ci prints no EBADENGINE)', () => {
    const lowest = semver.minVersion(pkg.engines.node)?.version;
    assert.ok(lowest, pkg.engines.node);
    const refused = Object.entries(lock.packages)
      .filter(([where, entry]) => where !== '' && entry.engines && !Array.isArray(entry.engines) && entry.engines.node && !semver.satisfies(lowest, entry.engines.node))
      .map(([where, entry]) => `${where}@${entry.version} wants node ${(entry.engines as Record<string, string>).node}${entry.dev ? ' (dev)' : ''}`);
    assert.deepEqual(refused, [], `on Node ${lowest}`);
  });

  it("@octokit/request's content-type is pinned to 2.x by package.json overrides", () => {
    assert.equal(pkg.overrides?.['@octokit/request']?.['content-type'], '^2.1.0');
    const pinned = lock.packages['node_modules/@octokit/request/node_modules/content-type'] ?? lock.packages['node_modules/content-type'];
    assert.match(pinned?.version ?? '', /^2\./);
  });
});
