/**
 * Typed errors that cross the IPC/HTTP boundary. `code` is stable and machine-readable;
 * `message` is written for the consultant and names the fix where there is one.
 */
export type WorkbenchErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'file-not-json'
  | 'file-truncated'
  | 'file-not-project'
  | 'file-future-version'
  | 'file-invalid'
  | 'file-changed-on-disk'
  | 'file-io'
  | 'no-project-path'
  | 'import-failed'
  | 'import-unrecognized'
  | 'import-corrupt'
  | 'import-too-large'
  | 'import-empty'
  | 'import-missing-columns'
  | 'import-duplicate-columns'
  | 'import-nothing-read'
  | 'verify-failed'
  | 'export-invalid'
  | 'cancelled'
  /** Work that must not run twice at once is already running (another process, or this one). */
  | 'busy'
  | 'ssh-unreachable'
  | 'ssh-timeout'
  | 'ssh-auth-failed'
  | 'ssh-host-key-unknown'
  | 'ssh-host-key-changed'
  | 'ssh-command-failed'
  | 'ssh-output-unreadable'
  | 'secret-unavailable'
  | 'unauthorized'
  | 'discovery-auth-failed'
  | 'discovery-unreachable'
  | 'discovery-certificate-untrusted'
  | 'discovery-malformed-response'
  | 'discovery-failed'
  | 'internal';

export class WorkbenchError extends Error {
  override readonly name = 'WorkbenchError';
  constructor(
    readonly code: WorkbenchErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface SerializedError {
  code: WorkbenchErrorCode;
  message: string;
  details?: unknown;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof WorkbenchError) return { code: err.code, message: err.message, details: err.details };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export function isWorkbenchError(err: unknown, code?: WorkbenchErrorCode): err is WorkbenchError {
  return err instanceof WorkbenchError && (code === undefined || err.code === code);
}
