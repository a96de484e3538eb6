// The Markdown table and bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, nodeStartMs, type Spread } from './proc';

/** What every Node process costs to start here: as our CLI ran (cliEnv), and in this environment as it is. */
export function nodeStart(): { asRun: number; inThisEnvironment: number; nodeExtraCaCerts: boolean } {
  return { asRun: nodeStartMs(cliEnv()), inThisEnvironment: nodeStartMs(process.env), nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS !== undefined };
}
import type { Row } from './result';

function num(v: number, unit: Row['unit']): string {
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
  if (unit === 'MB') return `${v.toFixed(v < 10 ? 2 : 1)} MB`;
  if (unit === 'KB') return `${v.toFixed(0)} KB`;
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${unit === 'msg/s' ? '/s' : ''}`;
}

function cell(s: Spread | null, unit: Row['unit']): string {
  if (!s) return '–';
  if (s.runs <= 1 || s.min === s.max) return num(s.median, unit);
  return `${num(s.median, unit)} (${num(s.min, unit)}–${num(s.max, unit)})`;
}

const sizeLabel = (n: number) => (n === 0 ? '–' : n >= 1000 ? `${n / 1000}k` : String(n));
const mb = (v: number | null) => (v === null ? '?' : `${v.toFixed(0)}`);

export function markdown(rows: Row[]): string {
  const head = '| scenario | size | path | ours (median, min–max) | anchor | ratio | target | met | REST / git req. | bytes | peak RSS MB (ours / anchor) | note |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => {
    const anchor = r.anchor ? `${cell(r.anchor, r.unit)} ${r.anchorLabel}` : r.anchorLabel || '–';
    const ratio = r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`;
    const met = r.met === null ? '' : r.met ? 'yes' : '**no**';
    const req = r.requests ? `${r.requests.rest} / ${r.requests.git}` : '';
    const bytes = r.bytes === null ? '' : `${(r.bytes / 1e6).toFixed(2)} MB`;
    const rss = r.rss ? `${mb(r.rss.ours)} / ${mb(r.rss.anchor)}` : '';
    return `| ${r.scenario} | ${sizeLabel(r.size)} | ${r.path} | ${cell(r.ours, r.unit)} | ${anchor} | ${ratio} | ${r.target} | ${met} | ${req} | ${bytes} | ${rss} | ${r.note} |`;
  });
  return [head, sep, ...lines].join('\n');
}

export function writeJson(file: string, rows: Row[], meta: Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
  const out = {
    ...meta,
    machine,
    results: rows.map((r) => ({
      scenario: r.scenario,
      size: r.size,
      path: r.path,
      unit: r.unit,
      ours: r.ours,
      anchor: r.anchor ? { ...r.anchor, label: r.anchorLabel } : null,
      ratio: r.ratio,
      requests: r.requests,
      bytes: r.bytes,
      rss: r.rss,
      target: r.target,
      met: r.met,
      note: r.note,
    })),
  };
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
}
