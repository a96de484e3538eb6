import type { AuthState, ServerContext } from './context.js';
import { decodeSegment } from './context.js';
import { etagMatches, restHeaders, sendError, sendJson, strongEtag, type Exchange } from './exchange.js';
import type { ServedRepo } from './gitRepo.js';
import { branchFull, branchItem, gitCommit, gitRef, repoApi, repository } from './shapes.js';
import { sendTree } from './trees.js';
import { runGit } from '../git.js';

/** Dispatch `/repos/{o}/{r}{rest}`; false when no endpoint matches (404). */
export async function handleRepoRoute(
  ex: Exchange,
  ctx: ServerContext,
  repo: ServedRepo,
  rest: string,
  query: URLSearchParams,
  auth: AuthState,
): Promise<boolean> {
  const sw = ctx.switches;
  if (rest === '' || rest === '/') {
    sendJson(ex, sw, 200, repository(ctx, repo, await repo.defaultBranch(), auth === 'valid'));
    return true;
  }
  if (rest === '/branches') return listBranches(ex, ctx, repo, query);
  const sub = (prefix: string): string | null => (rest.startsWith(prefix) && rest.length > prefix.length ? decodeSegment(rest.slice(prefix.length)) : null);
  let arg: string | null;
  if ((arg = sub('/branches/')) !== null) return getBranch(ex, ctx, repo, arg);
  if ((arg = sub('/git/ref/')) !== null) return getRef(ex, ctx, repo, arg);
  if ((arg = sub('/git/matching-refs/')) !== null || rest === '/git/matching-refs/') return matchingRefs(ex, ctx, repo, arg ?? '');
  if ((arg = sub('/git/commits/')) !== null) {
    const c = await repo.commit(arg);
    if (!c) return false;
    sendJson(ex, sw, 200, gitCommit(ctx, repo, c));
    return true;
  }
  if ((arg = sub('/git/trees/')) !== null) return sendTree(ex, sw, ctx, repo, arg, query.has('recursive'));
  if ((arg = sub('/git/blobs/')) !== null) return sendBlob(ex, ctx, repo, arg);
  if ((arg = sub('/compare/')) !== null) return compare(ex, ctx, repo, arg);
  return false;
}

/**
 * `GET /compare/{base}...{head}` (shas only): GitHub's documented shape, reduced to the fields a
 * client reads for the relation (status, ahead_by, behind_by, merge_base_commit, commits).
 */
async function compare(ex: Exchange, ctx: ServerContext, repo: ServedRepo, basehead: string): Promise<boolean> {
  const m = /^([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/.exec(basehead);
  if (!m?.[1] || !m[2]) return false;
  const [base, head] = [m[1], m[2]];
  const [b, h] = await Promise.all([repo.commit(base), repo.commit(head)]);
  if (!b || !h) {
    sendError(ex, ctx.switches, 404, 'Not Found', { documentationUrl: 'https://docs.github.com/rest/commits/commits#compare-two-commits' });
    return true;
  }
  const git = (args: string[]) => runGit(['--git-dir', repo.bareDir, ...args]);
  const count = async (range: string) => Number((await git(['rev-list', '--count', range])).toString('utf8').trim());
  const mergeBase = (await git(['merge-base', base, head]).catch(() => Buffer.from(''))).toString('utf8').trim();
  const [aheadBy, behindBy] = await Promise.all([count(`${base}..${head}`), count(`${head}..${base}`)]);
  const status = aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';
  const mb = mergeBase ? await repo.commit(mergeBase) : null;
  sendJson(ex, ctx.switches, 200, {
    url: `${repoApi(ctx, repo)}/compare/${base}...${head}`,
    html_url: `${ctx.url}/${repo.fullName}/compare/${base}...${head}`,
    base_commit: { sha: base, commit: gitCommit(ctx, repo, b) },
    merge_base_commit: mb ? { sha: mb.sha, commit: gitCommit(ctx, repo, mb) } : null,
    status,
    ahead_by: aheadBy,
    behind_by: behindBy,
    total_commits: aheadBy,
    commits: [],
    files: [],
  });
  return true;
}

function pageParams(ctx: ServerContext, query: URLSearchParams): { perPage: number; page: number } {
  const rawPer = Number.parseInt(query.get('per_page') ?? '', 10);
  const rawPage = Number.parseInt(query.get('page') ?? '', 10);
  const perPage = Number.isFinite(rawPer) && rawPer > 0 ? Math.min(rawPer, ctx.switches.perPageMax) : 30;
  return { perPage, page: Number.isFinite(rawPage) && rawPage > 0 ? rawPage : 1 };
}

/** GitHub's `Link` header: absolute URLs on `/repositories/{id}`, other query parameters kept. */
function linkHeader(ctx: ServerContext, repo: ServedRepo, endpoint: string, query: URLSearchParams, page: number, last: number): string {
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    return `<${ctx.apiUrl}/repositories/${repo.id}${endpoint}?${q.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) parts.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) parts.push(link(1, 'first'));
  return parts.join(', ');
}

async function listBranches(ex: Exchange, ctx: ServerContext, repo: ServedRepo, query: URLSearchParams): Promise<boolean> {
  let branches = await repo.branches();
  const prot = query.get('protected');
  if (prot === 'true' || prot === 'false') branches = branches.filter((b) => repo.isProtected(b.name) === (prot === 'true'));
  const { perPage, page } = pageParams(ctx, query);
  const last = Math.max(1, Math.ceil(branches.length / perPage));
  const items = branches.slice((page - 1) * perPage, page * perPage).map((b) => branchItem(ctx, repo, b.name, b.sha));
  const link = linkHeader(ctx, repo, '/branches', query, page, last);
  sendJson(ex, ctx.switches, 200, items, { headers: link ? { link } : {} });
  return true;
}

async function getBranch(ex: Exchange, ctx: ServerContext, repo: ServedRepo, name: string): Promise<boolean> {
  const renamed = repo.opts.renamedBranches?.[name];
  if (renamed !== undefined) {
    const location = `${repoApi(ctx, repo)}/branches/${encodeURIComponent(renamed)}`;
    const body = { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch' };
    sendJson(ex, ctx.switches, 301, body, { headers: { location } });
    return true;
  }
  const branch = await repo.branch(name);
  if (!branch) {
    sendError(ex, ctx.switches, 404, 'Branch not found', { documentationUrl: 'https://docs.github.com/rest/branches/branches#get-a-branch' });
    return true;
  }
  const c = await repo.commit(branch.sha);
  if (!c) return false;
  sendJson(ex, ctx.switches, 200, branchFull(ctx, repo, branch.name, c));
  return true;
}

async function getRef(ex: Exchange, ctx: ServerContext, repo: ServedRepo, ref: string): Promise<boolean> {
  const full = `refs/${ref}`;
  const found = (await repo.refs()).find((r) => r.ref === full);
  if (!found) return false;
  sendJson(ex, ctx.switches, 200, gitRef(ctx, repo, found));
  return true;
}

async function matchingRefs(ex: Exchange, ctx: ServerContext, repo: ServedRepo, prefix: string): Promise<boolean> {
  const full = `refs/${prefix}`;
  const refs = (await repo.refs()).filter((r) => r.ref.startsWith(full));
  sendJson(ex, ctx.switches, 200, refs.map((r) => gitRef(ctx, repo, r)));
  return true;
}

function wantsRaw(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((a) => a.trim().startsWith('application/vnd.github.raw'));
}

/** base64 in lines of 60 characters, each ending in a newline, as GitHub sends it. */
export function githubBase64(content: Buffer): string {
  const b64 = content.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}

async function sendBlob(ex: Exchange, ctx: ServerContext, repo: ServedRepo, sha: string): Promise<boolean> {
  const content = await repo.blob(sha.toLowerCase());
  if (!content) return false;
  if (!wantsRaw(ex.req.headers.accept)) {
    const url = `${repoApi(ctx, repo)}/git/blobs/${sha}`;
    const nodeId = Buffer.from(`Blob:${sha}`).toString('base64');
    const body = { sha, node_id: nodeId, size: content.length, url, content: githubBase64(content), encoding: 'base64' };
    sendJson(ex, ctx.switches, 200, body);
    return true;
  }
  const etag = strongEtag(`raw:${sha}`);
  const common = { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization, Cookie, X-GitHub-OTP' };
  if (etagMatches(ex.req.headers['if-none-match'], etag)) {
    ex.head(304, { ...restHeaders(ex, ctx.switches, 304), ...common });
    ex.end();
    return true;
  }
  ex.head(200, {
    ...restHeaders(ex, ctx.switches, 200),
    ...common,
    'content-type': 'application/vnd.github.raw',
    'content-length': String(content.length),
    'x-github-media-type': 'github.v3; param=raw',
  });
  ex.end(content);
  return true;
}
