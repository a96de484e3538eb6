// Storage failpoints for fault-injection tests, injected through the engine options of main() (the
// shipped CLI has no such knob). PROJECT_SYNC_FAILPOINT=ACTION@STEP, where STEP is a substring of a
// storage write step (`write history.json`, `rename snapshots/…`) and ACTION is `enospc` (that
// write fails: disk full), `eacces` (read-only), `kill` (the process dies there, like a power cut)
// or `sigint` (Ctrl-C arrives there; the write goes on).
const ERRNO = { enospc: ['ENOSPC', 'no space left on device'], eacces: ['EACCES', 'permission denied'] } as const;

export function parseFailpoint(raw: string | undefined): ((step: string) => void) | undefined {
  const m = raw ? /^(enospc|eacces|kill|sigint)@(.+)$/.exec(raw) : null;
  if (!m) return undefined;
  const action = m[1] as 'enospc' | 'eacces' | 'kill' | 'sigint';
  const where = m[2] as string;
  let interrupted = false;
  return (step) => {
    if (!step.includes(where)) return;
    if (action === 'kill') process.kill(process.pid, 'SIGKILL');
    else if (action === 'sigint') {
      // Once: a second Ctrl-C means "quit now" to the CLI.
      if (!interrupted) process.kill(process.pid, 'SIGINT');
      interrupted = true;
    }
    else {
      const [code, text] = ERRNO[action];
      throw Object.assign(new Error(`${code}: ${text}, ${step}`), { code });
    }
  };
}
