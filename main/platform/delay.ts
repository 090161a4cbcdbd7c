import { cancelledError } from '../common/util/cancel';

/**
 * Waits `ms`, or rejects as soon as `signal` aborts (already aborted: at once) with `abortError()`, by default the
 * typed `cancelled` error. The timer and the listener are both removed whichever comes first.
 */
export function delay(ms: number, signal?: AbortSignal, abortError: () => Error = () => cancelledError()): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
