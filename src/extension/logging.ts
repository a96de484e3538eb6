// The one "Project Sync" LogOutputChannel, adapted to the core's Logger port.
import type * as vscode from 'vscode';
import { redact, type Logger } from '../core/logger';

/** Every line goes through redact(): a token that slips into a message is never written out. */
export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m) => channel.trace(redact(m)),
    debug: (m) => channel.debug(redact(m)),
    info: (m) => channel.info(redact(m)),
    warn: (m) => channel.warn(redact(m)),
    error: (m) => channel.error(redact(m)),
  };
}
