import { authState, decodeSegment, visibleRepo, type AuthState, type ServerContext } from './context.js';
import { refreshRateLimit, sendError, sendJson, type Exchange } from './exchange.js';
import type { ServedRepo } from './gitRepo.js';
import { handleRepoRoute } from './repoRoutes.js';

const RATE_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

/** Everything under `/api/v3`: auth, SSO, secondary and primary limits, then the endpoint. */
export async function handleRest(ex: Exchange, ctx: ServerContext, pathname: string, query: URLSearchParams): Promise<void> {
  const sw = ctx.switches;
  refreshRateLimit(sw);
  const auth = authState(ex.req.headers.authorization, ctx.tokens);
  if (auth === 'invalid') return sendError(ex, sw, 401, 'Bad credentials');
  if (sw.ssoUrl && auth === 'valid') {
    return sendError(
      ex,
      sw,
      403,
      'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.',
      { headers: { 'x-github-sso': `required; url=${sw.ssoUrl}` } },
    );
  }
  if (ex.req.method !== 'GET') return sendError(ex, sw, 404, 'Not Found');
  if (pathname === '/rate_limit') return sendRateLimit(ex, ctx);
  if (sw.secondary && sw.secondary.count > 0) return sendSecondary(ex, ctx);
  if (sw.rateLimit.remaining <= 0) {
    const who = auth === 'valid' ? 'user ID 1' : '127.0.0.1';
    return sendError(ex, sw, 403, `API rate limit exceeded for ${who}.`, { documentationUrl: RATE_DOCS });
  }
  ex.charge = true;
  const target = findRepo(ctx, pathname, auth);
  if (!target) return sendError(ex, sw, 404, 'Not Found');
  const handled = await handleRepoRoute(ex, ctx, target.repo, target.rest, query, auth);
  if (!handled) return sendError(ex, sw, 404, 'Not Found');
}

/** `/repos/{o}/{r}{rest}` or `/repositories/{id}{rest}` (the form GitHub puts in Link headers). */
function findRepo(ctx: ServerContext, pathname: string, auth: AuthState): { repo: ServedRepo; rest: string } | undefined {
  const byName = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathname);
  if (byName) {
    const key = `${decodeSegment(byName[1]!)}/${decodeSegment(byName[2]!)}`.toLowerCase();
    const repo = visibleRepo(ctx, ctx.repos.get(key), auth);
    return repo && { repo, rest: byName[3] ?? '' };
  }
  const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname);
  if (byId) {
    const repo = visibleRepo(ctx, ctx.reposById.get(Number(byId[1])), auth);
    return repo && { repo, rest: byId[2] ?? '' };
  }
  return undefined;
}

function sendSecondary(ex: Exchange, ctx: ServerContext): void {
  const sec = ctx.switches.secondary!;
  sec.count--;
  const retryAfter = sec.retryAfter;
  if (sec.count <= 0) ctx.switches.secondary = null;
  const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  sendError(
    ex,
    ctx.switches,
    403,
    `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${ex.requestId}.`,
    { headers, documentationUrl: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
  );
}

function sendRateLimit(ex: Exchange, ctx: ServerContext): void {
  const rl = ctx.switches.rateLimit;
  const core = { limit: rl.limit, used: rl.limit - rl.remaining, remaining: rl.remaining, reset: rl.resetAt, resource: 'core' };
  const other = (resource: string, limit: number): typeof core => ({ limit, used: 0, remaining: limit, reset: rl.resetAt, resource });
  const body = {
    resources: { core, search: other('search', 30), graphql: other('graphql', 5000), code_search: other('code_search', 10) },
    rate: core,
  };
  sendJson(ex, ctx.switches, 200, body); // ex.charge stays false: /rate_limit is free
}
