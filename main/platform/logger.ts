/** Minimal levelled logger. Never pass secrets: callers log ids and paths, not credentials. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function consoleLogger(prefix = 'mwb', quiet = false): Logger {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${prefix} ${level} ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`;
  return {
    info: (m, f) => {
      if (!quiet) console.error(line('info', m, f));
    },
    warn: (m, f) => console.error(line('warn', m, f)),
    error: (m, f) => console.error(line('error', m, f)),
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
