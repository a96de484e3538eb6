// The demo repository: a small but real project with several branches and a history.
import { commitChanges, createBranch, createTestRepo, generateFiles, type TestRepo } from './repos';

const readme = `# Atlas

A demo service for Project Sync: an HTTP router, a tiny store and their tests.

## Getting started

Run \`npm start\`.
`;

const router = `/** Routes requests to handlers by method and path. */
export interface Route {
  method: string;
  path: string;
}

export class Router {
  private routes: Route[] = [];
  add(route: Route): void {
    this.routes.push(route);
  }
}

export function createRouter(): Router {
  return new Router();
}
`;

export async function buildDemoRepository(): Promise<TestRepo> {
  const files: Record<string, string> = { ...generateFiles(300, { seed: 7 }), 'README.md': readme, 'src/router.ts': router, LICENSE: 'MIT License\n' };
  const repo = await createTestRepo(files, { message: 'Initial import' });
  await commitChanges(repo, { 'docs/ARCHITECTURE.md': '# Architecture\n\nRouter, store, handlers.\n' }, { message: 'Document the architecture' });
  await createBranch(repo, 'feature/search');
  await commitChanges(
    repo,
    { 'src/search.ts': '/** Full-text search over the store. */\nexport function search(query: string): string[] {\n  return [query];\n}\n' },
    { branch: 'feature/search', message: 'Add search' },
  );
  await createBranch(repo, 'release/1.0');
  return repo;
}

/** A change on the default branch: modifies 3, adds 2, deletes 1 file. */
export async function pushDemoChange(repo: TestRepo): Promise<void> {
  await commitChanges(
    repo,
    {
      'src/router.ts': router + '\nexport function routeCount(r: Router): number {\n  return r ? 1 : 0;\n}\n',
      'README.md': readme + '\n## Routing\n\nSee src/router.ts.\n',
      'docs/ARCHITECTURE.md': '# Architecture\n\nRouter, store, handlers, search.\n',
      'src/health.ts': 'export function health(): string {\n  return "ok";\n}\n',
      'docs/CHANGELOG.md': '# Changelog\n\n## 0.2.0\n\n- Routing docs.\n',
      'LICENSE': null,
    },
    { message: 'Routing docs and a health check' },
  );
}
