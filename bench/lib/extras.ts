// Scenarios 6–8: memory query over the active entries, extension activation and bundle sizes,
// progress messages per second (as the CLI emits them, and as the webview coalescer delivers them).
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { DeltaCoalescer, type TimerPort } from '../../src/extension/webview/coalescer';
import type { SyncDelta } from '../../src/protocol/messages';
import { openHistoryStore } from '../../src/storage';
import { MEMORY_INDEX_FILE } from '../../src/storage/schema';
import type { Bundles } from './build';
import { tempDir, type SyncRun } from './harness';
import { spread, timed } from './proc';
import { row, single, type Row } from './result';

const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Query the store of a completed sync in-process: the store as the extension and the CLI open it. */
export async function memoryQuery(storage: string, size: number, runs: number): Promise<Row[]> {
  const t0 = performance.now();
  const store = await openHistoryStore(storage, { logger: quiet });
  const openMs = performance.now() - t0;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= store.close());
  try {
    const queries = ['handler', 'alpha_beacon', 'zephyrWorker', 'no-such-symbol-anywhere'];
    // The first query of a storage the CLI synced builds memory.index (in a worker thread for a large
    // memory): its time, and the longest this thread went without turning its event loop meanwhile.
    let last = performance.now();
    let stall = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 5);
    const tFirst = performance.now();
    await store.memory({ query: queries[0] as string, limit: 50 });
    const firstMs = performance.now() - tFirst;
    clearInterval(ticker);
    stall = Math.max(stall, performance.now() - last);
    const active = (await store.memory({ limit: Number.MAX_SAFE_INTEGER })).length;
    for (const q of queries) await store.memory({ query: q, limit: 50 }); // warm-up
    const times: number[] = [];
    for (let i = 0; i < Math.max(runs, 5); i++) {
      for (const q of queries) {
        const t = performance.now();
        await store.memory({ query: q, limit: 50 });
        times.push(performance.now() - t);
      }
    }
    const s = spread(times);
    // What Search Memory shows as it opens (no words yet): a listing, in a store opened afresh,
    // which reads memory.index (written by the first query) rather than every memory file.
    // Without memory.index (put aside for this one listing) a listing reads every memory file.
    await close();
    const listing = async (): Promise<{ ms: number; entries: number }> => {
      const t = performance.now();
      const fresh = await openHistoryStore(storage, { logger: quiet });
      const listed = await fresh.memory({ limit: 50 }).finally(() => fresh.close());
      return { ms: performance.now() - t, entries: listed.length };
    };
    const indexFile = path.join(storage, MEMORY_INDEX_FILE);
    await rename(indexFile, `${indexFile}.aside`);
    const fromFiles = await listing().finally(() => rename(`${indexFile}.aside`, indexFile));
    const fromIndex = await listing();
    return [
      row({
        scenario: 'memory query (limit 50)', size, unit: 'ms', target: '≤ 20 ms', ours: s, met: size >= 100_000 ? s.max <= 20 : null,
        note: `${active} active entries; ${queries.length} queries × ${times.length / queries.length}; opening the store ${openMs.toFixed(0)} ms; the first query (memory.index built) ${(firstMs / 1000).toFixed(2)} s, this thread's longest stall meanwhile ${stall.toFixed(0)} ms; a new store's listing of ${fromIndex.entries} (Search Memory opening) ${fromIndex.ms.toFixed(0)} ms (${fromFiles.ms.toFixed(0)} ms from the memory files)`,
      }),
    ];
  } finally {
    await close();
  }
}

/** require + activate of the production extension bundle with a stub host, in fresh processes. */
export async function activation(bundles: Bundles, runs: number): Promise<Row[]> {
  const sizeRows = bundles.sizes.map((b) =>
    row({
      scenario: `bundle size ${b.name}`, size: 0, unit: 'KB', target: b.name === 'extension.js' ? '≤ 1 MB' : '-',
      ours: single(b.bytes / 1024), met: b.name === 'extension.js' ? b.bytes <= 1024 * 1024 : null, note: 'production build (minified)',
    }),
  );
  if (!bundles.extension) return [row({ scenario: 'activation', size: 0, unit: 'ms', target: '≤ 50 ms', note: 'n/a: the extension does not build' }), ...sizeRows];
  const script = path.join(__dirname, 'activate.mjs');
  const req: number[] = [];
  const act: number[] = [];
  const lazy = new Map<string, number[]>();
  let failure = '';
  for (let i = 0; i < Math.max(runs, 5); i++) {
    const t = await timed(process.execPath, [script, bundles.extension, tempDir('activate')], { allowFail: true });
    if (t.code !== 0) {
      failure = t.stderr.split('\n').slice(0, 3).join(' ');
      break;
    }
    const r = JSON.parse(t.stdout) as { requireMs: number; activateMs: number; lazyMs?: Record<string, number> };
    req.push(r.requireMs);
    act.push(r.activateMs);
    for (const [name, ms] of Object.entries(r.lazyMs ?? {})) lazy.set(name, [...(lazy.get(name) ?? []), ms]);
  }
  if (failure) return [row({ scenario: 'activation', size: 0, unit: 'ms', target: '≤ 50 ms', note: `n/a: ${failure.slice(0, 200)}` }), ...sizeRows];
  const total = spread(req.map((r, i) => r + (act[i] ?? 0)));
  const firstUse = [...lazy].map(([name, ms]) => `; first use: ${name} ${spread(ms).median.toFixed(1)} ms`).join('');
  return [
    row({
      scenario: 'activation (require + activate)', size: 0, unit: 'ms', target: '≤ 50 ms', ours: total, met: total.median <= 50,
      note: `require ${spread(req).median.toFixed(1)} ms + activate ${spread(act).median.toFixed(1)} ms (stub vscode)${firstUse}`,
    }),
    ...sizeRows,
  ];
}

/** A clock the replay advances by hand, firing due timers in order. */
class VirtualTimers implements TimerPort {
  private t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { dispose: () => void (timer.live = false) };
  }
  advance(to: number): void {
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = due.at;
      due.fn();
    }
    this.timers = this.timers.filter((x) => x.live);
    this.t = to;
  }
}

function peakPerSecond(times: number[]): number {
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= 1000) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

/** Progress lines of one sync: as emitted, and replayed at their arrival times through the webview's coalescer. */
export function progressRate(run: SyncRun, size: number): Row[] {
  const arrivals = run.lines.filter((l) => l.text.startsWith('{"type":"progress"')).map((l) => l.at);
  const span = Math.max(1, (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
  const timers = new VirtualTimers();
  const delivered: number[] = [];
  const coalescer = new DeltaCoalescer(() => delivered.push(timers.now()), timers);
  for (const at of arrivals) {
    timers.advance(at);
    coalescer.push({ type: 'progress', syncId: 'bench' } as unknown as SyncDelta);
  }
  timers.advance((arrivals.at(-1) ?? 0) + 1000);
  const emitted = peakPerSecond(arrivals);
  const webview = peakPerSecond(delivered);
  return [
    row({
      scenario: 'progress messages (peak per 1 s window)', size, unit: 'msg/s', target: '≤ 20/s', path: 'git',
      ours: single(webview), met: webview <= 20,
      note: `to the webview after the coalescer; the CLI emitted ${arrivals.length} in ${span.toFixed(1)} s (mean ${(arrivals.length / span).toFixed(1)}/s, peak ${emitted}/s)`,
    }),
  ];
}
