// isomorphic-git's HTTP client, watched: what the portable path's pack transfer needs that
// isomorphic-git does not do itself. A request whose answer (headers or the next body chunk) keeps
// silent for `stallMs` is aborted with a PackStallError, the portable counterpart of git's
// http.lowSpeedLimit/lowSpeedTime; and the Retry-After of a 429 or 5xx is kept, since
// isomorphic-git's HttpError drops the headers.
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

/** No byte of a smart-HTTP answer arrived for the stall time: a transient failure (see classifyPackFailure). */
export class PackStallError extends Error {
  readonly code = 'PackStallError';
  constructor(readonly seconds: number) {
    super(`the server sent no data for ${seconds} s`);
    this.name = 'PackStallError';
  }
}

export interface WatchedHttp {
  client: HttpClient;
  /** The Retry-After header of the last answer that was a 429 or a 5xx, if it had one. */
  retryAfter(): string | undefined;
  /**
   * The stall of any request made through this client. isomorphic-git's pkt-line reader takes a
   * read error for the end of the stream, so a ref advertisement cut by a stall can look complete
   * (a fetch that "succeeds" with no pack): the caller fails the attempt whenever this is set.
   */
  stall(): PackStallError | undefined;
}

/** `stallMs` 0 watches no silence (as PROJECT_SYNC_TIMEOUT_MS=0 turns REST's idle timeout off). */
export function watchedGitHttp(inner: HttpClient, stallMs: number): WatchedHttp {
  let retryAfter: string | undefined;
  let stall: PackStallError | undefined;
  return {
    retryAfter: () => retryAfter,
    stall: () => stall,
    client: {
      async request(req: GitHttpRequest): Promise<GitHttpResponse> {
        const controller = new AbortController();
        const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
        const stalled = (): Error => {
          controller.abort(); // the socket goes, whatever isomorphic-git still holds of it
          stall ??= new PackStallError(stallMs / 1000);
          return stall;
        };
        const res = await within(inner.request({ ...req, signal }), stallMs, stalled);
        const limited = res.statusCode === 429 || res.statusCode >= 500;
        retryAfter = limited ? header(res.headers, 'retry-after') : undefined;
        if (!res.body || stallMs <= 0) return res;
        return { ...res, body: watchedBody(res.body, stallMs, stalled) };
      },
    },
  };
}

/** `work`, or the stall error when it has not settled within `ms`. */
function within<T>(work: Promise<T>, ms: number, stalled: () => Error): Promise<T> {
  if (ms <= 0) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(stalled()), ms);
  });
  // Once the stall has won, the aborted request's own rejection is expected and not reported.
  work.catch(() => undefined);
  return Promise.race([work, silence]).finally(() => clearTimeout(timer));
}

async function* watchedBody(body: AsyncIterableIterator<Uint8Array>, ms: number, stalled: () => Error): AsyncIterableIterator<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  for (;;) {
    const step = await within(chunks.next(), ms, stalled);
    if (step.done) return;
    yield step.value;
  }
}

function header(headers: GitHttpResponse['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return String(value);
  return undefined;
}

/**
 * isomorphic-git's node client on an HTTP agent of the transfer's own. Node's global agent (keep-alive
 * with `timeout: 5000` since Node 19) cuts an answer that is silent for 5 s, whatever the stall time
 * says: a server still packing a large repository was taken for a dropped connection. `close` ends
 * the agent's sockets when the transfer is over.
 */
export async function directGitHttp(inner: HttpClient, url: string): Promise<{ client: HttpClient; close(): void }> {
  const agent = url.startsWith('https:') ? new (await import('node:https')).Agent({ keepAlive: true }) : new (await import('node:http')).Agent({ keepAlive: true });
  return {
    close: () => agent.destroy(),
    client: {
      request: (req: GitHttpRequest) =>
        inner.request({ ...req, agent }).catch((e: unknown) => {
          // A redirect to the other protocol cannot use this agent: that request goes through Node's own.
          if ((e as { code?: unknown } | null)?.code === 'ERR_INVALID_PROTOCOL') return inner.request(req);
          throw e;
        }),
    },
  };
}
