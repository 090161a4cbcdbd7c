import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Issued } from './test-pki';

/*
 * HAND-WRITTEN FAKE of a legacy Authenticode time-stamping server (the protocol `osslsigncode sign -t URL` and
 * signtool /t speak). No packaged server for this protocol exists (openssl ts and the usual TSAs speak RFC 3161
 * only), so this one answers on 127.0.0.1 exactly as Microsoft documents "Time Stamping Authenticode Signatures":
 *
 *   request  = base64( TimeStampRequest ::= SEQUENCE { countersignatureType OID 1.3.6.1.4.1.311.3.2.1,
 *                                                     attributes OPTIONAL, content ContentInfo(data, encryptedDigest) } )
 *   response = base64( ContentInfo(SignedData) ) whose content is the same encryptedDigest and whose one
 *              SignerInfo (contentType, signingTime, messageDigest signed attributes) becomes the countersignature.
 */

const OID = {
  timeStampRequest: '1.3.6.1.4.1.311.3.2.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export interface FakeLegacyTsa {
  url: string;
  /** The encryptedDigest of every signature it was asked to countersign (hex). */
  requests: string[];
  /** The countersignature signature values it produced (hex), so tests can find and tamper with them. */
  signatures: string[];
  close(): Promise<void>;
}

export interface FakeLegacyTsaOptions {
  tsa: Issued;
  /** Extra certificates put in the response (osslsigncode copies them into the signature). */
  chain?: Issued[];
  /** The signingTime it claims. */
  time: Date;
  /** Misbehave: countersign a different digest than the one asked for (a countersignature for another signature). */
  countersignOther?: boolean;
}

function base64Lines(der: ArrayBuffer): string {
  return Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n');
}

/** Reads the request; throws (answered with HTTP 400) when it is not a legacy TimeStampRequest. */
function encryptedDigestOf(body: string): Uint8Array<ArrayBuffer> {
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const parsed = asn1js.fromBER(new Uint8Array(der));
  const seq = parsed.result;
  if (parsed.offset === -1 || !(seq instanceof asn1js.Sequence)) throw new Error('request is not a DER SEQUENCE');
  const [type, ...rest] = seq.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== OID.timeStampRequest) throw new Error('not a TimeStampRequest');
  const content = new pkijs.ContentInfo({ schema: rest[rest.length - 1] });
  if (content.contentType !== OID.data || !(content.content instanceof asn1js.OctetString)) throw new Error('content is not data');
  return new Uint8Array(content.content.valueBlock.valueHexView);
}

async function countersign(digest: Uint8Array<ArrayBuffer>, opts: FakeLegacyTsaOptions): Promise<{ der: ArrayBuffer; signature: string }> {
  const tsaCert = pkijs.Certificate.fromBER(opts.tsa.der);
  const sd = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data, eContent: new asn1js.OctetString({ valueHex: digest }) }),
    certificates: [tsaCert, ...(opts.chain ?? []).map((c) => pkijs.Certificate.fromBER(c.der))],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: tsaCert.issuer, serialNumber: tsaCert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: opts.time })] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(digest).digest() })] }),
          ],
        }),
      }),
    ],
  });
  await sd.sign(opts.tsa.keys.privateKey, 0, 'SHA-256');
  const signature = Buffer.from(sd.signerInfos[0]!.signature.valueBlock.valueHexView).toString('hex');
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
  return { der: ci.toSchema().toBER(false), signature };
}

export async function startFakeLegacyTsa(opts: FakeLegacyTsaOptions): Promise<FakeLegacyTsa> {
  const requests: string[] = [];
  const signatures: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method !== 'POST') throw new Error(`method ${req.method}`);
          const digest = encryptedDigestOf(Buffer.concat(chunks).toString('latin1'));
          requests.push(Buffer.from(digest).toString('hex'));
          const signed = opts.countersignOther ? createHash('sha256').update(digest).digest() : digest;
          const { der, signature } = await countersign(signed, opts);
          signatures.push(signature);
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
          res.end(base64Lines(der));
        } catch (err) {
          res.writeHead(400, { 'Content-Type': 'text/plain' });
          res.end(err instanceof Error ? err.message : String(err));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    signatures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
