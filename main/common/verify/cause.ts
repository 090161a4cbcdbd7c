import { REASON_TEXT, type ReasonCode, type VerificationReport } from './report';

/** A root the user must trust for the file to verify, and how: trust a distrusted bundled root again, or add it. */
export interface RootNeeded {
  /** Distinguished name as the report prints it (`C=…, O=…, CN=…`). */
  subject: string;
  /** Common name, for sentences and button labels. */
  name: string;
  /** Who needs it: the signature's chain or the timestamp's. */
  for: 'signature' | 'timestamp';
  action: 'trust-again' | 'add';
  /** For `trust-again`: the bundled root's SHA-256 thumbprint. */
  thumbprintSha256?: string;
}

/** What the screen leads with for a file that did not verify: the cause, not necessarily the first reason code. */
export interface LeadCause {
  reason: ReasonCode;
  /** One sentence: what is wrong. */
  title: string;
  /** What follows from it (e.g. why a certificate shows as expired). */
  consequence?: string;
  /** What the user can do, in the screen's words. */
  fix?: string;
  roots: RootNeeded[];
}

/** A bundled root as the renderer knows it (list channel + the project's distrust list). */
export interface BundledRootState {
  subject: string;
  thumbprintSha256: string;
  distrusted: boolean;
}

export function commonName(dn: string): string {
  return /CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
}

/** Trust problems that make every later check (validity at signing time, revocation) unreliable. */
const TRUST_SYMPTOMS: ReadonlySet<ReasonCode> = new Set(['untrusted-root', 'chain-incomplete', 'cert-expired']);

function signerRoot(r: VerificationReport): { subject: string; problem: 'untrusted-root' | 'chain-incomplete' } | null {
  const last = r.chain.at(-1);
  if (!last || last.trustAnchor) return null;
  if (r.reasons.includes('untrusted-root')) return { subject: last.subject, problem: 'untrusted-root' };
  if (r.reasons.includes('chain-incomplete')) return { subject: last.issuer, problem: 'chain-incomplete' };
  return null;
}

function needed(subject: string, forWhat: RootNeeded['for'], bundled: readonly BundledRootState[]): RootNeeded {
  const b = bundled.find((x) => x.subject === subject);
  return b?.distrusted
    ? { subject, name: commonName(subject), for: forWhat, action: 'trust-again', thumbprintSha256: b.thumbprintSha256 }
    : { subject, name: commonName(subject), for: forWhat, action: 'add' };
}

/**
 * The cause to show first for a report that did not verify. Windows' status stays what it is (an untrusted root is
 * `UnknownError` there too); this only decides which explanation leads. An untrusted root, for the signature or for
 * its timestamp, comes before the symptoms it causes (no verified timestamp ⇒ certificates judged today ⇒ "expired").
 */
export function leadCause(r: VerificationReport, bundled: readonly BundledRootState[] = []): LeadCause | null {
  if (r.ok) return null;
  const first = r.reasons[0]!;
  const signer = signerRoot(r);
  const ts = r.timestamp && !r.timestamp.verified && r.timestamp.chainProblem && r.timestamp.rootNeeded ? r.timestamp : null;
  if (TRUST_SYMPTOMS.has(first) && (signer || ts)) {
    const roots: RootNeeded[] = [];
    if (signer) roots.push(needed(signer.subject, 'signature', bundled));
    if (ts && !roots.some((x) => x.subject === ts.rootNeeded)) roots.push(needed(ts.rootNeeded!, 'timestamp', bundled));
    const lead = roots[0]!;
    const title =
      lead.for === 'signature'
        ? `The signature's certificate chain ends at "${lead.name}", a root that is not trusted here.`
        : `The timestamp's certificate chain ends at "${lead.name}", a root that is not trusted here, so the signing time cannot be proven.`;
    const consequence =
      r.reasons.includes('cert-expired') && ts
        ? 'Without a verified timestamp the certificates are checked at today’s date, which is why one shows as not valid at signing time.'
        : undefined;
    const fix = roots
      .map((x) =>
        x.action === 'trust-again'
          ? `"${x.name}" is a bundled root you distrusted: trust it again in Trust settings.`
          : `Add "${x.name}" to the trusted roots (Trust settings): get its certificate from the publisher, or export it from the Trusted Root store of a Windows machine.`,
      )
      .join(' ');
    return { reason: signer?.problem ?? ts!.chainProblem!, title, ...(consequence ? { consequence } : {}), fix, roots };
  }
  const text: string = REASON_TEXT[first];
  return { reason: first, title: text.charAt(0).toUpperCase() + text.slice(1) + '.', roots: [] };
}
