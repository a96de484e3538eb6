// The fault matrix: every pipeline phase × every fault, through the real CLI against the test server.
// After each fault: the store loads, the chain is whole, the active sync and its files are unchanged,
// the attempt is recorded with the right status and code, and a plain retry completes.
// PROJECT_SYNC_VERBOSE=1 prints the matrix.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitChanges, lsTree } from '../support/repos';
import { bareWorkspace, cli, Fixture, last, type CliRun } from './support/cliHarness';
import { buildCli, chainProblems, matrixTable, onRequest, spawnCli, storeState } from './support/faultKit';

type Phase = 'resolve' | 'head' | 'tree' | 'content (pack)' | 'content (blobs)' | 'save';
type Fault = '500' | 'drop' | 'slow' | 'primary RL' | 'secondary RL' | 'disk full' | 'read-only' | 'SIGINT' | 'SIGKILL';

const PHASES: Phase[] = ['resolve', 'head', 'tree', 'content (pack)', 'content (blobs)', 'save'];
const FAULTS: Fault[] = ['500', 'drop', 'slow', 'primary RL', 'secondary RL', 'disk full', 'read-only', 'SIGINT', 'SIGKILL'];

/** The request that opens each network phase. */
const TRIGGER: Record<Exclude<Phase, 'save'>, RegExp> = {
  resolve: /^\/api\/v3\/repos\/octo\/repo(\?|$)/,
  head: /\/git\/ref\/heads\//,
  tree: /\/git\/trees\//,
  'content (pack)': /git-upload-pack/,
  'content (blobs)': /\/git\/blobs\//,
};

/** The storage write step that opens the save phase (a first write of complete(); begin() never writes snapshots). */
const SAVE_STEP = 'snapshots/';

const TIMEOUT_MS = 500;
const ENV = { PROJECT_SYNC_TIMEOUT_MS: String(TIMEOUT_MS), PROJECT_SYNC_RETRY_BASE_MS: '5' };

function applicable(phase: Phase, fault: Fault): boolean {
  const storageFault = fault === 'disk full' || fault === 'read-only';
  if (phase === 'save') return !['500', 'drop', 'slow', 'primary RL', 'secondary RL'].includes(fault);
  if (storageFault) return false;
  // Git smart HTTP has no REST rate limit.
  if (phase === 'content (pack)' && (fault === 'primary RL' || fault === 'secondary RL')) return false;
  return true;
}

/** What the attempt's record must say afterwards. */
function expected(phase: Phase, fault: Fault): { status: string; code: string | null } {
  switch (fault) {
    case '500':
    case 'drop':
    case 'slow':
      return { status: 'failed', code: 'NETWORK' };
    case 'primary RL':
    case 'secondary RL':
      return { status: 'failed', code: 'RATE_LIMITED' };
    case 'disk full':
    case 'read-only':
      return { status: 'failed', code: 'STORAGE_ERROR' };
    case 'SIGINT':
      // A save under way is not interrupted: it completes whole.
      return phase === 'save' ? { status: 'completed', code: null } : { status: 'cancelled', code: 'CANCELLED' };
    case 'SIGKILL':
      return { status: 'interrupted', code: null };
  }
}

describe('fault matrix: phase × fault through the CLI', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  let tmp: string;
  let cliJs: string;
  let change = 0;
  const outcomes = new Map<string, string>();

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-fault-'));
    const files: Record<string, string> = { 'README.md': '# r\n' };
    for (let i = 0; i < 20; i++) files[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    [fx, cliJs] = await Promise.all([Fixture.create(files), buildCli(tmp)]);
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
    const first = await syncIn();
    assert.equal(first.code, 0, first.stdout + first.stderr);
  });
  after(async () => {
    if (process.env.PROJECT_SYNC_VERBOSE === '1') {
      process.stdout.write(`\n${matrixTable(PHASES, FAULTS, (p, f) => outcomes.get(`${p}|${f}`) ?? '—')}\n\n`);
    }
    await ws?.cleanup();
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const syncArgs = () => ['sync', '--repo', ws.dir, '--storage', fx.storage, '--json'];
  /**
   * The git path lists trees from the transferred pack and brings small changes by pack once the
   * cache holds the previous commit, so the REST tree and REST blob phases are faulted on the
   * portable path, where those requests always happen.
   */
  let phaseEnv: NodeJS.ProcessEnv = {};
  const envFor = (phase: Phase): NodeJS.ProcessEnv => (phase === 'tree' || phase === 'content (blobs)' ? { PROJECT_SYNC_GIT: 'none' } : {});
  const syncIn = (env: NodeJS.ProcessEnv = {}) => cli(syncArgs(), { ...ENV, ...phaseEnv, ...env });

  /** A fresh change on the server: many new blobs for the pack path, a few for the REST-blob path. */
  async function pushChange(phase: Phase): Promise<void> {
    change++;
    const n = phase === 'content (pack)' ? 60 : 2;
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`c${change}/n${i}.md`] = `# change ${change} file ${i}\n`;
    await commitChanges(fx.repo, files);
  }

  function resetServer(): void {
    const sw = fx.server.switches;
    sw.failures.length = 0;
    sw.secondary = null;
    sw.rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 };
  }

  /** Arm `fault` on the phase's opening request; returns the disarm function. */
  function arm(phase: Exclude<Phase, 'save'>, fault: Fault, onHit?: () => void): () => void {
    const sw = fx.server.switches;
    return onRequest(fx.server, TRIGGER[phase], () => {
      if (fault === '500' || fault === 'drop') sw.failures.unshift({ kind: fault, count: 1 });
      else if (fault === 'slow') sw.failures.unshift({ kind: 'slow', count: 1, delayMs: TIMEOUT_MS * 6 });
      else if (fault === 'primary RL') sw.rateLimit.remaining = 0;
      else if (fault === 'secondary RL') sw.secondary = { retryAfter: 3600, count: 1 };
      else if (fault === 'SIGINT' || fault === 'SIGKILL') {
        // Hold the request so the signal lands in the middle of the phase.
        sw.failures.unshift({ kind: 'slow', count: 1, delayMs: 1500 });
        onHit?.();
      }
    });
  }

  async function runFaulted(phase: Phase, fault: Fault): Promise<CliRun | undefined> {
    phaseEnv = envFor(phase);
    if (phase === 'save') {
      if (fault === 'disk full') return syncIn({ PROJECT_SYNC_FAILPOINT: `enospc@${SAVE_STEP}` });
      if (fault === 'read-only') return syncIn({ PROJECT_SYNC_FAILPOINT: `eacces@${SAVE_STEP}` });
      const action = fault === 'SIGKILL' ? 'kill' : 'sigint';
      return (await spawnCli(cliJs, syncArgs(), { ...ENV, PROJECT_SYNC_FAILPOINT: `${action}@${SAVE_STEP}` }).done);
    }
    if (fault === 'SIGINT' || fault === 'SIGKILL') {
      const spawned = spawnCli(cliJs, syncArgs(), { ...ENV, ...phaseEnv });
      // One signal: a second Ctrl-C means "quit now" (exit 130, the record is then interrupted).
      let sent = false;
      const disarm = arm(phase, fault, () => {
        if (!sent) spawned.child.kill(fault);
        sent = true;
      });
      try {
        return await spawned.done;
      } finally {
        disarm();
      }
    }
    const disarm = arm(phase, fault);
    try {
      return await syncIn();
    } finally {
      disarm();
    }
  }

  for (const phase of PHASES) {
    for (const fault of FAULTS) {
      if (!applicable(phase, fault)) continue;
      it(`${phase} × ${fault}`, async () => {
        await pushChange(phase);
        const before = await storeState(fx.storage);
        const active = before.history.find((r) => r.status === 'completed');
        assert.ok(active, 'a completed sync before the fault');

        const run = await runFaulted(phase, fault);
        resetServer();
        const want = expected(phase, fault);
        const after = await storeState(fx.storage);
        const attempt = after.history[0];
        assert.ok(attempt && attempt.id !== active.id, `the attempt is recorded (${run?.stdout} ${run?.stderr})`);
        assert.equal(attempt.status, want.status, `status of ${JSON.stringify(attempt)}; output ${run?.stdout} ${run?.stderr}`);
        assert.equal(attempt.error?.code ?? null, want.code, JSON.stringify(attempt.error));
        assert.equal(after.history.length, before.history.length + 1, 'one record more, none lost');
        assert.deepEqual(chainProblems(after.history), []);
        if (want.status !== 'completed') {
          assert.deepEqual(after.files, before.files, 'the active sync still gives the same files');
          if (want.code && run) {
            const line = last(run);
            assert.equal(line.code, want.code, 'the CLI reports the same code');
            assert.ok(typeof line.message === 'string' && line.message.length > 20, 'a sentence, not a bare code');
          }
        }

        const retry = await syncIn();
        assert.equal(retry.code, 0, `the retry completes: ${retry.stdout} ${retry.stderr}`);
        const retried = last(retry).sync as { previousSyncId: string | null; status: string };
        const head = (await storeState(fx.storage)).history.find((r) => r.status === 'completed' && r.id !== (last(retry).sync as { id: string }).id);
        assert.equal(retried.previousSyncId, want.status === 'completed' ? attempt.id : active.id, 'the retry chains to the last completed sync');
        assert.ok(head);
        const final = await storeState(fx.storage);
        const expectedFiles = await lsTree(fx.repo.bareDir, 'main');
        assert.deepEqual(final.files.map((f) => `${f.blobSha} ${f.path}`).sort(), expectedFiles.map((e) => `${e.sha} ${e.path}`).sort());
        assert.deepEqual(chainProblems(final.history), []);
        const phaseNote = attempt.phase ? ` @${attempt.phase}` : '';
        outcomes.set(`${phase}|${fault}`, `${attempt.status}${attempt.error ? ` ${attempt.error.code}` : ''}${phaseNote} → retry ok`);
      });
    }
  }
});
