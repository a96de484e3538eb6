/** The logging port the core needs. The extension adapts a LogOutputChannel; the CLI writes to stderr. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Prefix every line with `[component]`. */
export function scoped(logger: Logger, component: string): Logger {
  const p = `[${component}] `;
  return {
    trace: (m) => logger.trace(p + m),
    debug: (m) => logger.debug(p + m),
    info: (m) => logger.info(p + m),
    warn: (m) => logger.warn(p + m),
    error: (m) => logger.error(p + m),
  };
}

/** Remove credentials from anything that may be logged: tokens in headers, userinfo in URLs. */
export function redact(text: string): string {
  return text
    .replace(/(authorization:\s*)(token|bearer|basic)\s+\S+/gi, '$1$2 ***')
    .replace(/\b(gh[pousr]_[A-Za-z0-9_]{10,}|github_pat_[A-Za-z0-9_]{10,})/g, '***')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
