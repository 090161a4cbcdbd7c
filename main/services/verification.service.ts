import { readdir, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { isWorkbenchError, serializeError, WorkbenchError } from '../common/model/errors';
import { MAX_VERIFICATION_RECORDS, type VerificationRecord } from '../common/model/verification';
import type { VerificationReport } from '../common/verify/report';
import { reportJson, reportMarkdown } from '../common/verify/report-format';
import type { VerifyFailure, VerifyTrust } from '../common/ipc/channels/verify.channels';
import { algorithmFromSidecarName } from '../common/verify/sidecar';
import { verifyFile } from '../verification/verify-file';
import { findSidecars } from '../verification/sidecar.finder';
import { loadTrust, type TrustStore } from '../verification/trust';
import { writeFileAtomic } from '../platform/atomic-write';
import type { ProjectStore } from './project-store.service';
import type { TaskService } from './tasks.service';
import type { Logger } from '../platform/logger';

export interface VerifyRequest {
  paths: string[];
  sidecars?: string[];
  trust?: Partial<VerifyTrust>;
  taskId?: string;
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

/** Verifies files as a cancellable task and keeps the results in the project (one undoable change). */
export class VerificationService {
  constructor(private readonly deps: { project: ProjectStore; tasks: TaskService; logger: Logger }) {}

  async trustStore(trust: Partial<VerifyTrust> | undefined): Promise<TrustStore> {
    return loadTrust({ trust: trust?.roots ?? [], crl: trust?.crls ?? [], publisher: trust?.publishers ?? [] });
  }

  async verify(req: VerifyRequest): Promise<{ reports: VerificationReport[]; failures: VerifyFailure[] }> {
    const trust = await this.trustStore(req.trust);
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
          if (task.signal.aborted) throw new WorkbenchError('cancelled', 'Verification was cancelled.');
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
