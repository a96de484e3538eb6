// `npm run demo`: the main job on an embedded default — no token, no internet.
// Starts the GitHub-compatible server on 127.0.0.1 with a generated demo repository, clones a demo
// workspace from it, and syncs it with the real `project-sync` CLI (live progress in the terminal):
// a first sync, a pushed change and an incremental sync, the history, a memory query and a restore.
// `--serve` keeps the server running afterwards so you can try the CLI against it yourself.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubServer } from '../test/support/githubServer';
import { buildDemoRepository, pushDemoChange } from '../test/support/demoRepo';
import { cloneWorkspace } from '../test/support/repos';

const cli = path.join(__dirname, 'cli.js');

function step(title: string): void {
  process.stdout.write(`\n\x1b[1m▸ ${title}\x1b[0m\n`);
}

function projectSync(args: string[]): Promise<number> {
  process.stdout.write(`$ project-sync ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env: { ...process.env, GITHUB_TOKEN: '' } });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function expectOk(args: string[]): Promise<void> {
  const code = await projectSync(args);
  if (code !== 0) throw new Error(`project-sync ${args[0]} exited with ${code}`);
}

async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  const root = mkdtempSync(path.join(os.tmpdir(), 'project-sync-demo-'));
  const storage = path.join(root, 'storage');
  const server = await startGitHubServer();
  let workspace: { dir: string; cleanup(): Promise<void> } | undefined;
  try {
    step('Building the demo repository (several branches, a real history)');
    const repo = await buildDemoRepository();
    server.addRepository('demo', 'atlas', repo.bareDir);
    process.stdout.write(`GitHub-compatible server: ${server.apiUrl}\n`);
    workspace = await cloneWorkspace(server, 'demo', 'atlas');
    process.stdout.write(`Workspace: ${workspace.dir}\n`);

    step('Branches of the remote');
    await expectOk(['branches', '--repo', workspace.dir]);

    step('First sync of the default branch');
    await expectOk(['sync', '--repo', workspace.dir, '--storage', storage]);

    step('Someone pushes a change; sync again (only the change is fetched)');
    await pushDemoChange(repo);
    await expectOk(['sync', '--repo', workspace.dir, '--storage', storage]);

    step('Sync another branch');
    await expectOk(['sync', '--repo', workspace.dir, '--branch', 'feature/search', '--storage', storage]);

    step('History (newest first)');
    await expectOk(['history', '--storage', storage]);

    step('Ask the project memory');
    await expectOk(['memory', '--storage', storage, '--query', 'router']);

    step('Restore the first sync (appends a record, rewrites nothing)');
    const first = await firstSyncId(storage);
    await expectOk(['restore', first, '--storage', storage]);
    await expectOk(['history', '--storage', storage]);

    if (serve) {
      step('Serving; press Ctrl-C to stop');
      process.stdout.write(`Try: node dist/cli.js sync --repo ${workspace.dir} --storage ${storage}\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    await repo.cleanup();
  } finally {
    await server.close();
    await workspace?.cleanup();
    if (!serve) rmSync(root, { recursive: true, force: true });
  }
}

async function firstSyncId(storage: string): Promise<string> {
  const out: Buffer[] = [];
  const child = spawn(process.execPath, [cli, 'history', '--storage', storage, '--json']);
  child.stdout.on('data', (c: Buffer) => out.push(c));
  await new Promise((r) => child.on('close', r));
  const records = JSON.parse(Buffer.concat(out).toString('utf8')) as { id: string; status: string }[];
  const oldest = records.filter((r) => r.status === 'completed').at(-1);
  if (!oldest) throw new Error('no completed sync to restore');
  return oldest.id;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
