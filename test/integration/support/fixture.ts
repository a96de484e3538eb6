// Runner side: the world the suite runs in. Starts the GitHub-compatible test server with a small
// repository, clones the workspace that code-server opens (origin = that server, so nothing in the
// product is test-specific), and defines the actions the suite may call through the bridge
// (`fixture(name, args)` in bridge.ts). The server lives in the runner's process, so it survives
// a window reload that restarts the extension host.
import * as z from 'zod';
import { startGitHubServer, type RequestLogEntry, type ServerSwitches } from '../../support/githubServer';
import { runGit } from '../../support/git';
import { cloneWorkspace, commitChanges, createBranch, createTestRepo, type TestRepo } from '../../support/repos';
import { scenarioActions, type ScenarioActions } from './scenarioFixture';

export const OWNER = 'octo-org';
export const REPO = 'atlas';

/** The repository the workspace is cloned from: `main` plus two branches with their own commits. */
const INITIAL_FILES: Record<string, string> = {
  'README.md': '# Atlas\n\nA small service used by the integration suite.\n',
  'src/router.ts': '/** Routes requests to handlers. */\nexport function route(path: string): string {\n  return path;\n}\n',
  'src/store.ts': 'export class Store {\n  get(key: string): string | undefined {\n    return key ? undefined : key;\n  }\n}\n',
  'docs/guide.md': '# Guide\n\nStart with the router.\n',
};

const FileSpec = z.union([
  z.string(),
  z.object({ symlink: z.string() }),
  z.object({ submodule: z.string() }),
  z.object({ executable: z.string() }),
]);
const Commit = z.object({
  /** Path → new content (or a symlink/submodule/executable spec); null deletes the path. */
  changes: z.record(z.string(), FileSpec.nullable()),
  branch: z.string().optional(),
  message: z.string().optional(),
});
const Branch = z.object({ name: z.string().min(1), from: z.string().optional() });
const BranchName = z.object({ name: z.string().min(1) });
const Switches = z
  .object({
    latencyMs: z.number().int().nonnegative(),
    truncateTreeOver: z.number().int().positive(),
    perPageMax: z.number().int().positive(),
    rateLimit: z.object({ limit: z.number(), remaining: z.number(), resetAt: z.number() }),
    secondary: z.object({ retryAfter: z.number().optional(), count: z.number() }).nullable(),
    failures: z.array(
      z.object({ kind: z.enum(['500', '502', 'drop', 'slow']), match: z.string().optional(), count: z.number(), delayMs: z.number().optional() }),
    ),
    ssoUrl: z.string().nullable(),
  })
  .partial();
const Since = z.object({ since: z.number().int().nonnegative().default(0) });

export interface RepoInfo {
  /** `http://127.0.0.1:PORT` (git smart HTTP at `${url}/${owner}/${name}.git`). */
  url: string;
  /** `${url}/api/v3`. */
  apiUrl: string;
  owner: string;
  name: string;
  defaultBranch: string;
  branches: string[];
}

export interface FixtureActions extends ScenarioActions {
  /** The server and repository the workspace's origin points at. */
  info(args: Record<string, never>): Promise<RepoInfo>;
  /** Pushes one commit to the server's repository (default: its default branch); returns its sha. */
  commit(args: z.input<typeof Commit>): Promise<string>;
  /** Creates a branch on the server (`from`: a branch or sha, default HEAD). */
  createBranch(args: z.input<typeof Branch>): Promise<null>;
  /** Deletes a branch on the server (as a push of its deletion would). */
  deleteBranch(args: z.input<typeof BranchName>): Promise<null>;
  /** Sets server switches: latency, rate limits, failures, tree truncation, SSO. */
  setSwitches(args: z.input<typeof Switches>): Promise<ServerSwitches>;
  /** Back to the defaults (no latency, full rate limit, no failures). */
  resetSwitches(args: Record<string, never>): Promise<ServerSwitches>;
  /** The server's request log from index `since`. */
  requests(args: z.input<typeof Since>): Promise<RequestLogEntry[]>;
  /** Takes the server off the network (connections refused) until startServer. */
  stopServer(args: Record<string, never>): Promise<null>;
  /** Brings a stopped server back on the same port. */
  startServer(args: Record<string, never>): Promise<null>;
}

export interface Fixture {
  workspace: string;
  githubUrl: string;
  actions: FixtureActions;
  close(): Promise<void>;
}

async function buildRepository(): Promise<{ repo: TestRepo; branches: string[] }> {
  const repo = await createTestRepo(INITIAL_FILES, { message: 'Initial import' });
  await createBranch(repo, 'feature/search');
  await commitChanges(repo, { 'src/search.ts': 'export function search(q: string): string[] {\n  return [q];\n}\n' }, { branch: 'feature/search', message: 'Add search' });
  await createBranch(repo, 'release/1.0');
  return { repo, branches: ['main', 'feature/search', 'release/1.0'] };
}

export async function createFixture(_tmp: string): Promise<Fixture> {
  const server = await startGitHubServer();
  const cleanups: Array<() => Promise<void>> = [() => server.close()];
  const close = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };
  try {
    const { repo, branches } = await buildRepository();
    cleanups.push(() => repo.cleanup());
    server.addRepository(OWNER, REPO, repo.bareDir);
    const workspace = await cloneWorkspace(server, OWNER, REPO);
    cleanups.push(() => workspace.cleanup());
    const defaults = JSON.stringify(server.switches);
    const actions: FixtureActions = {
      info: async () => ({ url: server.url, apiUrl: server.apiUrl, owner: OWNER, name: REPO, defaultBranch: 'main', branches: [...branches] }),
      commit: async (args) => {
        const { changes, branch, message } = Commit.parse(args);
        const sha = await commitChanges(repo, changes, { branch, message });
        if (branch && !branches.includes(branch)) branches.push(branch);
        return sha;
      },
      createBranch: async (args) => {
        const { name, from } = Branch.parse(args);
        await createBranch(repo, name, from);
        branches.push(name);
        return null;
      },
      deleteBranch: async (args) => {
        const { name } = BranchName.parse(args);
        await runGit(['--git-dir', repo.bareDir, 'update-ref', '-d', `refs/heads/${name}`]);
        if (branches.includes(name)) branches.splice(branches.indexOf(name), 1);
        return null;
      },
      setSwitches: async (args) => Object.assign(server.switches, Switches.parse(args)),
      resetSwitches: async () => Object.assign(server.switches, JSON.parse(defaults) as ServerSwitches),
      requests: async (args) => server.requests.slice(Since.parse(args).since),
      stopServer: async () => (await server.suspend(), null),
      startServer: async () => (await server.resume(), null),
      ...scenarioActions(repo),
    };
    return { workspace: workspace.dir, githubUrl: server.apiUrl, actions, close };
  } catch (err) {
    await close();
    throw err;
  }
}
