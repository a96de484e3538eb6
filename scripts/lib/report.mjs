// What the integration runner prints at the end of a run.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The exit code from the workbench's outcome (0/1 from codeAutomationExit, or a string when the
 * run broke) and the result the suite posted to the bridge. A "pass" in which no test ran is a 2.
 */
export function summarize({ outcome, result, log }) {
  if (typeof outcome !== 'number') {
    log(`run broken: ${outcome}`);
    return 2;
  }
  if (!result) {
    log(`the suite ended (${outcome}) without reporting a result: it did not load or crashed`);
    return 2;
  }
  log(`${result.passes} passing, ${result.failures} failing, ${result.pending} pending`);
  for (const t of result.failed) log(`  failed: ${t}`);
  if (outcome === 0 && result.passes === 0) {
    log('no test ran');
    return 2;
  }
  return outcome === 0 && result.failures === 0 ? 0 : 1;
}

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Prints the extension host's log files and the extension's own output channel. */
export function printLogs(userDataDir, log) {
  const files = walk(path.join(userDataDir, 'logs')).filter((f) => /^(remote)?exthost\.log$|Project Sync/i.test(path.basename(f)));
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8').trim();
    if (!text) continue;
    log(`--- ${path.relative(userDataDir, f)}`);
    console.log(text.split('\n').slice(-200).join('\n'));
  }
}
