// The webview's client state: the only module that holds it. The host owns the truth; this is the
// last snapshot plus the deltas applied since, and a persisted copy so a re-shown view paints at once.
import * as z from 'zod';
import { parseHostToWebview, viewStateSchema, type HostToWebview, type ViewState } from '../src/protocol/messages';

export interface ClientState {
  /** Null until the host's first snapshot (or a valid persisted one). */
  readonly view: ViewState | null;
  /** When a rate-limit wait ends, in this webview's clock (ms since epoch). */
  readonly waitingUntil: number | null;
}

export const initialState: ClientState = { view: null, waitingUntil: null };

/** Apply one host message. Pure: `now` is when it arrived. */
export function reduce(state: ClientState, message: HostToWebview, now: number): ClientState {
  if (message.type === 'state') {
    const view = message.state;
    return { view, waitingUntil: view.waiting ? now + view.waiting.seconds * 1000 : null };
  }
  const view = state.view;
  if (!view) return state; // deltas before the first snapshot are meaningless; the snapshot follows `ready`
  switch (message.type) {
    case 'progress': {
      const { type: _type, ...run } = message;
      return { view: { ...view, run, waiting: null }, waitingUntil: null };
    }
    case 'waiting': {
      const { type: _type, syncId: _syncId, ...waiting } = message;
      return { view: { ...view, waiting }, waitingUntil: now + waiting.seconds * 1000 };
    }
    case 'finished': {
      const ended = view.run === null || view.run.syncId === message.sync.id;
      return {
        view: { ...view, lastSync: message.sync, ...(ended ? { run: null, waiting: null } : {}) },
        waitingUntil: ended ? null : state.waitingUntil,
      };
    }
    case 'branches':
      return { ...state, view: { ...view, branches: message.branches, selectedBranch: message.selectedBranch } };
  }
}

/** The slice of the VS Code webview API the store needs (injected, so tests need no webview). */
export interface PersistenceApi {
  getState(): unknown;
  setState(state: unknown): void;
}

const persistedSchema = z.strictObject({ version: z.literal(1), view: viewStateSchema.nullable() });

/** A persisted view, if valid. A running sync is not restored: the host's snapshot says whether it still runs. */
export function loadPersisted(api: PersistenceApi): ClientState {
  const parsed = persistedSchema.safeParse(api.getState());
  if (!parsed.success || !parsed.data.view) return initialState;
  return { view: { ...parsed.data.view, run: null, waiting: null }, waitingUntil: null };
}

export type StateListener = (state: ClientState, previous: ClientState) => void;

export class Store {
  private state: ClientState;
  private readonly listeners = new Set<StateListener>();

  constructor(
    private readonly api: PersistenceApi,
    private readonly now: () => number = Date.now,
  ) {
    this.state = loadPersisted(api);
  }

  get current(): ClientState {
    return this.state;
  }

  /** Validate and apply raw message data; returns false (and changes nothing) for anything invalid. */
  receive(data: unknown): boolean {
    const parsed = parseHostToWebview(data);
    if (!parsed.ok) return false;
    this.set(reduce(this.state, parsed.value, this.now()));
    return true;
  }

  /** Optimistic local choice (the host confirms with a `branches` or `state` message). */
  selectBranch(branch: string): void {
    const view = this.state.view;
    if (view && view.selectedBranch !== branch) this.set({ ...this.state, view: { ...view, selectedBranch: branch } });
  }

  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(next: ClientState): void {
    const previous = this.state;
    if (next === previous) return;
    this.state = next;
    this.api.setState({ version: 1, view: next.view } satisfies z.input<typeof persistedSchema>);
    for (const l of [...this.listeners]) l(next, previous);
  }
}
