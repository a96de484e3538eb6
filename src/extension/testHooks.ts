// What the extension's exports carry in ExtensionMode.Test only: hooks its integration tests use to
// make time and the two-step commit of a large sync observable. Never part of the API.
import type { AdjustableClock } from './clock';
import type { EngineHost } from './engineHost';
import type { HistoryTreeProvider } from './history/historyTree';

/** What the extension's exports carry in ExtensionMode.Test only. */
export interface TestHooks {
  clock: Pick<AdjustableClock, 'advance' | 'reset'>;
  /** The two-step commit of a large sync, made observable: `engine` is read by every sync. */
  memoryStep: MemoryStepHooks;
  /** The History tree's refreshes: a test opens a row's menu once VS Code has read the latest. */
  history: Pick<HistoryTreeProvider, 'settled' | 'refreshes'>;
  /** How many engines have opened: a test changes a setting and waits for the reopen. */
  engines: Pick<EngineHost, 'opens'>;
}

/**
 * Engine options a test may change between syncs: the two-step threshold, and a gate every large
 * sync waits at between its snapshot and its memory step (hold() closes it, the returned function opens it).
 */
export class MemoryStepHooks {
  largeChangeFiles: number | undefined;
  private gate: Promise<void> | undefined;

  hold(): () => void {
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    return () => {
      this.gate = undefined;
      open();
    };
  }

  /** Engine options reading these hooks at every sync. */
  engineOptions(): { readonly largeChangeFiles?: number; afterSnapshotSaved(): Promise<void> } {
    const hooks = this as MemoryStepHooks;
    return {
      get largeChangeFiles() {
        return hooks.largeChangeFiles;
      },
      afterSnapshotSaved: () => hooks.gate ?? Promise.resolve(),
    };
  }
}
