// The CLI is read through a pipe: a document of several megabytes arrives whole (a pipe takes 64 KB
// at a time, and exiting before it drains cut documents short), and a reader that leaves early
// (`| head`) ends the CLI quietly.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBranches } from '../support/repos';
import { Fixture } from './support/cliHarness';
import { runCli } from './support/cliProcess';
import { buildCli } from './support/faultKit';
import { file, open, syncFiles } from './storageFixtures';

const sh = (script: string, env: NodeJS.ProcessEnv) => spawnSync('bash', ['-c', script], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('project-sync through a real pipe', function () {
  this.timeout(120_000);
  let tmp: string;
  let cliJs: string;
  let storage: string;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-pipe-'));
    cliJs = await buildCli(tmp);
    storage = path.join(tmp, 'storage');
    const store = await open(storage);
    // ~45k entries with long real-looking paths: files --json is over 5 MB, memory --json too.
    const files = Array.from({ length: 45_000 }, (_, i) => file(`packages/pkg-${i % 97}/src/components/feature-${i}/widgets/component-${i}.tsx`));
    await syncFiles(store, files);
    await store.close();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const command of ['files', 'memory', 'history']) {
    it(`${command} --json | cat delivers the whole document`, () => {
      const direct = sh(`node "$CLI" ${command} --storage "$S" --json > "$T/${command}.json"; wc -c < "$T/${command}.json"`, { CLI: cliJs, S: storage, T: tmp });
      const piped = sh(`node "$CLI" ${command} --storage "$S" --json | cat`, { CLI: cliJs, S: storage });
      assert.equal(piped.status, 0, piped.stderr);
      assert.equal(piped.stdout.length, Number(direct.stdout.trim()), 'as many bytes through the pipe as into a file');
      const doc = JSON.parse(piped.stdout) as unknown[];
      if (command !== 'history') {
        assert.ok(piped.stdout.length > 5_000_000, `${piped.stdout.length} bytes`);
        assert.equal(doc.length, 45_000);
      }
    });
  }

  it('ends quietly when the reader leaves early (EPIPE)', () => {
    const r = sh(`node "$CLI" files --storage "$S" | head -1; echo "cli=\${PIPESTATUS[0]}"`, { CLI: cliJs, S: storage });
    assert.match(r.stdout, /^100644 [0-9a-f]{40} /);
    assert.match(r.stdout, /cli=0\n$/);
    assert.equal(r.stderr, '', 'no stack trace, no message');
  });
});

describe('project-sync branches through a real pipe', function () {
  this.timeout(120_000);
  let fx: Fixture;
  const names = Array.from({ length: 2_500 }, (_, i) => `topic/${String(i).padStart(4, '0')}-${'x'.repeat(40)}`);

  before(async () => {
    fx = await Fixture.create({ 'README.md': '# pipes\n' }, { branch: 'main' });
    await createBranches(fx.repo, names);
  });
  after(() => fx.dispose());

  it('branches --json | cat delivers every branch of every page', async () => {
    // Async: the server answering the CLI runs in this process.
    const piped = await runCli(['branches', '--repo', fx.workspace.dir, '--json'], {}, { shell: '{cli} | cat' });
    assert.equal(piped.code, 0, piped.stderr);
    const listed = JSON.parse(piped.stdout) as Array<{ name: string }>;
    assert.equal(listed.length, names.length + 1);
    assert.ok(piped.stdout.length > 65_536 * 2, `${piped.stdout.length} bytes, more than two pipe buffers`);
  });
});
