// GitHub requests and git transfers honour a proxy: HTTPS_PROXY/NO_PROXY for the CLI (the extension
// passes VS Code's http.proxy through the same EngineOptions.proxy). A real proxy on 127.0.0.1 records
// what went through it; NO_PROXY='' is needed for that, since loopback bypasses a proxy by default.
import assert from 'node:assert/strict';
import { SyncError } from '../../src/core/errors';
import { bypasses, normaliseProxyUrl, proxyFor, proxyFromEnv, proxyFromSettings, redactProxyUrl } from '../../src/github/proxy';
import { bareWorkspace, cli, Fixture } from './support/cliHarness';
import { startTestProxy, type TestProxy } from './proxyServer';

describe('proxy settings', () => {
  it('reads the proxy from the environment, lower-case names first, and keeps an explicitly empty NO_PROXY', () => {
    assert.equal(proxyFromEnv({}), undefined);
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2' }), { url: 'http://b:2' });
    assert.deepEqual(proxyFromEnv({ HTTP_PROXY: 'http://c:3', NO_PROXY: '' }), { url: 'http://c:3', noProxy: '' });
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: '  ', HTTP_PROXY: 'http://c:3', no_proxy: 'x' }), { url: 'http://c:3', noProxy: 'x' });
  });

  it("takes VS Code's http.proxy and http.noProxy settings, ignoring empty or mistyped values", () => {
    assert.deepEqual(proxyFromSettings('', ['x']), {});
    assert.deepEqual(proxyFromSettings(undefined, undefined), {});
    assert.deepEqual(proxyFromSettings(' http://p:1 ', []), { proxy: 'http://p:1' });
    assert.deepEqual(proxyFromSettings('http://p:1', ['a.com', 3, '', 'b.com']), { proxy: 'http://p:1', noProxy: 'a.com,b.com' });
  });

  it('sends loopback direct by default, proxies it when NO_PROXY is empty, and honours NO_PROXY entries', () => {
    const proxy = { url: 'proxy.corp:3128' };
    assert.equal(proxyFor('https://api.github.com/repos', proxy), 'http://proxy.corp:3128');
    for (const local of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://[::1]:80/x']) {
      assert.equal(proxyFor(local, proxy), undefined, local);
      assert.equal(proxyFor(local, { ...proxy, noProxy: '' }), 'http://proxy.corp:3128', local);
    }
    assert.equal(proxyFor('https://api.github.com/', { ...proxy, noProxy: '.github.com' }), undefined);
    assert.equal(proxyFor('https://ghe.corp.example/', { ...proxy, noProxy: 'corp.example, other' }), undefined);
    assert.equal(proxyFor('https://notcorp.example/', { ...proxy, noProxy: 'corp.example' }), 'http://proxy.corp:3128');
    assert.equal(proxyFor('https://anything/', { ...proxy, noProxy: '*' }), undefined);
    assert.equal(bypasses(new URL('https://ghe.corp:8443/'), 'ghe.corp:443'), false, 'a NO_PROXY port must match');
    assert.equal(bypasses(new URL('https://ghe.corp:8443/'), 'ghe.corp:8443'), true);
    assert.equal(proxyFor('https://api.github.com/', undefined), undefined);
  });

  it('rejects a proxy that is not http(s) with a message naming the setting, never its password', () => {
    assert.throws(
      () => normaliseProxyUrl('socks5://u:hunter2@h:1080'),
      (e: SyncError) => e.code === 'NETWORK' && /HTTPS_PROXY.*http\.proxy/.test(e.details.hint ?? '') && !e.message.includes('hunter2'),
    );
    assert.equal(redactProxyUrl('http://user:hunter2@proxy:3128'), 'http://***@proxy:3128');
    assert.equal(redactProxyUrl('http://proxy:3128'), 'http://proxy:3128');
  });
});

describe('proxy: a CLI sync goes through HTTPS_PROXY', function () {
  this.timeout(60_000);
  let fx: Fixture;
  let proxy: TestProxy;
  let ws: { dir: string; cleanup(): Promise<void> } | undefined;

  beforeEach(async () => {
    const files: Record<string, string> = {};
    // More blobs than the REST limit: the first sync of a workspace without objects takes a pack.
    for (let i = 0; i < 60; i++) files[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    fx = await Fixture.create(files);
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
    proxy = await startTestProxy();
  });
  afterEach(async () => {
    await proxy?.close();
    await ws?.cleanup();
    await fx?.dispose();
  });

  const sync = (env: NodeJS.ProcessEnv) => cli(['sync', '--repo', (ws as { dir: string }).dir, '--storage', fx.storage, '--json'], env);
  const what = (kind?: string) => proxy.log.filter((e) => !kind || e.kind === kind).map((e) => e.what);

  it('routes REST requests and the git binary pack transfer through the proxy, and the sync completes', async () => {
    const run = await sync({ HTTPS_PROXY: proxy.url, NO_PROXY: '' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const port = new URL(fx.server.url).port;
    assert.ok(what('connect').includes(`127.0.0.1:${port}`), `CONNECT to the server: ${what().join(', ')}`);
    assert.ok(what('tunnelled').some((w) => w.startsWith('GET /api/v3/repos/octo/repo')), `REST through the tunnel: ${what().join(', ')}`);
    const restSeen = fx.server.requests.filter((r) => r.kind !== 'git').length;
    assert.equal(what('tunnelled').filter((w) => w.includes('/api/v3/')).length, restSeen, 'every REST request the server saw came through the proxy');
    assert.ok(fx.server.requests.some((r) => r.kind === 'git'), 'the sync used a pack');
    assert.ok(what().some((w) => w.includes('/octo/repo.git/')), `git smart HTTP through the proxy: ${what().join(', ')}`);
  });

  it('routes the portable (isomorphic-git) pack transfer through the proxy too', async () => {
    const run = await sync({ HTTPS_PROXY: proxy.url, NO_PROXY: '', PROJECT_SYNC_GIT: 'none' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(fx.server.requests.some((r) => r.kind === 'git'), 'the sync used a pack');
    assert.ok(what('tunnelled').some((w) => w.startsWith('POST /octo/repo.git/git-upload-pack')), `upload-pack through the proxy: ${what().join(', ')}`);
  });

  it('sends nothing through the proxy without the variables, or when NO_PROXY leaves loopback direct', async () => {
    const plain = await sync({});
    assert.equal(plain.code, 0, plain.stderr);
    const defaults = await sync({ HTTPS_PROXY: proxy.url });
    assert.equal(defaults.code, 0, defaults.stderr);
    const listed = await sync({ HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1' });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(proxy.log, []);
  });

  it('passes proxy credentials as Proxy-Authorization and logs neither them nor the token', async () => {
    await proxy.close();
    proxy = await startTestProxy('alice:pr0xyPassw0rd');
    const token = 'ghp_ProxyTestToken0123456789abcdefABCD';
    fx.server.tokens.add(token);
    const auth = new URL(proxy.url);
    auth.username = 'alice';
    auth.password = 'pr0xyPassw0rd';
    const run = await sync({ HTTPS_PROXY: auth.href, NO_PROXY: '', GITHUB_TOKEN: token, PROJECT_SYNC_LOG: 'trace' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(proxy.authorizations.length > 0 && what('tunnelled').length > 0, 'authenticated requests went through');
    assert.ok(run.stderr.includes('go through the proxy http://***@127.0.0.1'), 'the trace names the (redacted) proxy');
    for (const secret of ['pr0xyPassw0rd', token, Buffer.from('alice:pr0xyPassw0rd').toString('base64')]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `leaked ${secret.slice(0, 6)}…`);
    }
  });

  it('fails with a clear NETWORK error naming the setting when the proxy URL is not http(s)', async () => {
    const run = await sync({ HTTPS_PROXY: 'socks5://127.0.0.1:1', NO_PROXY: '' });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const line = run.lines.at(-1) as { type?: string; code?: string; message?: string; hint?: string };
    assert.equal(line.type, 'error', run.stdout);
    assert.equal(line.code, 'NETWORK', run.stdout);
    assert.match(line.message ?? '', /proxy setting 'socks5:/);
    assert.match(line.hint ?? '', /HTTPS_PROXY/);
  });
});
