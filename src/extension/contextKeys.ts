// setContext without dangling promises: a failure is logged, never thrown.
import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

export function setContext(key: string, value: unknown, logger: Logger): void {
  vscode.commands.executeCommand('setContext', key, value).then(undefined, (e: unknown) => {
    logger.warn(`[extension] setContext ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
  });
}
