// The config reader that finds remotes (src/github/gitConfig.ts), held to git itself: every text
// below, hand-written or generated, is read by `git config -f` too, and both must agree on which
// URLs the file holds (in order) or on the line where the file is malformed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitConfigError, parseGitConfig, remotesOf } from '../../src/github/gitConfig';

type Verdict = { ok: true; urls: string[] } | { ok: false; line: number };

/** What git makes of `text`: every remote.<name>.url in file order (`name.url value`), or the bad line. */
function gitsVerdict(file: string, text: string): Verdict {
  fs.writeFileSync(file, text);
  const r = spawnSync('git', ['config', '-f', file, '-z', '--get-regexp', '^remote\\..*\\.url$'], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  if (r.status === 0 || (r.status === 1 && r.stderr === '')) {
    return { ok: true, urls: r.stdout.split('\0').filter(Boolean).map((kv) => kv.replace('\n', ' ')) };
  }
  const line = /line (\d+)/.exec(r.stderr)?.[1];
  assert.ok(line, `git failed without naming a line: ${r.stderr}`);
  return { ok: false, line: Number(line) };
}

function oursVerdict(text: string): Verdict {
  try {
    const entries = parseGitConfig(text).filter((e) => e.section === 'remote' && e.subsection !== undefined && e.key === 'url');
    // git lists a key without a value (`url` alone) as its bare name.
    return { ok: true, urls: entries.map((e) => `remote.${e.subsection}.url${e.value === null ? '' : ` ${e.value}`}`) };
  } catch (e) {
    if (!(e instanceof GitConfigError)) throw e;
    return { ok: false, line: e.line };
  }
}

const HAND_WRITTEN: Record<string, string> = {
  'canonical, as git writes it': '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/a/b.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
  'names in any case, comments after a header and a value': '[Remote "Up Stream"] ; why\n\tURL = "https://github.com/c/d.git" # trailing\n',
  'a quote and a backslash in the subsection': '[remote "q\\"x\\\\y"]\n\turl = git@github.com:e/f.git\n',
  'two URLs: both listed, in order': '[remote "o"]\n\turl = https://github.com/first/x.git\n\turl = https://github.com/second/x.git\n',
  'the older [section.subsection] form, lower-cased': '[remote.Legacy]\n\turl = https://github.com/g/h.git\n',
  'a value continued on the next line': '[remote "cont"]\n\turl = https://github.com/i/\\\nj.git\n',
  'quoted spaces kept, trailing spaces trimmed': '[remote "sp"]\n\turl =   "  spaced "  tail  \n',
  'escapes, and ; starting a comment': '[remote "esc"]\n\turl = a\\tb\\\\c\\"d;e\n',
  'a quoted ; and #': '[remote "q"]\n\turl = "a;b#c"\n',
  'a key on the header line': '[remote "same"] url = https://github.com/s/l.git\n',
  'no newline at the end': '[remote "o"]\n\turl = https://github.com/n/l.git',
  'CRLF line ends': '[remote "o"]\r\n\turl = https://github.com/c/r.git\r\n[remote "p"]\r\n\turl = x\r\n',
  'a key without a value, and an empty value': '[remote "o"]\n\turl\n[remote "p"]\n\turl =\n',
  'a section repeated': '[remote "o"]\n\tfetch = x\n[core]\n\tbare = true\n[remote "o"]\n\turl = late\n',
  'unknown escape (git refuses)': '[remote "o"]\n\turl = a\\qb\n',
  'unclosed quote (git refuses)': '[core]\n\tx = 1\n[remote "o"]\n\turl = "abc\n',
  'unclosed header (git refuses)': '[remote "o"]\n\turl = a\n[remote "p"\n\turl = b\n',
  'a key before any section (git ignores it)': 'url = x\n[remote "o"]\n\turl = y\n',
  'a digit starting a key (git refuses)': '[remote "o"]\n\t1url = y\n',
  'a comment after a bare key (git refuses)': '[remote "o"]\n\turl ; c\n',
  'unquoted subsection (git refuses)': '[remote o]\n\turl = y\n',
};

describe('git config reader (remote URLs), against git itself', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-gitconfig-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, text] of Object.entries(HAND_WRITTEN)) {
    it(name, () => {
      assert.deepEqual(oursVerdict(text), gitsVerdict(path.join(dir, 'config'), text));
    });
  }

  it('agrees with git on 400 generated files of quotes, escapes, comments and line ends', () => {
    // A seeded generator: runs are repeatable and a failure names its seed.
    let seed = 20261203;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ['[remote "o"]', '[remote "a b"]', '[Remote.X]', '[core]', '[]', '[remote "q\\"\\\\"]', '\n', '\n', '\r\n', '\t', ' ', '\v', '\f', '\r', 'url', 'URL', 'fetch', ' = ', '=', '"', '\\', '\\\n', '\\t', '\\n', '#', ';', 'gh:o/r', 'https://github.com/o/r.git', ' x ', 'é', '[', ']', '-', '1'];
    const file = path.join(dir, 'gen');
    let refused = 0;
    for (let n = 0; n < 400; n++) {
      const start = seed;
      let text = rnd(2) ? '[remote "o"]\n' : '';
      const len = 2 + rnd(15);
      for (let k = 0; k < len; k++) text += pieces[rnd(pieces.length)];
      const git = gitsVerdict(file, text);
      if (!git.ok) refused++;
      assert.deepEqual(oursVerdict(text), git, `seed ${start}: ${JSON.stringify(text)}`);
    }
    // Both kinds were exercised.
    assert.ok(refused > 40 && refused < 380, `${refused} of 400 refused`);
  });

  it('gives each remote its first URL, in the order the file first names it (any key of it); an empty URL clears the ones before it', () => {
    const text = '[remote "b"]\n\tfetch = x\n[remote "a"]\n\turl = one\n\turl = two\n[remote "b"]\n\turl = three\n[remote "c"]\n\tpushurl = y\n[remote "d"]\n\turl = old\n\turl =\n\turl = new\n';
    assert.deepEqual(remotesOf(parseGitConfig(text)), [
      { remote: 'b', url: 'three' },
      { remote: 'a', url: 'one' },
      { remote: 'c', url: undefined },
      { remote: 'd', url: 'new' },
    ]);
    // git fetches from a remote's first URL.
    fs.writeFileSync(path.join(dir, 'config'), text);
    const got = spawnSync('git', ['config', '-f', path.join(dir, 'config'), '--get-all', 'remote.a.url'], { encoding: 'utf8' }).stdout.split('\n')[0];
    assert.equal(got, 'one');
  });
});
