// `npm run demo`: the main job on an embedded default — no token, no internet.
// Starts the GitHub-compatible server on 127.0.0.1 with a generated demo repository, clones a demo
// workspace from it, and syncs it with the real `project-sync` CLI (live progress in the terminal):
// a first sync, a pushed change and an incremental sync, the history, a memory query and a restore.
// Then it exits by itself with the walkthrough's result (0 when every step worked).
//   --vscode (`npm run demo:vscode`): afterwards, open the same workspace in code-server with the
//            extension loaded (installed on first use) and wait for Ctrl-C.
//   --serve: afterwards, keep the GitHub-compatible server running until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startGitHubServer } from '../test/support/githubServer';
import { buildDemoRepository, pushDemoChange } from '../test/support/demoRepo';
import { cloneWorkspace } from '../test/support/repos';

const cli = path.join(__dirname, 'cli.js');
const root = path.resolve(__dirname, '..');

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
  const ui = process.argv.includes('--vscode');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'project-sync-demo-'));
  const storage = path.join(tmp, 'storage');
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

    if (ui) {
      step('The extension in a real VS Code (code-server)');
      await openInCodeServer(workspace.dir, tmp);
    } else if (serve) {
      step('Serving; press Ctrl-C to stop');
      process.stdout.write(`Try: node dist/cli.js sync --repo ${workspace.dir} --storage ${storage}\n`);
      await untilInterrupted();
    } else {
      step('Done');
      process.stdout.write('The same walkthrough in a real VS Code (code-server): npm run demo:vscode\n');
    }
    await repo.cleanup();
  } finally {
    await server.close();
    await workspace?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}

interface CodeServerLib {
  codeServerBin(root: string): string;
  freePort(): Promise<number>;
  startCodeServer(o: { root: string; tmp: string; port: number }): Promise<{ stop(): Promise<void> }>;
  workbenchUrl(o: { port: number; folder: string; devPath: string }): string;
}

/** code-server with the extension loaded from this folder, on the demo workspace, until Ctrl-C. */
async function openInCodeServer(folder: string, tmp: string): Promise<void> {
  const libPath = path.join(root, 'scripts/lib/codeServer.mjs');
  const lib = (await import(pathToFileURL(libPath).href)) as CodeServerLib;
  if (!existsSync(lib.codeServerBin(root))) {
    process.stdout.write('Installing code-server 4.100.3 (first use, about a minute)…\n');
    const r = spawnSync('bash', [path.join(root, 'scripts/install-code-server.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not install code-server; `npm run demo` runs the CLI part alone');
  }
  const port = await lib.freePort();
  const server = await lib.startCodeServer({ root, tmp: path.join(tmp, 'code-server'), port });
  try {
    const url = lib.workbenchUrl({ port, folder, devPath: root });
    process.stdout.write(`\nOpen this URL in a browser on this machine:\n\n  ${url}\n\n`);
    process.stdout.write('Then click Project Sync in the activity bar and press Sync. Ctrl-C stops everything.\n');
    await untilInterrupted();
  } finally {
    await server.stop();
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
