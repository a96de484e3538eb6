// Runner side: the world the suite runs in. Prepares the workspace folder opened in code-server
// (a git repository whose origin is the test GitHub server) and the actions the suite may call
// through the bridge (`fixture(name, args)` in bridge.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../../support/git';

export interface FixtureActions {
  /** The workspace's HEAD commit sha. */
  workspaceHead(args: Record<string, never>): Promise<string>;
}

export interface Fixture {
  workspace: string;
  githubUrl: string;
  actions: FixtureActions;
  close(): Promise<void>;
}

export async function createFixture(tmp: string): Promise<Fixture> {
  const workspace = path.join(tmp, 'workspace');
  const githubUrl = 'http://127.0.0.1:9/api/v3';
  await fs.mkdir(workspace, { recursive: true });
  await runGit(['init', '-q', '-b', 'main'], { cwd: workspace });
  await fs.writeFile(path.join(workspace, 'README.md'), '# demo\n');
  await runGit(['add', '-A'], { cwd: workspace });
  await runGit(['commit', '-q', '-m', 'initial'], { cwd: workspace });
  await runGit(['remote', 'add', 'origin', 'http://127.0.0.1:9/octo/demo.git'], { cwd: workspace });
  const actions: FixtureActions = {
    workspaceHead: async () => (await runGit(['rev-parse', 'HEAD'], { cwd: workspace })).toString('utf8').trim(),
  };
  return { workspace, githubUrl, actions, close: async () => {} };
}
