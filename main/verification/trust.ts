import { readFile } from 'node:fs/promises';
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import * as pkijs from 'pkijs';
import { WorkbenchError } from '../common/model/errors';
import type { AnchorStore } from '../common/verify/report';
import { thumbprintHex } from '../common/verify/trust-rules';

/** One certificate, seen through the three libraries that each do part of the job. */
export interface Cert {
  der: Buffer;
  /** node:crypto: issuer checks and signature verification (synchronous, OpenSSL). */
  node: NodeX509;
  /** pkijs: IssuerAndSerialNumber matching against CMS signer identifiers. */
  pki: pkijs.Certificate;
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  thumbprintSha1: string;
  thumbprintSha256: string;
  /** For a trust anchor: the store it came from (reports name it). */
  store?: AnchorStore;
}

export interface TrustStore {
  anchors: Cert[];
  crls: pkijs.CertificateRevocationList[];
  /** Pinned publisher thumbprints (SHA-1 or SHA-256, upper-case hex); empty = any trusted publisher. */
  publishers: string[];
  /** Clock for validity checks without a timestamp (tests pin it). */
  now?: Date;
}

/** node:crypto prints names one RDN per line; people read them comma-separated. */
function dn(lines: string): string {
  return lines.split('\n').filter(Boolean).join(', ');
}

const RDN_LABEL: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST' };

/** A distinguished name as people read it (`CN=…, O=…`), for names node:crypto does not print (CRL issuers). */
export function rdnText(names: pkijs.RelativeDistinguishedNames): string {
  return names.typesAndValues.map((t) => `${RDN_LABEL[t.type] ?? t.type}=${String((t.value as { valueBlock: { value: unknown } }).valueBlock.value)}`).join(', ');
}

export function certFromDer(der: Uint8Array): Cert {
  const buf = Buffer.from(der);
  const node = new NodeX509(buf);
  const pki = pkijs.Certificate.fromBER(buf);
  return {
    der: buf,
    node,
    pki,
    subject: dn(node.subject),
    issuer: dn(node.issuer),
    serialHex: node.serialNumber.toUpperCase(),
    notBefore: pki.notBefore.value,
    notAfter: pki.notAfter.value,
    thumbprintSha1: createHash('sha1').update(buf).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(buf).digest('hex').toUpperCase(),
  };
}

function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** Certificates from PEM (one or many) or a single DER file. */
export function parseCertificates(data: Buffer, source: string): Cert[] {
  const text = data.toString('latin1');
  const ders = text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [data];
  try {
    const certs = ders.map(certFromDer);
    if (certs.length === 0) throw new Error('no certificate found');
    return certs;
  } catch (err) {
    throw new WorkbenchError('invalid-input', `${source} holds no readable X.509 certificate (${err instanceof Error ? err.message : String(err)}).`);
  }
}

export function parseCrls(data: Buffer, source: string): pkijs.CertificateRevocationList[] {
  const text = data.toString('latin1');
  const ders = text.includes('-----BEGIN X509 CRL-----') ? pemBlocks(text, 'X509 CRL') : [data];
  try {
    const crls = ders.map((d) => pkijs.CertificateRevocationList.fromBER(new Uint8Array(d)));
    if (crls.length === 0) throw new Error('no CRL found');
    return crls;
  } catch (err) {
    throw new WorkbenchError('invalid-input', `${source} holds no readable CRL (${err instanceof Error ? err.message : String(err)}).`);
  }
}

export function normaliseThumbprint(t: string): string {
  const hex = thumbprintHex(t);
  if (!hex) throw new WorkbenchError('invalid-input', `"${t.slice(0, 80)}" is not a certificate thumbprint (40 or 64 hex digits).`);
  return hex;
}

export interface TrustFiles {
  trust?: string[];
  crl?: string[];
  publisher?: string[];
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new WorkbenchError('not-found', `Cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
}

/** Builds a trust store from the files a user names (roots/intermediates to trust, CRLs, publisher thumbprints). */
export async function loadTrust(files: TrustFiles): Promise<TrustStore> {
  const anchors: Cert[] = [];
  for (const f of files.trust ?? []) anchors.push(...parseCertificates(await readInput(f, 'trust certificate'), f).map((c) => ({ ...c, store: 'run' as const })));
  const crls: pkijs.CertificateRevocationList[] = [];
  for (const f of files.crl ?? []) crls.push(...parseCrls(await readInput(f, 'CRL'), f));
  return { anchors, crls, publishers: (files.publisher ?? []).map(normaliseThumbprint) };
}
