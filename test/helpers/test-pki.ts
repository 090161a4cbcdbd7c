import { createHash, webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/*
 * A small code-signing PKI made in-process with pkijs + WebCrypto (no openssl CA config, and certificates can carry
 * any validity window, e.g. a leaf that expired in 2021). Keys are written as PKCS#8 PEM for osslsigncode.
 */

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

export interface Issued {
  cert: pkijs.Certificate;
  der: Uint8Array<ArrayBuffer>;
  keys: CryptoKeyPair;
  /** PEM of the certificate. */
  pem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
}

export type Role = 'root' | 'intermediate' | 'codeSigning' | 'timeStamping';

const EKU = { codeSigning: '1.3.6.1.5.5.7.3.3', timeStamping: '1.3.6.1.5.5.7.3.8' } as const;
let serial = 0x1000;

function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

function ext(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** CN only: pkijs would put several attributes into one multi-valued RDN ("CN=… + O=…"), which real CAs do not. */
function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({ typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })] });
}

export async function issue(cn: string, role: Role, from: Date, to: Date, issuer?: Issued): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = role === 'root' || role === 'intermediate';
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serial++ });
  cert.subject = name(cn);
  cert.issuer = issuer ? issuer.cert.subject : name(cn);
  cert.notBefore.value = from;
  cert.notAfter.value = to;
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  const keyId = (c: pkijs.Certificate) => createHash('sha1').update(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  // KeyUsage bits: digitalSignature = bit 0 (0x80), keyCertSign = bit 5 (0x04), cRLSign = bit 6 (0x02).
  const usage = ca ? new asn1js.BitString({ valueHex: new Uint8Array([0x06]), unusedBits: 1 }) : new asn1js.BitString({ valueHex: new Uint8Array([0x80]), unusedBits: 7 });
  cert.extensions = [
    ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: ca, ...(role === 'intermediate' ? { pathLenConstraint: 0 } : {}) }).toSchema()),
    ext('2.5.29.15', true, usage),
    ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId(cert) })),
  ];
  if (role === 'codeSigning' || role === 'timeStamping') {
    cert.extensions.push(ext('2.5.29.37', role === 'timeStamping', new pkijs.ExtKeyUsage({ keyPurposes: [EKU[role]] }).toSchema()));
  }
  if (issuer) cert.extensions.push(ext('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: keyId(issuer.cert) }) }).toSchema()));
  await cert.sign(issuer ? issuer.keys.privateKey : keys.privateKey, 'SHA-256');
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: pkijs.Certificate.fromBER(der), der, keys, pem: pem('CERTIFICATE', der), keyPem: pem('PRIVATE KEY', pkcs8) };
}

/** Writes NAME.pem and NAME.key into DIR; returns their paths. */
export async function writePki(dir: string, base: string, who: Issued): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${base}.pem`);
  const key = path.join(dir, `${base}.key`);
  await writeFile(cert, who.pem);
  await writeFile(key, who.keyPem, { mode: 0o600 });
  return { cert, key };
}
