// The first run must end (issue 16, item 7): `npm run demo` runs the CLI walkthrough and exits by
// itself with its result; it neither installs code-server nor waits for Ctrl-C. Runs the built
// dist/demo.js (`node esbuild.mjs` first) exactly as `npm run demo` does after its build.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = process.env.PROJECT_SYNC_TEST_DEMO || path.join(ROOT, 'dist/demo.js');

describe('npm run demo (issue 16)', function () {
  this.timeout(240_000);

  it('runs the walkthrough and exits 0 by itself, without code-server or Ctrl-C', async () => {
    assert.ok(existsSync(DEMO), `${DEMO} is missing: run \`node esbuild.mjs\` first`);
    const child = spawn(process.execPath, [DEMO], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GITHUB_TOKEN: '' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 180_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    assert.ok(!hung, `the demo did not end by itself; last output:\n${out.slice(-1500)}`);
    assert.equal(code, 0, out.slice(-1500));
    assert.match(out, /Restore the first sync/);
    assert.doesNotMatch(out, /Installing code-server|Ctrl-C stops everything/);
    assert.match(out, /npm run demo:vscode/, 'it says how to see the extension');
  });

  it('package.json and README agree: demo ends by itself, demo:vscode opens code-server', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.demo, 'npm run build && node dist/demo.js');
    assert.match(pkg.scripts['demo:vscode'] ?? '', /dist\/demo\.js --vscode$/);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /npm ci && npm run demo .*ends by itself/);
    assert.match(readme, /`npm run demo:vscode`/);
  });
});
