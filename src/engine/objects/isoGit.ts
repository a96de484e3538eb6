// isomorphic-git, loaded on first use. Only the portable path (PROJECT_SYNC_GIT=none, or no git
// binary) and the reading of a cache it filled run it; the git path never does. Bundles built with
// scripts/engineSplit.mjs keep it in a file of its own (dist/isomorphicGit.js, with pako: 0.5 MB, 0.2 MB minified),
// so a process that never needs it (every CLI command on the git path) neither compiles nor runs it.
// Value imports of 'isomorphic-git' elsewhere fail the build; type imports are fine.
export type IsoGit = typeof import('isomorphic-git').default;

let loading: Promise<IsoGit> | undefined;

export function isoGit(): Promise<IsoGit> {
  loading ??= import('isomorphic-git').then((m) => m.default);
  return loading;
}
