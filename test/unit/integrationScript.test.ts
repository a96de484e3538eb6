// `npm run test:integration` (issue 16): when the development run fails, the packaged .vsix is
// neither built nor run, and the summary says its smoke run was skipped. The package script's own
// shell text runs under sh with its two runs, the build and the packaging replaced by stand-ins.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SKIPPED = '[integration] the development run failed, so the packaged .vsix smoke run was skipped';

function runScript(devRunExit: number): { code: number | null; out: string } {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts['test:integration'] ?? '';
  const stood = script
    .replace(/npm run build/g, 'true')
    .replace(/npm run package/g, 'echo STEP-PACKAGE')
    .replace(/node scripts\/run-integration\.mjs --vsix \S+/g, 'echo STEP-VSIX-RUN')
    .replace(/node scripts\/run-integration\.mjs(?: --timeout \d+)?/g, `(echo STEP-DEV-RUN; exit ${devRunExit})`);
  assert.doesNotMatch(stood, /run-integration|npm run/, `every step has a stand-in: ${stood}`);
  const r = spawnSync('sh', ['-c', stood], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('npm run test:integration (issue 16)', () => {
  it('a failed development run ends it with exit 1 and says the .vsix smoke run was skipped; nothing is packaged', () => {
    const { code, out } = runScript(1);
    assert.equal(code, 1, out);
    assert.ok(out.includes(SKIPPED), out);
    assert.doesNotMatch(out, /STEP-PACKAGE|STEP-VSIX-RUN/);
  });

  it('a passing development run goes on to package the .vsix and run the smoke suite against it, with no skip line', () => {
    const { code, out } = runScript(0);
    assert.equal(code, 0, out);
    assert.deepEqual(out.trim().split('\n'), ['STEP-DEV-RUN', 'STEP-PACKAGE', 'STEP-VSIX-RUN']);
  });
});
