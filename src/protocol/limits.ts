// The protocol's bounds and its branch-name rule without zod: the extension maps domain values to wire
// shapes at activation time, and zod (with the schemas in messages.ts) loads only with the Sync view.

/** Limits shared by both directions. Git caps a ref name far below MAX_BRANCH in practice. */
export const limits = {
  branch: 512,
  text: 2_000,
  id: 128,
  host: 255,
  isoDate: 40,
  branches: 200,
} as const;

/** A branch name as the host may send and the webview may echo back: no control characters. */
// eslint-disable-next-line no-control-regex
export const branchNamePattern = /^[^\u0000-\u001f\u007f]+$/;

/** What branchNameSchema accepts, as a plain check. */
export function isBranchName(name: string): boolean {
  return name.length >= 1 && name.length <= limits.branch && branchNamePattern.test(name);
}
