// The parts of GitHub's JSON answers we rely on, checked at the boundary.
import * as z from 'zod';
import { lazySchema } from '../core/lazySchema';
import { SyncError } from '../core/errors';

export const repoSchema = lazySchema(() =>
  z.object({
    default_branch: z.string(),
    private: z.boolean(),
    html_url: z.string(),
  }),
);

export const branchListSchema = lazySchema(() =>
  z.array(
    z.object({
      name: z.string(),
      commit: z.object({ sha: z.string() }),
      protected: z.boolean().optional(),
    }),
  ),
);

export const refSchema = lazySchema(() =>
  z.object({
    ref: z.string(),
    object: z.object({ sha: z.string(), type: z.string() }),
  }),
);

export const commitSchema = lazySchema(() =>
  z.object({
    sha: z.string(),
    tree: z.object({ sha: z.string() }),
    parents: z.array(z.object({ sha: z.string() })),
    message: z.string().nullable().optional(),
  }),
);
export type GitCommit = z.infer<typeof commitSchema>;

/** GitHub's compare answer: only the relation of head to base is used. */
export const compareSchema = lazySchema(() =>
  z.object({
    status: z.enum(['identical', 'ahead', 'behind', 'diverged']),
  }),
);

export const treeSchema = lazySchema(() =>
  z.object({
    sha: z.string(),
    truncated: z.boolean().optional(),
    tree: z.array(
      z.object({
        path: z.string(),
        mode: z.string(),
        type: z.string(),
        sha: z.string(),
        size: z.number().optional(),
      }),
    ),
  }),
);
export type GitTree = z.infer<typeof treeSchema>;

/** Parse an API answer or fail with a NETWORK error naming what was malformed. */
export function parseShape<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unknown shape';
  throw new SyncError('NETWORK', `The API's answer for ${what} was not what GitHub sends (${where}).`, {
    hint: 'Check that the remote points at GitHub or GitHub Enterprise.',
  });
}
