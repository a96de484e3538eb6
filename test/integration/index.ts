// extensionTestsPath: the extension host loads this module and calls run(); the workbench turns
// its resolution into the runner's exit code. Runs every dist/test/integration/*.test.js with mocha.
//   PROJECT_SYNC_TEST_FILES=activation,sync   only these files (basename without .test.js)
//   PROJECT_SYNC_TEST_GREP=pattern            only tests whose full title matches
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { hasBridge, hasUi, reportResult, ui } from './support/bridge';
import { ENV } from './support/env';
import type { SuiteResult } from './support/protocol';

function testFiles(): string[] {
  const only = (process.env[ENV.files] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => only.length === 0 || only.includes(f.slice(0, -'.test.js'.length)))
    .sort()
    .map((f) => path.join(__dirname, f));
}

const slug = (title: string): string => title.replace(/[^\w.-]+/g, '-').slice(0, 80);

/** On a failure, a screenshot of the workbench as the user would have seen it. */
async function screenshotOnFailure(this: Mocha.Context): Promise<void> {
  const t = this.currentTest;
  if (!hasUi() || t?.state !== 'failed') return;
  try {
    console.log(`[integration] screenshot: ${await ui.screenshot(`failed-${slug(t.fullTitle())}`)}`);
  } catch (err) {
    console.log(`[integration] no failure screenshot: ${String(err)}`);
  }
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000, slow: 5_000 });
  const grep = process.env[ENV.grep];
  if (grep) mocha.grep(grep);
  mocha.rootHooks({ afterEach: screenshotOnFailure });
  const files = testFiles();
  if (files.length === 0) throw new Error(`no test files in ${__dirname}`);
  for (const f of files) mocha.addFile(f);

  const failed: string[] = [];
  const stats = await new Promise<Mocha.Stats>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve(runner.stats ?? { passes: 0, failures: 0, pending: 0 } as Mocha.Stats));
      // The title and the error's first line: the runner prints them again after the logs, where
      // CI's tail of the output shows them.
      runner.on('fail', (test, err: unknown) => failed.push(`${test.fullTitle()}: ${String((err as Error | undefined)?.message ?? err).split('\n')[0]?.slice(0, 300) ?? ''}`));
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  const result: SuiteResult = { passes: stats.passes, failures: stats.failures, pending: stats.pending, failed };
  if (hasBridge()) await reportResult(result);
  if (result.failures > 0) throw new Error(`${result.failures} integration test(s) failed`);
}
