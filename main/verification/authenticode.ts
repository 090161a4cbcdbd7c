import { createHash, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertSummary, ReasonCode, TimestampInfo } from '../common/verify/report';
import { certFromDer, type Cert, type TrustStore } from './trust';
import { outcome, type VerifierOutcome } from './outcome';

/*
 * Authenticode (PKCS#7 SignedData over SpcIndirectDataContent) checked the way WinVerifyTrust does, offline:
 * content digest, messageDigest, signer signature, chain to the user's anchors, codeSigning EKU, validity at
 * the verified timestamp time (else now), CRLs when supplied. Parsing is pkijs/asn1js; crypto is node:crypto.
 */

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  spcIndirectData: '1.3.6.1.4.1.311.2.1.4',
  spcSipInfo: '1.3.6.1.4.1.311.2.1.30',
  spcPeImageData: '1.3.6.1.4.1.311.2.1.15',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  counterSignature: '1.2.840.113549.1.9.6',
  rfc3161Timestamp: '1.3.6.1.4.1.311.3.3.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  anyEku: '2.5.29.37.0',
  rsaPss: '1.2.840.113549.1.1.10',
} as const;

const DIGESTS: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** PowerShell SIP {603BCC1F-4B59-4E08-B724-D2C6297EF351} in its on-the-wire (mixed-endian) byte order. */
export const POWERSHELL_SUBJECT = { oid: OID.spcSipInfo, sipGuid: '1fcc3b60594b084eb724d2c6297ef351' };
export const PE_SUBJECT = { oid: OID.spcPeImageData };
/** Windows Installer SIP {000C10F1-0000-0000-C000-000000000046}, wire order. */
export const MSI_SUBJECT = { oid: OID.spcSipInfo, sipGuid: 'f1100c0000000000c000000000000046' };

export interface AuthenticodeInput {
  der: Uint8Array;
  /** Digest of the signed content (the script's UTF-16LE text, the PE image hash ranges) with the named algorithm. */
  contentDigest: (algorithm: string) => Buffer | Promise<Buffer>;
  /** What SpcIndirectDataContent must describe: its type OID and, for SIP subjects, the SIP GUID (hex, wire order). */
  subjectType: { oid: string; sipGuid?: string } | null;
  trust: TrustStore;
}

/** What an Authenticode check returns: the verifiers' shared outcome (outcome.ts). */
export type AuthenticodeOutcome = VerifierOutcome;

class BadPkcs7 extends Error {}

function hex(v: ArrayBuffer | Uint8Array): string {
  return Buffer.from(v instanceof Uint8Array ? v : new Uint8Array(v)).toString('hex');
}

function tlvBytes(block: asn1js.AsnType): Uint8Array {
  return (block as asn1js.BaseBlock).valueBeforeDecodeView;
}

export function summarise(c: Cert, anchor = false): CertSummary {
  return {
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialHex,
    thumbprintSha1: c.thumbprintSha1,
    thumbprintSha256: c.thumbprintSha256,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    ...(anchor ? { trustAnchor: true, ...(c.store ? { anchorStore: c.store } : {}) } : {}),
  };
}

function attr(si: pkijs.SignerInfo, type: string, unsigned = false): asn1js.AsnType[] | null {
  const set = unsigned ? si.unsignedAttrs : si.signedAttrs;
  const a = set?.attributes.find((x) => x.type === type);
  return a ? (a.values as asn1js.AsnType[]) : null;
}

function embeddedCerts(sd: pkijs.SignedData): Cert[] {
  const out: Cert[] = [];
  for (const c of sd.certificates ?? []) {
    if (c instanceof pkijs.Certificate) {
      try {
        out.push(certFromDer(new Uint8Array(c.toSchema(false).toBER(false))));
      } catch {
        // An unreadable extra certificate does not stop verification; a missing issuer will show up in the chain.
      }
    }
  }
  return out;
}

function signerCert(si: pkijs.SignerInfo, certs: Cert[]): Cert | null {
  const sid = si.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return null;
  const serial = hex(sid.serialNumber.valueBlock.valueHexView).replace(/^(00)+/, '');
  return certs.find((c) => hex(c.pki.serialNumber.valueBlock.valueHexView).replace(/^(00)+/, '') === serial && c.pki.issuer.isEqual(sid.issuer)) ?? null;
}

type SignerCheck = { ok: true } | { ok: false; reason: Extract<ReasonCode, 'message-digest-mismatch' | 'bad-signer-signature' | 'unsupported-algorithm'>; detail: string };

/** messageDigest attribute and the signature over the DER of the signed attributes (tag rewritten to SET). */
function checkSigner(si: pkijs.SignerInfo, cert: Cert, signedContent: Uint8Array): SignerCheck {
  const digestName = DIGESTS[si.digestAlgorithm.algorithmId];
  if (!digestName) return { ok: false, reason: 'unsupported-algorithm', detail: `digest ${si.digestAlgorithm.algorithmId}` };
  if (si.signatureAlgorithm.algorithmId === OID.rsaPss) return { ok: false, reason: 'unsupported-algorithm', detail: 'RSA-PSS signer' };
  const md = attr(si, OID.messageDigest);
  if (!si.signedAttrs || !md || !(md[0] instanceof asn1js.OctetString)) throw new BadPkcs7('signer has no messageDigest attribute');
  const want = hex(md[0].valueBlock.valueHexView);
  const got = createHash(digestName).update(signedContent).digest('hex');
  if (want !== got) return { ok: false, reason: 'message-digest-mismatch', detail: `messageDigest ${want} ≠ ${got}` };
  const encoded = Buffer.from(new Uint8Array(si.signedAttrs.encodedValue));
  if (encoded.length === 0) throw new BadPkcs7('signed attributes lost their encoding');
  encoded[0] = 0x31;
  let good = false;
  try {
    good = cryptoVerify(digestName, encoded, cert.node.publicKey, Buffer.from(si.signature.valueBlock.valueHexView));
  } catch (err) {
    return { ok: false, reason: 'bad-signer-signature', detail: err instanceof Error ? err.message : String(err) };
  }
  return good ? { ok: true } : { ok: false, reason: 'bad-signer-signature', detail: `signature of ${cert.subject} does not verify` };
}

export interface ChainResult {
  chain: Cert[];
  anchored: boolean;
  problem: 'untrusted-root' | 'chain-incomplete' | null;
  detail?: string;
}

function issuedBy(child: Cert, parent: Cert): boolean {
  try {
    return child.node.checkIssued(parent.node) && child.node.verify(parent.node.publicKey);
  } catch {
    return false;
  }
}

/** Walks issuer links through embedded certificates and anchors until an anchor (trusted) or a dead end. */
export function buildChain(leaf: Cert, pool: Cert[], anchors: Cert[]): ChainResult {
  const chain = [leaf];
  const isAnchor = (c: Cert) => anchors.some((a) => a.thumbprintSha256 === c.thumbprintSha256);
  let cur = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (isAnchor(cur)) return { chain, anchored: true, problem: null };
    const anchorIssuer = anchors.find((a) => issuedBy(cur, a));
    const issuer = anchorIssuer ?? pool.find((p) => p.thumbprintSha256 !== cur.thumbprintSha256 && issuedBy(cur, p));
    if (!issuer) {
      if (issuedBy(cur, cur)) return { chain, anchored: false, problem: 'untrusted-root', detail: `the chain ends at "${cur.subject}", which is not a trusted root` };
      return { chain, anchored: false, problem: 'chain-incomplete', detail: `no certificate for issuer "${cur.issuer}" of "${cur.subject}"` };
    }
    if (!issuer.node.ca) return { chain, anchored: false, problem: 'chain-incomplete', detail: `"${issuer.subject}" is not a CA certificate` };
    chain.push(issuer);
    cur = issuer;
  }
  return { chain, anchored: false, problem: 'chain-incomplete', detail: 'certificate chain too long' };
}

function ekus(c: Cert): string[] | null {
  const ext = c.pki.extensions?.find((e) => e.extnID === '2.5.29.37');
  if (!ext) return null;
  const parsed = ext.parsedValue as pkijs.ExtKeyUsage | undefined;
  return parsed?.keyPurposes ?? [];
}

export function validAt(c: Cert, t: Date): boolean {
  return c.notBefore.getTime() <= t.getTime() && t.getTime() <= c.notAfter.getTime();
}

interface TimestampCheck {
  info: TimestampInfo;
  time: Date | null;
}

/** RFC 3161 token (unsigned attribute 1.3.6.1.4.1.311.3.3.1) or legacy countersignature (1.2.840.113549.1.9.6). */
function checkTimestamp(si: pkijs.SignerInfo, outerCerts: Cert[], trust: TrustStore): TimestampCheck | null {
  const signatureValue = new Uint8Array(si.signature.valueBlock.valueHexView);
  const rfc = attr(si, OID.rfc3161Timestamp, true);
  if (rfc?.[0]) {
    try {
      const ci = new pkijs.ContentInfo({ schema: rfc[0] });
      const sd = new pkijs.SignedData({ schema: ci.content });
      const e = sd.encapContentInfo.eContent;
      if (sd.encapContentInfo.eContentType !== OID.tstInfo || !e) throw new Error('not a TSTInfo token');
      const tstBytes = new Uint8Array(e.getValue());
      const tst = pkijs.TSTInfo.fromBER(tstBytes);
      const time = tst.genTime;
      const base = { kind: 'rfc3161' as const, time: time.toISOString() };
      const imprintAlg = DIGESTS[tst.messageImprint.hashAlgorithm.algorithmId];
      if (!imprintAlg) return { info: { ...base, verified: false, problem: 'unknown imprint algorithm' }, time: null };
      const imprint = createHash(imprintAlg).update(signatureValue).digest('hex');
      if (imprint !== hex(tst.messageImprint.hashedMessage.valueBlock.valueHexView)) {
        return { info: { ...base, verified: false, problem: 'the timestamp is for a different signature' }, time: null };
      }
      const certs = embeddedCerts(sd);
      const tsi = sd.signerInfos[0];
      const tsaCert = tsi ? signerCert(tsi, [...certs, ...outerCerts]) : null;
      if (!tsi || !tsaCert) return { info: { ...base, verified: false, problem: 'TSA certificate not found' }, time: null };
      return finishTimestamp(base, time, tsi, tsaCert, tstBytes, [...certs, ...outerCerts], trust);
    } catch (err) {
      return { info: { kind: 'rfc3161', time: '', verified: false, problem: `unreadable timestamp: ${err instanceof Error ? err.message : String(err)}` }, time: null };
    }
  }
  const legacy = attr(si, OID.counterSignature, true);
  if (legacy?.[0]) {
    try {
      const csi = new pkijs.SignerInfo({ schema: legacy[0] });
      const st = attr(csi, OID.signingTime)?.[0];
      const time = st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime ? st.toDate() : null;
      const base = { kind: 'legacy' as const, time: time?.toISOString() ?? '' };
      if (!time) return { info: { ...base, verified: false, problem: 'countersignature has no signing time' }, time: null };
      const tsaCert = signerCert(csi, outerCerts);
      if (!tsaCert) return { info: { ...base, verified: false, problem: 'countersigner certificate not found' }, time: null };
      return finishTimestamp(base, time, csi, tsaCert, signatureValue, outerCerts, trust);
    } catch (err) {
      return { info: { kind: 'legacy', time: '', verified: false, problem: `unreadable countersignature: ${err instanceof Error ? err.message : String(err)}` }, time: null };
    }
  }
  return null;
}

function finishTimestamp(
  base: { kind: 'rfc3161' | 'legacy'; time: string },
  time: Date,
  tsi: pkijs.SignerInfo,
  tsaCert: Cert,
  signed: Uint8Array,
  pool: Cert[],
  trust: TrustStore,
): TimestampCheck {
  const authority = tsaCert.subject;
  const fail = (problem: string): TimestampCheck => ({ info: { ...base, verified: false, authority, problem }, time: null });
  const s = checkSigner(tsi, tsaCert, signed);
  if (!s.ok) return fail(`TSA signature: ${s.detail}`);
  const chain = buildChain(tsaCert, pool, trust.anchors);
  if (chain.problem) {
    const last = chain.chain.at(-1)!;
    const rootNeeded = chain.problem === 'untrusted-root' ? last.subject : last.issuer;
    return { info: { ...base, verified: false, authority, problem: `TSA chain: ${chain.detail ?? chain.problem}`, chainProblem: chain.problem, rootNeeded }, time: null };
  }
  const usages = ekus(tsaCert);
  if (usages && !usages.includes(OID.timeStamping)) return fail('TSA certificate is not for time stamping');
  const expired = chain.chain.find((c) => !validAt(c, time));
  if (expired) return fail(`"${expired.subject}" was not valid at the timestamp time`);
  const anchorStore = chain.chain.at(-1)?.store;
  return { info: { ...base, verified: true, authority, ...(anchorStore ? { anchorStore } : {}) }, time };
}

/** Verifies one Authenticode signature; never throws for bad input (reasons say what is wrong). */
export async function verifyAuthenticode(input: AuthenticodeInput): Promise<AuthenticodeOutcome> {
  const out = outcome();
  let sd: pkijs.SignedData;
  let si: pkijs.SignerInfo;
  let spc: asn1js.Sequence;
  try {
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(input.der));
    if (ci.contentType !== OID.signedData) throw new BadPkcs7(`content type ${ci.contentType} is not SignedData`);
    sd = new pkijs.SignedData({ schema: ci.content });
    if (sd.encapContentInfo.eContentType !== OID.spcIndirectData) throw new BadPkcs7('signed content is not SpcIndirectDataContent');
    const e = sd.encapContentInfo.eContent as asn1js.AsnType | undefined;
    if (!(e instanceof asn1js.Sequence)) throw new BadPkcs7('SpcIndirectDataContent is not a SEQUENCE');
    spc = e;
    if (sd.signerInfos.length !== 1) throw new BadPkcs7(`${sd.signerInfos.length} signers (Authenticode has exactly one)`);
    si = sd.signerInfos[0]!;
  } catch (err) {
    out.reasons.push('bad-pkcs7');
    out.details.push(`PKCS#7: ${err instanceof Error ? err.message : String(err)}`);
    return out;
  }

  // SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }
  let digestName: string | undefined;
  let signedDigest: string;
  try {
    const [data, digestInfo] = spc.valueBlock.value;
    if (!(data instanceof asn1js.Sequence) || !(digestInfo instanceof asn1js.Sequence)) throw new BadPkcs7('SpcIndirectDataContent layout');
    const [typeOid, value] = data.valueBlock.value;
    const [algId, digest] = digestInfo.valueBlock.value;
    if (!(typeOid instanceof asn1js.ObjectIdentifier) || !(algId instanceof asn1js.Sequence) || !(digest instanceof asn1js.OctetString)) throw new BadPkcs7('DigestInfo layout');
    const algOid = algId.valueBlock.value[0];
    if (!(algOid instanceof asn1js.ObjectIdentifier)) throw new BadPkcs7('digest algorithm');
    digestName = DIGESTS[algOid.valueBlock.toString()];
    signedDigest = hex(digest.valueBlock.valueHexView);
    if (input.subjectType) {
      const want = input.subjectType;
      const guid = value instanceof asn1js.Sequence ? value.valueBlock.value[1] : undefined;
      const typeOk = typeOid.valueBlock.toString() === want.oid;
      const guidOk = !want.sipGuid || (guid instanceof asn1js.OctetString && hex(guid.valueBlock.valueHexView) === want.sipGuid);
      if (!typeOk || !guidOk) {
        out.reasons.push('wrong-subject-type');
        out.details.push(`signature subject ${typeOid.valueBlock.toString()} is not the one this file type needs (${want.oid})`);
      }
    }
  } catch (err) {
    out.reasons.push('bad-pkcs7');
    out.details.push(`SpcIndirectDataContent: ${err instanceof Error ? err.message : String(err)}`);
    return out;
  }
  out.digestAlgorithm = digestName ?? null;
  if (!digestName) {
    out.reasons.push('unsupported-algorithm');
    return out;
  }
  if (digestName === 'md5' || DIGESTS[si.digestAlgorithm.algorithmId] === 'md5') out.reasons.push('weak-digest-md5');
  else if (digestName === 'sha1' || DIGESTS[si.digestAlgorithm.algorithmId] === 'sha1') out.warnings.push('weak-digest-sha1');

  // 1. The file: does the signed digest describe these bytes?
  const actual = (await input.contentDigest(digestName)).toString('hex');
  if (actual !== signedDigest) {
    out.reasons.push('hash-mismatch');
    out.details.push(`${digestName} of the content is ${actual}; the signature was made over ${signedDigest}`);
  }

  // 2. The signer: messageDigest over SpcIndirectDataContent's value octets, then the signature.
  const certs = embeddedCerts(sd);
  const leaf = signerCert(si, [...certs, ...input.trust.anchors]);
  if (!leaf) {
    out.reasons.push('chain-incomplete');
    out.details.push('the signing certificate is not in the signature');
    return out;
  }
  out.signer = summarise(leaf);
  const spcTlv = tlvBytes(spc);
  const header = spc.idBlock.blockLength + spc.lenBlock.blockLength;
  try {
    const s = checkSigner(si, leaf, spcTlv.subarray(header));
    if (!s.ok) {
      out.reasons.push(s.reason);
      out.details.push(s.detail);
    }
  } catch (err) {
    out.reasons.push('bad-pkcs7');
    out.details.push(err instanceof Error ? err.message : String(err));
  }

  // 3. When: a verified timestamp fixes the time the chain is judged at; signingTime alone is not trusted.
  const ts = checkTimestamp(si, certs, input.trust);
  out.timestamp = ts?.info ?? null;
  if (ts && !ts.info.verified) out.warnings.push('timestamp-not-verified');
  const at = ts?.time ?? input.trust.now ?? new Date();
  if (!ts?.time) out.notChecked.push('signing time: no verified timestamp, so the chain is checked at the current time');

  // 4. Trust: chain to an anchor, validity, EKU, pinned publishers, revocation.
  const chain = buildChain(leaf, certs, input.trust.anchors);
  out.chain = chain.chain.map((c, i) => summarise(c, chain.anchored && i === chain.chain.length - 1));
  if (input.trust.anchors.length === 0) out.notChecked.push('trust: no root is trusted, so no certificate chain can end at a trusted root');
  if (chain.problem) {
    out.reasons.push(chain.problem);
    if (chain.detail) out.details.push(chain.detail);
  }
  const expired = chain.chain.filter((c) => !validAt(c, at));
  if (expired.length > 0) {
    out.reasons.push('cert-expired');
    for (const c of expired) out.details.push(`"${c.subject}" is valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}, not at ${at.toISOString()}`);
  }
  const usages = ekus(leaf);
  if (usages === null) out.warnings.push('leaf-has-no-eku-extension');
  else if (!usages.includes(OID.codeSigning) && !usages.includes(OID.anyEku)) {
    out.reasons.push('eku-not-codesigning');
    out.details.push(`signer EKU: ${usages.join(', ')}`);
  }
  if (input.trust.publishers.length > 0 && !input.trust.publishers.some((p) => p === leaf.thumbprintSha1 || p === leaf.thumbprintSha256)) {
    out.reasons.push('publisher-not-pinned');
    out.details.push(`signer thumbprint ${leaf.thumbprintSha1} is not pinned`);
  }
  checkRevocation(chain, input.trust, out);
  return out;
}

const SIG_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** A CRL counts only when its signature verifies with the issuer's key. */
function crlSignedBy(crl: pkijs.CertificateRevocationList, issuer: Cert): boolean {
  const hash = SIG_HASH[crl.signature.algorithmId];
  if (!hash) return false;
  try {
    return cryptoVerify(hash, Buffer.from(crl.tbsView), issuer.node.publicKey, Buffer.from(crl.signatureValue.valueBlock.valueHexView));
  } catch {
    return false;
  }
}

function checkRevocation(chain: ChainResult, trust: TrustStore, out: VerifierOutcome): void {
  const unchecked: string[] = [];
  for (let i = 0; i < chain.chain.length; i++) {
    const c = chain.chain[i]!;
    const issuer = chain.chain[i + 1];
    if (chain.anchored && i === chain.chain.length - 1) break; // the anchor itself is trusted as given
    if (!issuer) {
      unchecked.push(c.subject);
      continue;
    }
    let covered = false;
    for (const crl of trust.crls) {
      if (!crl.issuer.isEqual(c.pki.issuer) || !crlSignedBy(crl, issuer)) continue;
      covered = true;
      const serial = hex(c.pki.serialNumber.valueBlock.valueHexView).replace(/^(00)+/, '');
      const entry = crl.revokedCertificates?.find((r) => hex(r.userCertificate.valueBlock.valueHexView).replace(/^(00)+/, '') === serial);
      if (entry) {
        out.reasons.push('revoked');
        out.details.push(`"${c.subject}" was revoked on ${entry.revocationDate.value.toISOString()}`);
      }
      if (crl.nextUpdate && crl.nextUpdate.value.getTime() < (trust.now ?? new Date()).getTime()) out.warnings.push('crl-out-of-date');
      break;
    }
    if (!covered) unchecked.push(c.subject);
  }
  if (unchecked.length > 0) {
    out.warnings.push('revocation-not-checked');
    out.notChecked.push(`revocation not checked for ${unchecked.map((s) => `"${s}"`).join(', ')}: no CRL supplied for its issuer`);
  }
}
