// The persisted conditional-request cache: least recently used entries are dropped beyond a byte
// budget, and writes are debounced (and flushed by close()/complete()).
import type { Logger } from '../core/logger';
import type { Clock, EtagCache } from '../core/ports';
import type { FileOps } from './fsOps';
import { CorruptFileError, parseJsonFile } from './historyAdapter';
import { ETAGS_FILE, etagFileSchema } from './schema';

/** Refs, branch lists, the repository and commits by sha: what a later request can reuse. */
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 2000;
const FLUSH_DELAY_MS = 2000;

interface Slot {
  etag: string;
  body: unknown;
  bytes: number;
}

export class PersistentEtagCache implements EtagCache {
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly files: FileOps,
    private readonly logger: Logger,
    private readonly limits: { maxBytes?: number; maxEntries?: number } = {},
  ) {}

  /** Load etags.json; a corrupt cache is moved aside (it is only a cache) and we start empty. */
  async load(clock: Clock): Promise<void> {
    const text = await this.files.readText(ETAGS_FILE);
    if (text === undefined) return;
    try {
      for (const [key, v] of parseJsonFile(ETAGS_FILE, text, etagFileSchema).entries) this.put(key, v.etag, v.body);
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      const moved = await this.files.moveAside(ETAGS_FILE, clock.now());
      this.logger.warn(`${e.message}; moved aside to ${moved}, starting with an empty cache`);
    }
  }

  get(key: string): { etag: string; body: unknown } | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return { etag: slot.etag, body: slot.body };
  }

  set(key: string, etag: string, body: unknown): void {
    this.put(key, etag, body);
    this.dirty = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush().catch((e: unknown) => this.logger.warn(`could not save the ETag cache: ${String(e)}`));
      }, FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  get size(): number {
    return this.slots.size;
  }

  /** Write pending changes now (serialised with any write in progress). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // After a write that failed (told to its caller), the next one is tried all the same.
    this.pending = this.pending.catch(() => undefined).then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const entries = [...this.slots].map(([k, s]) => [k, { etag: s.etag, body: s.body }]);
      try {
        await this.files.writeAtomic(ETAGS_FILE, JSON.stringify({ version: 1, entries }));
      } catch (e) {
        // Not written: still to write (the next flush, or close()).
        this.dirty = true;
        throw e;
      }
    });
    return this.pending;
  }

  private put(key: string, etag: string, body: unknown): void {
    const bytes = key.length + etag.length + (JSON.stringify(body)?.length ?? 0);
    const old = this.slots.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.slots.delete(key);
    }
    const maxBytes = this.limits.maxBytes ?? DEFAULT_MAX_BYTES;
    if (bytes > maxBytes) return;
    this.slots.set(key, { etag, body, bytes });
    this.bytes += bytes;
    const maxEntries = this.limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
    for (const [k, s] of this.slots) {
      if (this.bytes <= maxBytes && this.slots.size <= maxEntries) break;
      this.slots.delete(k);
      this.bytes -= s.bytes;
    }
  }
}
