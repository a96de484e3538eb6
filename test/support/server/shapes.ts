import type { CommitData, RefEntry, ServedRepo, TreeEntry } from './gitRepo.js';

/** GitHub's JSON shapes, built from git data. */
export interface Urls {
  url: string;
  apiUrl: string;
}

const enc = encodeURIComponent;

function nodeId(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`).toString('base64').replace(/=+$/, '');
}

export function repoApi(u: Urls, repo: ServedRepo): string {
  return `${u.apiUrl}/repos/${enc(repo.owner)}/${enc(repo.name)}`;
}

function owner(u: Urls, repo: ServedRepo): Record<string, unknown> {
  return {
    login: repo.owner,
    id: 1000 + repo.id,
    node_id: nodeId('User', repo.owner),
    url: `${u.apiUrl}/users/${enc(repo.owner)}`,
    html_url: `${u.url}/${enc(repo.owner)}`,
    type: 'User',
    site_admin: false,
  };
}

export function repository(u: Urls, repo: ServedRepo, defaultBranch: string, authenticated: boolean): Record<string, unknown> {
  const api = repoApi(u, repo);
  const html = `${u.url}/${enc(repo.owner)}/${enc(repo.name)}`;
  const isPrivate = repo.opts.private ?? false;
  const host = new URL(u.url).host;
  const body: Record<string, unknown> = {
    id: repo.id,
    node_id: nodeId('Repository', String(repo.id)),
    name: repo.name,
    full_name: repo.fullName,
    private: isPrivate,
    owner: owner(u, repo),
    html_url: html,
    description: null,
    fork: false,
    url: api,
    branches_url: `${api}/branches{/branch}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    archived: false,
    disabled: false,
    visibility: isPrivate ? 'private' : 'public',
    default_branch: defaultBranch,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    pushed_at: '2024-01-01T00:00:00Z',
  };
  if (authenticated) body.permissions = { admin: false, maintain: false, push: false, triage: false, pull: true };
  return body;
}

export function branchItem(u: Urls, repo: ServedRepo, name: string, sha: string): Record<string, unknown> {
  return { name, commit: { sha, url: `${repoApi(u, repo)}/commits/${sha}` }, protected: repo.isProtected(name) };
}

export function gitCommit(u: Urls, repo: ServedRepo, c: CommitData): Record<string, unknown> {
  const api = repoApi(u, repo);
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${u.url}/${repo.fullName}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${u.url}/${repo.fullName}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** `GET /repos/{o}/{r}/branches/{branch}`: the branch with its full commit. */
export function branchFull(u: Urls, repo: ServedRepo, name: string, c: CommitData): Record<string, unknown> {
  const api = repoApi(u, repo);
  const isProtected = repo.isProtected(name);
  return {
    name,
    commit: {
      sha: c.sha,
      node_id: nodeId('Commit', c.sha),
      commit: {
        author: c.author,
        committer: c.committer,
        message: c.message,
        tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
        url: `${api}/git/commits/${c.sha}`,
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      url: `${api}/commits/${c.sha}`,
      html_url: `${u.url}/${repo.fullName}/commit/${c.sha}`,
      comments_url: `${api}/commits/${c.sha}/comments`,
      author: null,
      committer: null,
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${u.url}/${repo.fullName}/commit/${p}` })),
    },
    _links: { self: `${api}/branches/${enc(name)}`, html: `${u.url}/${repo.fullName}/tree/${name}` },
    protected: isProtected,
    protection: { enabled: isProtected, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${enc(name)}/protection`,
  };
}

export function gitRef(u: Urls, repo: ServedRepo, r: RefEntry): Record<string, unknown> {
  const api = repoApi(u, repo);
  const kind = r.type === 'tag' ? 'tags' : `${r.type}s`;
  return {
    ref: r.ref,
    node_id: nodeId('Ref', `${repo.id}:${r.ref}`),
    url: `${api}/git/${r.ref.split('/').map(enc).join('/')}`,
    object: { sha: r.sha, type: r.type, url: `${api}/git/${kind}/${r.sha}` },
  };
}

export function treeEntry(u: Urls, repo: ServedRepo, e: TreeEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
  if (e.type === 'blob') out.size = e.size ?? 0;
  if (e.type !== 'commit') out.url = `${repoApi(u, repo)}/git/${e.type}s/${e.sha}`;
  return out;
}
