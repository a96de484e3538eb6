// The host <-> webview protocol: zod schemas per direction are the source of truth, the TypeScript
// types come from z.infer. Both sides safeParse what they receive and drop (and log) what fails.
// Every string and array is bounded so a hostile or runaway payload is rejected, not rendered.
import * as z from 'zod';
import { errorCodeSchema, syncPhaseSchema, syncStatusSchema } from '../core/types';
import { branchNamePattern, limits } from './limits';

export { limits };

/** A branch name as the host may send and the webview may echo back: no control characters. */
export const branchNameSchema = z
  .string()
  .min(1)
  .max(limits.branch)
  .regex(branchNamePattern, 'no control characters');

const idSchema = z.string().min(1).max(limits.id);
const textSchema = z.string().max(limits.text);
const isoDateSchema = z.string().min(1).max(limits.isoDate);
const countSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const hexShaSchema = z.string().regex(/^[0-9a-f]{40}$/);

// ---------------------------------------------------------------------------------------------
// Webview -> host
// ---------------------------------------------------------------------------------------------

export const webviewActionSchema = z.enum([
  'signIn',
  'retry',
  'showLog',
  'openSettings',
  'chooseBranch',
  'syncWhenReset',
  // What Source Control offers a workspace Project Sync cannot sync yet:
  'openFolder',
  'cloneRepository',
  'initRepository',
  'addRemote',
  'learnMore',
]);
export type WebviewAction = z.infer<typeof webviewActionSchema>;

/** Unknown keys are rejected (z.strictObject), which also rejects `__proto__`/`constructor` keys. */
export const webviewToHostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('sync'), branch: branchNameSchema }),
  z.strictObject({ type: z.literal('cancel') }),
  /** "More branches…": open the command palette's branch QuickPick. */
  z.strictObject({ type: z.literal('pickBranch') }),
  z.strictObject({ type: z.literal('action'), action: webviewActionSchema }),
  /** The dropdown's choice changed (no sync yet). */
  z.strictObject({ type: z.literal('selectBranch'), branch: branchNameSchema }),
]);
export type WebviewToHost = z.infer<typeof webviewToHostSchema>;
/** What the host's controller handles: everything but the `ready` handshake, which the provider answers. */
export type WebviewCommand = Exclude<WebviewToHost, { type: 'ready' }>;

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

/** The live counters a banner shows. */
export const wireStatsSchema = z.strictObject({
  files: countSchema,
  added: countSchema,
  modified: countSchema,
  removed: countSchema,
  requests: countSchema,
  bytes: countSchema,
});
export type WireStats = z.infer<typeof wireStatsSchema>;

export const waitingReasonSchema = z.enum(['primary-rate-limit', 'secondary-rate-limit', 'retry']);
export type WaitingReason = z.infer<typeof waitingReasonSchema>;

export const waitingInfoSchema = z.strictObject({
  /** Seconds left at the time the message was built; the webview counts down from its arrival. */
  seconds: z.number().nonnegative().max(86_400),
  reason: waitingReasonSchema,
  resetAt: isoDateSchema.optional(),
});
export type WaitingInfo = z.infer<typeof waitingInfoSchema>;

/** A sync in progress. */
export const runStateSchema = z.strictObject({
  syncId: idSchema,
  branch: branchNameSchema,
  phase: syncPhaseSchema,
  done: countSchema,
  /** Null while the total is unknown: the progress bar is indeterminate. */
  total: countSchema.nullable(),
  stats: wireStatsSchema,
  /** ISO time the sync started (elapsed time is counted from it). */
  startedAt: isoDateSchema,
});
export type RunState = z.infer<typeof runStateSchema>;

/** Problems that are not a sync failure: no GitHub remote, signed out for a private repository… */
export const problemCodeSchema = z.union([errorCodeSchema, z.enum(['NO_FOLDER'])]);
export type ProblemCode = z.infer<typeof problemCodeSchema>;
export const problemSchema = z.strictObject({ code: problemCodeSchema, message: textSchema });
export type Problem = z.infer<typeof problemSchema>;

/** A finished attempt (completed, failed, cancelled, interrupted). */
export const syncSummarySchema = z.strictObject({
  id: idSchema,
  /** A restore makes an older sync active again; absent in state saved before this field existed. */
  kind: z.enum(['sync', 'restore']).optional(),
  branch: branchNameSchema,
  commitSha: hexShaSchema.nullable(),
  status: syncStatusSchema,
  stats: wireStatsSchema,
  error: z
    .strictObject({
      code: errorCodeSchema,
      message: textSchema,
      /** What fits this failure, most useful first (the host's error table); absent: by code. */
      actions: z.array(webviewActionSchema).max(4).optional(),
    })
    .nullable(),
  completedAt: isoDateSchema.nullable(),
  /** Its snapshot is saved but its memory is not all there (a large sync stopped while indexing). */
  memoryIncomplete: z.literal(true).optional(),
  /**
   * What the sync was compared with (its base record); null for a branch's first sync. Absent when
   * unknown (state saved before this field existed): then the summary does not say.
   */
  base: z
    .strictObject({ branch: branchNameSchema, commitSha: hexShaSchema.nullable(), completedAt: isoDateSchema.nullable() })
    .nullable()
    .optional(),
});
export type SyncSummary = z.infer<typeof syncSummarySchema>;

export const branchItemSchema = z.strictObject({
  name: branchNameSchema,
  /** The head sha when known (the webview shows the first 7 characters). */
  commitSha: hexShaSchema.nullable(),
  isDefault: z.boolean(),
  isCurrent: z.boolean(),
  isRecent: z.boolean(),
});
export type BranchItem = z.infer<typeof branchItemSchema>;

export const branchListSchema = z.array(branchItemSchema).max(limits.branches);

export const viewRepositorySchema = z.strictObject({
  owner: z.string().min(1).max(limits.host),
  name: z.string().min(1).max(limits.host),
  host: z.string().min(1).max(limits.host),
});

/** The whole view, replayed on `ready` and whenever the view becomes visible again. */
export const viewStateSchema = z.strictObject({
  repository: viewRepositorySchema.nullable(),
  problem: problemSchema.nullable(),
  /** Default, current and recently synced branches (the QuickPick has the rest). */
  branches: branchListSchema,
  selectedBranch: branchNameSchema.nullable(),
  run: runStateSchema.nullable(),
  /** Set while `run` is waiting on a rate limit. */
  waiting: waitingInfoSchema.nullable(),
  lastSync: syncSummarySchema.nullable(),
  signedIn: z.boolean(),
});
export type ViewState = z.infer<typeof viewStateSchema>;

// ---------------------------------------------------------------------------------------------
// Host -> webview
// ---------------------------------------------------------------------------------------------

export const stateMessageSchema = z.strictObject({ type: z.literal('state'), state: viewStateSchema });
export const progressMessageSchema = runStateSchema.extend({ type: z.literal('progress') });
export const waitingMessageSchema = waitingInfoSchema.extend({ type: z.literal('waiting'), syncId: idSchema });
export const finishedMessageSchema = z.strictObject({ type: z.literal('finished'), sync: syncSummarySchema });
export const branchesMessageSchema = z.strictObject({
  type: z.literal('branches'),
  branches: branchListSchema,
  selectedBranch: branchNameSchema.nullable(),
});

export const hostToWebviewSchema = z.discriminatedUnion('type', [
  stateMessageSchema,
  progressMessageSchema,
  waitingMessageSchema,
  finishedMessageSchema,
  branchesMessageSchema,
]);
export type HostToWebview = z.infer<typeof hostToWebviewSchema>;
export type StateMessage = z.infer<typeof stateMessageSchema>;
export type ProgressMessage = z.infer<typeof progressMessageSchema>;
export type WaitingMessage = z.infer<typeof waitingMessageSchema>;
export type FinishedMessage = z.infer<typeof finishedMessageSchema>;
export type BranchesMessage = z.infer<typeof branchesMessageSchema>;
/** The deltas a running sync produces; coalesced on the host before they are posted. */
export type SyncDelta = ProgressMessage | WaitingMessage | FinishedMessage;

/** Parse without throwing: the value, or a short reason fit for a log line. */
export function parseWebviewToHost(data: unknown): { ok: true; value: WebviewToHost } | { ok: false; reason: string } {
  return toResult(webviewToHostSchema.safeParse(data));
}

export function parseHostToWebview(data: unknown): { ok: true; value: HostToWebview } | { ok: false; reason: string } {
  return toResult(hostToWebviewSchema.safeParse(data));
}

function toResult<T>(r: z.ZodSafeParseResult<T>): { ok: true; value: T } | { ok: false; reason: string } {
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join('.') + ': ' : '';
  return { ok: false, reason: (where + (first?.message ?? 'invalid message')).slice(0, 200) };
}
