import { readdir, readFile, stat } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { isWorkbenchError, serializeError, WorkbenchError } from '../common/model/errors';
import { EMPTY_TRUST, MAX_VERIFICATION_RECORDS, type VerificationRecord, type VerificationTrust } from '../common/model/verification';
import type { VerificationReport } from '../common/verify/report';
import { reportJson, reportMarkdown } from '../common/verify/report-format';
import type { TrustEdit, VerifyFailure, VerifyTrust } from '../common/ipc/channels/verify.channels';
import { algorithmFromSidecarName } from '../common/verify/sidecar';
import type { HashAlgorithm } from '../common/verify/hashes';
import { findSidecars } from '../verification/sidecar.finder';
import type { TrustStore } from '../verification/trust';
import { writeFileAtomic } from '../platform/atomic-write';
import { assetPath } from '../platform/paths';
import type { BundledRoot } from '../verification/bundled-roots';
import type { BundledRootInfo } from '../common/verify/bundled';
import type { ProjectStore } from './project-store.service';
import type { TaskService } from './tasks.service';
import type { Logger } from '../platform/logger';
import { throwIfAborted } from '../common/util/cancel';

export interface VerifyRequest {
  paths: string[];
  sidecars?: string[];
  trust?: Partial<VerifyTrust>;
  taskId?: string;
  /** Digests to compute per file (default md5 + sha256); the algorithms its checksum files name are always added. */
  algorithms?: readonly HashAlgorithm[];
  /** Keep the results in the project as verification records (default true). */
  record?: boolean;
}

/** Checksum files given among the files to verify are used as sidecars, not verified themselves. */
export function isSidecarName(name: string): boolean {
  return algorithmFromSidecarName(name) !== null || /\.mf$/i.test(name) || /^checksums(\.txt)?$/i.test(name);
}

function toRecord(r: VerificationReport): VerificationRecord {
  return {
    id: randomUUID(),
    file: r.file,
    name: r.name,
    kind: r.kind,
    status: r.status,
    ok: r.ok,
    reasons: r.reasons,
    ...(r.signer ? { signer: r.signer.subject, signerThumbprint: r.signer.thumbprintSha1, issuer: r.signer.issuer } : {}),
    ...(r.timestamp?.verified ? { timestamp: r.timestamp.time } : {}),
    ...(r.hashes.sha256 ? { sha256: r.hashes.sha256 } : {}),
    ...(r.hashes.md5 ? { md5: r.hashes.md5 } : {}),
    sidecars: r.sidecars.map((s) => ({ sidecar: s.sidecar, verdict: s.verdict })),
    warnings: r.warnings,
    verifiedAt: r.verifiedAt,
  };
}

/** Most files one folder contributes (a folder of installers, not a whole disk). */
const MAX_FOLDER_FILES = 500;

/** A folder stands for the files directly in it (not sub-folders); hidden files are skipped. */
async function expandFolders(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (!st?.isDirectory()) {
      out.push(p);
      continue;
    }
    const names = (await readdir(p, { withFileTypes: true })).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => path.join(p, d.name));
    if (names.length > MAX_FOLDER_FILES) throw new WorkbenchError('invalid-input', `${p} holds ${names.length} files; verify at most ${MAX_FOLDER_FILES} at a time.`);
    if (names.length === 0) throw new WorkbenchError('invalid-input', `${p} holds no files to verify.`);
    out.push(...names.sort());
  }
  return [...new Set(out)];
}

/*
 * The certificate code (pkijs) and the verifiers load on first use: `mwb import` builds this service without
 * loading them, and verifying a plain file (checksums only) never builds the trust store.
 */
const trustModule = () => import('../verification/trust');
const bundledRootsModule = () => import('../verification/bundled-roots');
const verifyFileModule = () => import('../verification/verify-file');

/** Verifies files as a cancellable task and keeps the results in the project (one undoable change). */
export class VerificationService {
  private bundled: Promise<BundledRoot[]> | null = null;

  constructor(private readonly deps: { project: ProjectStore; tasks: TaskService; logger: Logger; /** Bundled root store (tests inject a test PKI); default assets/data/code-signing-roots. */ bundledRootsDir?: string }) {}

  /** The roots shipped with the app, read and checked once (a damaged bundle is an error, not an empty store). */
  bundledRoots(): Promise<BundledRoot[]> {
    if (!this.bundled) {
      this.bundled = bundledRootsModule().then((m) => m.loadBundledRoots(this.deps.bundledRootsDir ?? assetPath('data', 'code-signing-roots')));
      this.bundled.catch(() => (this.bundled = null));
    }
    return this.bundled;
  }

  async bundledRootList(): Promise<{ roots: BundledRootInfo[] }> {
    return { roots: (await this.bundledRoots()).map((r) => r.info) };
  }

  /**
   * Anchors from three stores, each tagged so reports name it: the bundled roots the project does not distrust, the
   * project's own roots (kept as PEM), and any files given for this run (CLI --trust); plus CRLs and pinned publishers.
   */
  async trustStore(extra: Partial<VerifyTrust> | undefined): Promise<TrustStore> {
    const { loadTrust, parseCertificates, parseCrls } = await trustModule();
    const files = await loadTrust({ trust: extra?.roots ?? [], crl: extra?.crls ?? [], publisher: extra?.publishers ?? [] });
    const kept = this.deps.project.document.verification.trust ?? EMPTY_TRUST;
    const distrusted = new Set(kept.distrusted ?? []);
    const bundled = (await this.bundledRoots()).filter((r) => !distrusted.has(r.info.thumbprintSha256)).map((r) => r.cert);
    const own = kept.roots.flatMap((r) => parseCertificates(Buffer.from(r.pem), r.subject)).map((c) => ({ ...c, store: 'project' as const }));
    const crls = kept.crls.flatMap((c) => parseCrls(Buffer.from(c.pem), c.issuer));
    // A root the user added or named for this run wins over the same bundled one, so the report names their store.
    const anchors = [...files.anchors, ...own, ...bundled].filter((c, i, all) => all.findIndex((x) => x.thumbprintSha256 === c.thumbprintSha256) === i);
    return { anchors, crls: [...crls, ...files.crls], publishers: [...new Set([...kept.publishers, ...files.publishers])] };
  }

  /** Changes the project's trust as one undoable change; bad files change nothing. */
  async editTrust(edit: TrustEdit): Promise<{ message: string }> {
    const { normaliseThumbprint, parseCertificates, parseCrls, rdnText } = await trustModule();
    const doc = this.deps.project.document;
    const trust = doc.verification.trust ?? EMPTY_TRUST;
    const now = new Date().toISOString();
    let next: VerificationTrust;
    let message: string;
    switch (edit.op) {
      case 'addFile': {
        const st = await stat(edit.path).catch(() => null);
        if (!st?.isFile()) throw new WorkbenchError('not-found', `No file at ${edit.path}.`);
        if (st.size > 8 * 1024 * 1024) throw new WorkbenchError('invalid-input', `${path.basename(edit.path)} is too large for a certificate or CRL.`);
        const data = await readFile(edit.path);
        if (edit.as === 'root') {
          const certs = parseCertificates(data, path.basename(edit.path));
          const added = certs
            .filter((c) => !trust.roots.some((r) => r.thumbprintSha1 === c.thumbprintSha1))
            .map((c) => ({ pem: c.node.toString(), subject: c.subject, thumbprintSha1: c.thumbprintSha1, notAfter: c.notAfter.toISOString(), addedAt: now }));
          if (added.length === 0) return { message: `${path.basename(edit.path)}: already trusted.` };
          next = { ...trust, roots: [...trust.roots, ...added] };
          message = `Trusted ${added.map((a) => a.subject).join('; ')}.`;
        } else {
          const crls = parseCrls(data, path.basename(edit.path));
          const added = crls
            .map((c) => {
              const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(c.toSchema().toBER(false)).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END X509 CRL-----\n`;
              return { id: createHash('sha256').update(pem).digest('hex'), pem, issuer: rdnText(c.issuer), ...(c.nextUpdate ? { nextUpdate: c.nextUpdate.value.toISOString() } : {}), addedAt: now };
            })
            .filter((c) => !trust.crls.some((x) => x.id === c.id));
          if (added.length === 0) return { message: `${path.basename(edit.path)}: already added.` };
          next = { ...trust, crls: [...trust.crls, ...added] };
          message = `Added CRL from ${added.map((a) => a.issuer).join('; ')}.`;
        }
        break;
      }
      case 'removeRoot':
        next = { ...trust, roots: trust.roots.filter((r) => r.thumbprintSha1 !== normaliseThumbprint(edit.thumbprintSha1)) };
        message = 'Certificate no longer trusted.';
        break;
      case 'removeCrl':
        next = { ...trust, crls: trust.crls.filter((c) => c.id !== edit.id) };
        message = 'CRL removed.';
        break;
      case 'pinPublisher': {
        const t = normaliseThumbprint(edit.thumbprint);
        next = { ...trust, publishers: [...new Set([...trust.publishers, t])] };
        message = `Only signers with thumbprint ${t} are accepted now.`;
        break;
      }
      case 'unpinPublisher': {
        const t = normaliseThumbprint(edit.thumbprint);
        next = { ...trust, publishers: trust.publishers.filter((p) => p !== t) };
        message = 'Publisher unpinned.';
        break;
      }
      case 'distrustBundled':
      case 'trustBundled': {
        const t = edit.thumbprintSha256.toUpperCase();
        const root = (await this.bundledRoots()).find((r) => r.info.thumbprintSha256 === t);
        if (!root) throw new WorkbenchError('not-found', `No bundled root has the SHA-256 thumbprint ${t}.`);
        const distrusted = (trust.distrusted ?? []).filter((x) => x !== t);
        next = { ...trust, distrusted: edit.op === 'distrustBundled' ? [...distrusted, t] : distrusted };
        message = edit.op === 'distrustBundled' ? `${root.info.name} is no longer trusted in this project.` : `${root.info.name} is trusted again.`;
        break;
      }
    }
    this.deps.project.commit({ ...doc, verification: { ...doc.verification, trust: next } });
    return { message };
  }

  async verify(req: VerifyRequest): Promise<{ reports: VerificationReport[]; failures: VerifyFailure[] }> {
    // Built once, when the first file with a signature format needs it; files named with --trust/--crl are read up front
    // so that a bad one is reported even when only plain files are verified.
    let store: Promise<TrustStore> | null = null;
    const trust = () => (store ??= this.trustStore(req.trust));
    if (req.trust && (req.trust.roots?.length || req.trust.crls?.length || req.trust.publishers?.length)) await trust();
    const { verifyFile } = await verifyFileModule();
    const given = await expandFolders(req.paths.map((p) => path.resolve(p)));
    const batchSidecars = given.filter((p) => isSidecarName(path.basename(p)));
    const targets = given.filter((p) => !batchSidecars.includes(p));
    if (targets.length === 0) throw new WorkbenchError('invalid-input', 'Only checksum files were given: add the files they describe.');
    const sizes = await Promise.all(targets.map((t) => stat(t).then((s) => (s.isFile() ? s.size : 0), () => 0)));
    const total = sizes.reduce((a, b) => a + b, 0);
    const reports: VerificationReport[] = [];
    const failures: VerifyFailure[] = [];
    await this.deps.tasks.run(
      targets.length === 1 ? `Verifying ${path.basename(targets[0]!)}` : `Verifying ${targets.length} files`,
      'bytes',
      async (task) => {
        let before = 0;
        for (const [i, file] of targets.entries()) {
          throwIfAborted(task.signal, 'Verification was cancelled.');
          const name = path.basename(file);
          const own = req.sidecars ?? (await findSidecars(file));
          // Dropped files arrive in separate folders: pair them with checksum files from the same batch.
          const fromBatch = batchSidecars.filter((s) => {
            const n = path.basename(s);
            return n.startsWith(name) || !/\.(md5|sha1|sha256|sha512)(sum)?$/i.test(n);
          });
          const sidecars = [...new Set([...own, ...fromBatch])];
          try {
            reports.push(
              await verifyFile(file, {
                trust,
                sidecars,
                ...(req.algorithms ? { algorithms: req.algorithms } : {}),
                signal: task.signal,
                onProgress: (done) => task.progress(before + done, total, name),
              }),
            );
          } catch (err) {
            if (isWorkbenchError(err, 'cancelled')) throw err;
            const e = serializeError(err);
            failures.push({ file, code: e.code, message: e.message });
          }
          before += sizes[i]!;
        }
      },
      req.taskId,
    );
    if (reports.length > 0 && req.record !== false) this.record(reports);
    return { reports, failures };
  }

  private record(reports: VerificationReport[]): void {
    const doc = this.deps.project.document;
    const records = [...doc.verification.records, ...reports.map(toRecord)].slice(-MAX_VERIFICATION_RECORDS);
    this.deps.project.commit({ ...doc, verification: { ...doc.verification, records } });
  }

  async saveReport(file: string, format: 'json' | 'markdown', reports: VerificationReport[]): Promise<{ path: string; bytes: number }> {
    const abs = path.resolve(file);
    const text = format === 'json' ? JSON.stringify({ generatedAt: new Date().toISOString(), files: reports.map(reportJson) }, null, 2) + '\n' : reportMarkdown(reports, new Date().toISOString());
    try {
      await writeFileAtomic(abs, text);
    } catch (err) {
      throw new WorkbenchError('file-io', `Cannot write the report to ${abs}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    }
    return { path: abs, bytes: Buffer.byteLength(text) };
  }
}
