// PROJECT_SYNC_PARSERS=1 (the extension's projectSync.memory.parsers) makes a sync read symbols with
// the tree-sitter parsers; without it the regex extraction answers. Through the built CLI, each run a
// process of its own (once loaded, parsers stay loaded in a process).
import assert from 'node:assert/strict';
import { Fixture } from './support/cliHarness';
import { runCli } from './support/cliProcess';

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
    'function start() {}',
    'module.exports = {',
    '  start,',
    '  stop: function stop() {},',
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

  it('reads with the parsers when they are on: what only a parser sees (an exported object literal) comes in', async () => {
    const symbolsOf = async (storage: string) => {
      const run = await runCli(['memory', '--storage', storage, '--json']);
      return (JSON.parse(run.stdout) as Array<{ symbols: string[] }>)[0]?.symbols ?? [];
    };
    const off = await runCli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--json'], { PROJECT_SYNC_PARSERS: '' });
    assert.equal(off.code, 0, off.stderr);
    const storage = `${fx.storage}-parsers`;
    const on = await runCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], { PROJECT_SYNC_PARSERS: '1' });
    assert.equal(on.code, 0, on.stderr);
    const parsed = await symbolsOf(storage);
    const regexes = await symbolsOf(fx.storage);
    // Methods assigned at the top level: both extractions.
    for (const s of ['app.init', 'app.use', 'app.listen']) {
      assert.ok(parsed.includes(s), `parsers: ${parsed.join(', ')}`);
      assert.ok(regexes.includes(s), `regexes: ${regexes.join(', ')}`);
    }
    assert.ok(parsed.includes('stop'), `parsers read the exported object: ${parsed.join(', ')}`);
    assert.ok(!regexes.includes('stop'), `the regexes do not: ${regexes.join(', ')}`);
  });
});
