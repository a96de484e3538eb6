// code-server (VS Code 1.100.3 server + the real Node extension host) for the integration runner.
// Everything it writes (user data, extensions, logs, XDG dirs) lives under one temp folder.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

export const CODE_SERVER_DIR = '.vscode-test/code-server';

/** The code-server launcher under the project root (CODE_SERVER_BIN overrides). */
export function codeServerBin(root) {
  return process.env.CODE_SERVER_BIN || path.join(root, CODE_SERVER_DIR, 'node_modules/.bin/code-server');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Folders and environment that keep code-server off $HOME and the marketplace. */
export function isolation(tmp) {
  const userDataDir = path.join(tmp, 'user-data');
  const dirs = {
    userDataDir,
    extensionsDir: path.join(tmp, 'extensions'),
    config: path.join(tmp, 'code-server.yaml'),
  };
  const env = {
    XDG_DATA_HOME: path.join(tmp, 'xdg/data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg/config'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg/cache'),
    XDG_RUNTIME_DIR: path.join(tmp, 'xdg/runtime'),
    EXTENSIONS_GALLERY: '{}', // no marketplace lookups (open-vsx is unreachable here)
  };
  for (const d of [dirs.extensionsDir, path.join(userDataDir, 'User'), ...Object.values(env).filter((v) => v.startsWith(tmp))]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  return { dirs, env };
}

function writeSettings(userDataDir, settings) {
  const quiet = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'chat.commandCenter.enabled': false,
    'git.autofetch': false,
    'git.openRepositoryInParentFolders': 'never',
  };
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...quiet, ...settings }, null, 2));
}

function baseArgs(dirs) {
  return ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--config', dirs.config];
}

/** `code-server --install-extension x.vsix` into the isolated extensions dir (offline, < 1 s). */
export async function installVsix(root, tmp, vsix) {
  const { dirs, env } = isolation(tmp);
  const { stdout } = await promisify(execFile)(codeServerBin(root), [...baseArgs(dirs), '--install-extension', vsix], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return stdout.trim();
}

/**
 * Starts code-server in its own process group and resolves once /healthz answers.
 * `env` reaches the extension host (the suite reads PROJECT_SYNC_TEST_* from it).
 */
export async function startCodeServer({ root, tmp, port, env = {}, settings = {}, onLine = () => {} }) {
  const { dirs, env: isoEnv } = isolation(tmp);
  writeSettings(dirs.userDataDir, settings);
  const args = [
    ...baseArgs(dirs),
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy',
    '--log', process.env.VERBOSE ? 'trace' : 'info',
  ];
  const child = spawn(codeServerBin(root), args, {
    env: { ...process.env, ...isoEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() kills the extension host and pty host with it
  });
  const lines = [];
  const onData = (chunk) => {
    for (const l of chunk.toString('utf8').split('\n')) {
      if (!l.trim()) continue;
      lines.push(l);
      onLine(l);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  const server = { child, lines, exited, dirs, stop: () => stopGroup(child, exited) };
  try {
    await waitHealthy(port, exited, lines);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitHealthy(port, exited, lines) {
  let gone = null;
  void exited.then((e) => { gone = e; });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`code-server exited early ${JSON.stringify(gone)}:\n${lines.join('\n')}`);
    const ok = await globalThis.fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await delay(100); // polling a port that has no event to await
  }
  throw new Error('code-server did not answer /healthz within 60 s');
}

/** SIGTERM the whole group, SIGKILL whatever is left once the leader exits (or after 3 s). */
async function stopGroup(child, exited) {
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch (err) {
      if (err.code !== 'ESRCH') throw err; // ESRCH: the group is already gone
    }
  };
  kill('SIGTERM');
  await Promise.race([exited, delay(3000)]);
  kill('SIGKILL');
}

/** Workbench URL: the vscode-remote authority must be the host:port the browser uses. */
export function workbenchUrl({ port, folder, devPath, testsPath }) {
  const host = `127.0.0.1:${port}`;
  const payload = [];
  if (devPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${devPath}`]);
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${testsPath}`]);
  let url = `http://${host}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
