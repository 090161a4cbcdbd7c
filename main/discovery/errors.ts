import { WorkbenchError, type WorkbenchErrorCode } from '../common/model/errors';

export type DiscoveryErrorCode = Extract<WorkbenchErrorCode, `discovery-${string}`>;

/**
 * A failed discovery, typed by what the consultant can fix: wrong credentials, a host that does not answer,
 * a certificate to accept (its SHA-1 thumbprint in `details.thumbprint`), or an answer we cannot read.
 * Messages never contain the password, cookies or more than a short excerpt of what the peer sent.
 */
export class DiscoveryError extends WorkbenchError {
  constructor(code: DiscoveryErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

export function malformed(what: string): DiscoveryError {
  return new DiscoveryError('discovery-malformed-response', `The answer could not be read: ${what.slice(0, 200)}.`);
}

/** At most `n` characters of untrusted text, single-line, for an error message. */
export function excerpt(text: string, n = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}
