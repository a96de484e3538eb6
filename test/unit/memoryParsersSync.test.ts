// PROJECT_SYNC_PARSERS=1 (the extension's projectSync.memory.parsers) makes a sync read symbols with
// the tree-sitter parsers; without it the regex extraction answers. Through the CLI, end to end.
import assert from 'node:assert/strict';
import { cli, Fixture, json } from './support/cliHarness';

const files = {
  'lib/application.js': [
    "'use strict';",
    'var app = exports = module.exports = {};',
    'app.init = function init() {',
    '  this.cache = {};',
    '};',
    'app.use = function use(fn) {',
    '  return this;',
    '};',
    'app.listen = function listen() {',
    '  return null;',
    '};',
    '',
  ].join('\n'),
};

describe('memory parsers in a sync', function () {
  this.timeout(60_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create(files, { branch: 'main' });
  });
  after(() => fx.dispose());

  it('finds CommonJS method assignments only with the parsers on', async () => {
    const symbolsOf = async () => (json<Array<{ path: string; symbols: string[] }>>(await cli(['memory', '--storage', fx.storage, '--json']))[0]?.symbols ?? []);
    const off = await cli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--json']);
    assert.equal(off.code, 0, off.stderr);
    const regex = await symbolsOf();
    const storage = `${fx.storage}-parsers`;
    const on = await cli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], { PROJECT_SYNC_PARSERS: '1' });
    assert.equal(on.code, 0, on.stderr);
    const parsed = json<Array<{ symbols: string[] }>>(await cli(['memory', '--storage', storage, '--json']))[0]?.symbols ?? [];
    for (const s of ['app.init', 'app.use', 'app.listen']) assert.ok(parsed.includes(s), `parsers: ${parsed.join(', ')}`);
    assert.notDeepEqual(parsed, regex, 'the two extractions differ on this file');
  });
});
