import { WorkbenchError } from '../model/errors';

/**
 * The one cancellation check of every layer: long work (imports, verification, hashing) calls it
 * between steps with the task's AbortSignal and a message that says what stopped and what is left.
 */
export function cancelledError(message = 'Cancelled.'): WorkbenchError {
  return new WorkbenchError('cancelled', message);
}

/** What the check reads of an AbortSignal (main/common has no DOM or Node types). */
export interface AbortFlag {
  readonly aborted: boolean;
}

/** Throws the typed `cancelled` error when `signal` has been aborted; does nothing otherwise. */
export function throwIfAborted(signal: AbortFlag | undefined, message?: string): void {
  if (signal?.aborted) throw cancelledError(message);
}
