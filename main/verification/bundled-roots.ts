import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkbenchError } from '../common/model/errors';
import { BundledRootsManifestSchema, type BundledRootInfo } from '../common/verify/bundled';
import { parseCertificates, type Cert } from './trust';

/** A root shipped with the app (assets/data/code-signing-roots), trusted unless the project distrusts it. */
export interface BundledRoot {
  info: BundledRootInfo;
  cert: Cert;
}

function selfSigned(c: Cert): boolean {
  try {
    return c.node.checkIssued(c.node) && c.node.verify(c.node.publicKey);
  } catch {
    return false;
  }
}

/**
 * Reads a bundled root store: `roots.json` names each PEM file with its SHA-256. Every file must hold exactly one
 * self-signed CA certificate with that SHA-256, else nothing is trusted from it (a changed bundle fails loudly).
 */
export async function loadBundledRoots(dir: string): Promise<BundledRoot[]> {
  const bad = (why: string) => new WorkbenchError('invalid-input', `The bundled root store in ${dir} is damaged: ${why}.`);
  let manifest;
  try {
    manifest = BundledRootsManifestSchema.parse(JSON.parse(await readFile(path.join(dir, 'roots.json'), 'utf8')));
  } catch (err) {
    throw bad(`roots.json is unreadable (${err instanceof Error ? err.message.slice(0, 200) : String(err)})`);
  }
  const out: BundledRoot[] = [];
  for (const e of manifest.roots) {
    const data = await readFile(path.join(dir, e.file)).catch(() => null);
    if (!data) throw bad(`${e.file} is missing`);
    const certs = parseCertificates(data, e.file);
    if (certs.length !== 1) throw bad(`${e.file} holds ${certs.length} certificates`);
    const cert = certs[0]!;
    if (cert.thumbprintSha256 !== e.sha256) throw bad(`${e.file} has SHA-256 ${cert.thumbprintSha256}, not the recorded ${e.sha256}`);
    if (!cert.node.ca || !selfSigned(cert)) throw bad(`${e.file} is not a self-signed CA certificate`);
    out.push({
      info: { name: e.name, subject: cert.subject, thumbprintSha1: cert.thumbprintSha1, thumbprintSha256: cert.thumbprintSha256, notAfter: cert.notAfter.toISOString(), purposes: e.purposes },
      cert: { ...cert, store: 'bundled' },
    });
  }
  return out;
}
