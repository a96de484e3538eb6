import { parseArgs } from 'node:util';
import { version } from '../../package.json';

/** The package version `--version` prints. */
export const VERSION: string = version;

export class UsageError extends Error {}

export const USAGE = `Usage:
  project-sync sync     --repo DIR [--branch NAME] [--remote NAME] --storage DIR [--max-wait SECONDS] [--json]
  project-sync branches --repo DIR [--remote NAME] [--json]
  project-sync history  --storage DIR [--json]
  project-sync restore  SYNC_ID --storage DIR [--json]
  project-sync files    --storage DIR [--sync ID] [--json]
  project-sync memory   --storage DIR [--query TEXT] [--limit N] [--include-superseded] [--json]
  project-sync --version

The token comes from GITHUB_TOKEN when set. Exit codes: 0 success, 1 the operation failed, 2 usage error.`;

export interface CliArgs {
  command: 'sync' | 'branches' | 'history' | 'restore' | 'files' | 'memory';
  repo?: string;
  branch?: string;
  remote?: string;
  storage?: string;
  json: boolean;
  syncId?: string;
  query?: string;
  /** `memory`: print at most this many entries (the best first with --query). */
  limit?: number;
  includeSuperseded: boolean;
  maxWait: number;
  maxFileSize?: number;
}

const commands = ['sync', 'branches', 'history', 'restore', 'files', 'memory'] as const;

const required: Record<CliArgs['command'], ('repo' | 'storage')[]> = {
  sync: ['repo', 'storage'],
  branches: ['repo'],
  history: ['storage'],
  restore: ['storage'],
  files: ['storage'],
  memory: ['storage'],
};

export function parseCli(argv: string[]): CliArgs | 'help' | 'version' {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return 'help';
  if (argv[0] === '--version') return 'version';
  const command = argv[0] as CliArgs['command'];
  if (!commands.includes(command)) throw new UsageError(`Unknown command "${argv[0]}".`);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: 'string' },
        branch: { type: 'string' },
        remote: { type: 'string' },
        storage: { type: 'string' },
        json: { type: 'boolean', default: false },
        sync: { type: 'string' },
        query: { type: 'string' },
        limit: { type: 'string' },
        'include-superseded': { type: 'boolean', default: false },
        'max-wait': { type: 'string' },
        'max-file-size': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(parseErrorText(e as Error & { code?: string }));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.version) return 'version';
  for (const name of required[command]) if (!v[name]) throw new UsageError(`"${command}" needs --${name}.`);
  const positionals = parsed.positionals;
  if (command === 'restore') {
    if (positionals.length !== 1) throw new UsageError('"restore" needs exactly one SYNC_ID.');
  } else if (positionals.length > 0) {
    throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  }
  return {
    command,
    repo: v.repo,
    branch: v.branch,
    remote: v.remote,
    storage: v.storage,
    json: v.json ?? false,
    syncId: command === 'restore' ? positionals[0] : v.sync,
    query: v.query,
    ...(v.limit !== undefined ? { limit: count(v.limit, 'limit') } : {}),
    includeSuperseded: v['include-superseded'] ?? false,
    maxWait: number(v['max-wait'], 'max-wait') ?? 60,
    maxFileSize: number(v['max-file-size'], 'max-file-size'),
  };
}

/** A whole number of 1 or more. */
function count(raw: string, name: string): number {
  const n = /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw new UsageError(`--${name} takes a whole number of 1 or more.`);
  return n;
}

function number(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} takes a number of ${name === 'max-wait' ? 'seconds' : 'bytes'}.`);
  return n;
}

/** Our own words for node:util's parser errors (its text suggests `--` tricks and quotes options oddly). */
function parseErrorText(e: Error & { code?: string }): string {
  const option = /'(-{1,2}[^'\s]*)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `Unknown option ${option}.`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/argument missing/.test(e.message)) return `${option} needs a value.`;
    // `--query -C`: a value that starts with a dash is taken for an option unless attached with `=`.
    if (/ambiguous/.test(e.message)) return `${option} needs a value; one that starts with "-" is written ${option}=-VALUE.`;
    return `${option} takes no value.`;
  }
  return e.message;
}
