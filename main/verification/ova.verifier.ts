import { open } from 'node:fs/promises';
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { parseSidecar, decodeSidecarBytes } from '../common/verify/sidecar';
import { algorithmFromName } from '../common/verify/hashes';
import { ArchiveError, readArchive, type ArchiveEntry } from './ova-archive';
import { buildChain, summarise, validAt } from './authenticode';
import { outcome } from './outcome';
import { parseCertificates } from './trust';
import type { Verifier } from './verifier';
import { VERIFIER_KINDS } from './kinds';
import { throwIfAborted } from '../common/util/cancel';

const DIGEST_NODE: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

/**
 * OVA appliances: one streaming pass through the tar (nothing extracted), every file checked against the
 * `.mf` manifest, and the `.cert` signature over the manifest checked against the trusted certificates.
 */
export const ovaVerifier: Verifier = {
  kind: 'ova',
  label: VERIFIER_KINDS.ova.label,
  matches: VERIFIER_KINDS.ova.matches,
  async verify({ file, size, trust, signal, onProgress }) {
    const out = outcome();
    const fh = await open(file, 'r');
    let entries: ArchiveEntry[];
    // Algorithms named by the manifest once it has been read (OVF puts .ovf, .mf, .cert first); until then SHA-1 and SHA-256.
    let manifestAlgs: string[] | null = null;
    try {
      entries = await readArchive(fh, {
        fileSize: size,
        algorithmsFor: () => manifestAlgs ?? ['sha1', 'sha256'],
        ...(signal ? { signal } : {}),
        ...(onProgress ? { onProgress } : {}),
        onEntry: (e) => {
          if (/\.mf$/i.test(e.name) && e.content) {
            const algs = parseSidecar(decodeSidecarBytes(e.content)).entries.map((m) => m.algorithm).filter((a): a is NonNullable<typeof a> => !!a && a !== 'md5');
            if (algs.length) manifestAlgs = [...new Set(algs)];
          }
        },
      });
    } catch (err) {
      throwIfAborted(signal, 'Verification was cancelled.');
      if (err instanceof ArchiveError) {
        out.reasons.push(err.reason);
        out.details.push(err.message);
        out.notChecked.push('manifest and certificate: the archive was refused before they could be checked');
        return out;
      }
      throw err;
    } finally {
      await fh.close();
    }
    out.details.push(`archive: ${entries.map((e) => e.name).join(', ')}`);
    const ovf = entries.find((e) => /\.ovf$/i.test(e.name));
    if (!ovf) {
      out.reasons.push('bad-archive');
      out.details.push('no .ovf descriptor in the archive');
      return out;
    }
    const mf = entries.find((e) => /\.mf$/i.test(e.name));
    if (!mf?.content) {
      out.reasons.push('no-manifest');
      out.notChecked.push('file hashes: the appliance has no .mf manifest');
      return out;
    }
    // Manifest: every listed file must exist and match; every file but the manifest and certificate must be listed.
    const manifest = parseSidecar(decodeSidecarBytes(mf.content));
    const listed = new Set<string>();
    for (const m of manifest.entries) {
      const name = m.name ?? '';
      listed.add(name);
      const alg = m.algorithm;
      const entry = entries.find((e) => e.name === name);
      if (!alg || !DIGEST_NODE[alg]) {
        out.reasons.push('manifest-mismatch');
        out.details.push(`manifest line ${m.line}: ${m.unsupportedAlgorithm ?? 'unknown'} digest is not supported`);
      } else if (!entry) {
        out.reasons.push('manifest-mismatch');
        out.details.push(`manifest lists "${name}", which is not in the archive`);
      } else {
        // Small files read before the manifest are kept in memory, so any algorithm can still be computed.
        const actual = entry.hashes[alg] ?? (entry.content ? createHash(alg).update(entry.content).digest('hex') : undefined);
        if (actual === undefined) {
          out.reasons.push('manifest-mismatch');
          out.details.push(`"${name}" comes before the manifest in the archive and was not hashed with ${alg}`);
        } else if (actual !== m.hex) {
          out.reasons.push('manifest-mismatch');
          out.details.push(`"${name}": ${alg} is ${actual}, the manifest says ${m.hex}`);
        }
      }
    }
    if (manifest.unrecognized.length) out.warnings.push('manifest-has-unreadable-lines');
    const unlisted = entries.filter((e) => e !== mf && !/\.cert$/i.test(e.name) && !listed.has(e.name));
    if (unlisted.length) {
      out.reasons.push('manifest-incomplete');
      out.details.push(`not in the manifest: ${unlisted.map((e) => e.name).join(', ')}`);
    }
    out.digestAlgorithm = manifest.entries.find((m) => m.algorithm)?.algorithm ?? null;
    if (!out.reasons.length) out.details.push(`manifest ${mf.name}: ${manifest.entries.length} file(s) match`);

    // Certificate: `ALG(name.mf)= hex-signature` then the signer's PEM certificate(s).
    const certEntry = entries.find((e) => /\.cert$/i.test(e.name));
    if (!certEntry?.content) {
      out.reasons.push('unsigned');
      out.notChecked.push('publisher: the appliance has no .cert, so who made the manifest is not proven');
      return out;
    }
    const text = certEntry.content.toString('latin1');
    const sigLine = /^\s*([A-Za-z0-9-]+)\((.+?)\)\s*=\s*([0-9A-Fa-f]+)\s*$/m.exec(text);
    const alg = sigLine ? algorithmFromName(sigLine[1]!) : null;
    if (!sigLine || !alg || alg === 'md5') {
      out.reasons.push('bad-pkcs7');
      out.details.push(`${certEntry.name} has no usable signature line`);
      return out;
    }
    let certs;
    try {
      certs = parseCertificates(certEntry.content, certEntry.name);
    } catch {
      out.reasons.push('bad-pkcs7');
      out.details.push(`${certEntry.name} holds no certificate`);
      return out;
    }
    const leaf = certs[0]!;
    out.signer = summarise(leaf);
    if (sigLine[2] !== mf.name) {
      out.reasons.push('bad-signer-signature');
      out.details.push(`the certificate signs "${sigLine[2]}", not the manifest "${mf.name}"`);
    } else {
      let good = false;
      try {
        good = cryptoVerify(alg, mf.content, leaf.node.publicKey, Buffer.from(sigLine[3]!, 'hex'));
      } catch {
        good = false;
      }
      if (!good) {
        out.reasons.push('bad-signer-signature');
        out.details.push(`the ${alg} signature over ${mf.name} does not verify with "${leaf.subject}"`);
      }
    }
    const chain = buildChain(leaf, certs, trust.anchors);
    out.chain = chain.chain.map((c, i) => summarise(c, chain.anchored && i === chain.chain.length - 1));
    if (chain.problem) {
      out.reasons.push(chain.problem);
      if (chain.detail) out.details.push(chain.detail);
    }
    const now = trust.now ?? new Date();
    const expired = chain.chain.filter((c) => !validAt(c, now));
    if (expired.length) {
      out.reasons.push('cert-expired');
      for (const c of expired) out.details.push(`"${c.subject}" is valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}`);
    }
    if (trust.publishers.length && !trust.publishers.some((p) => p === leaf.thumbprintSha1 || p === leaf.thumbprintSha256)) out.reasons.push('publisher-not-pinned');
    out.notChecked.push('revocation: OVA certificates carry no timestamp and are checked at the current time without CRLs');
    return out;
  },
};
