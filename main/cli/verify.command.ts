import path from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { createNodeServices } from '../shell/node-runtime';
import { consoleLogger } from '../platform/logger';
import { EXIT, type CommandModule } from './context';
import { isWorkbenchError } from '../common/model/errors';
import { anchorText, reasonText, reportJson } from '../common/verify/report-format';
import { HASH_LABEL, HASH_ALGORITHMS } from '../common/verify/hashes';
import type { VerificationReport } from '../common/verify/report';
import type { TaskProgress } from '../common/ipc/events';

interface VerifyCliOptions {
  trust: string[];
  publisher: string[];
  crl: string[];
  sidecar: string[];
  json?: boolean;
  project?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function human(r: VerificationReport, file: string): string {
  const mark = r.ok ? 'OK  ' : 'FAIL';
  const lines = [`${mark} ${file}  ${r.status}  [${r.kind}]  ${r.reasons.map((x) => `${x}: ${reasonText(x)}`).join('; ')}`];
  if (r.signer) lines.push(`     signer: ${r.signer.subject} (thumbprint ${r.signer.thumbprintSha1})`);
  if (r.chain.length > 1) lines.push(`     chain:  ${r.chain.map((c) => (/CN=([^,]+)/.exec(c.subject)?.[1] ?? c.subject) + (c.trustAnchor ? ' (trusted)' : '')).join(' -> ')}`);
  const anchors = anchorText(r);
  if (anchors) lines.push(`     trusted root: ${anchors}`);
  if (r.timestamp) lines.push(`     timestamp: ${r.timestamp.kind} ${r.timestamp.time} ${r.timestamp.verified ? 'verified' : `not verified: ${r.timestamp.problem ?? ''}`}`);
  for (const a of HASH_ALGORITHMS) if (r.hashes[a]) lines.push(`     ${HASH_LABEL[a].padEnd(8)} ${r.hashes[a]}`);
  for (const s of r.sidecars) lines.push(`     sidecar ${s.sidecar}: ${s.verdict} (${s.reason})`);
  if (r.warnings.length) lines.push(`     warnings: ${r.warnings.join(', ')}`);
  for (const n of r.notChecked) lines.push(`     not checked: ${n}`);
  return lines.join('\n');
}

/** `mwb verify FILE...`: exit 0 when every file is verified, 1 when any is not, 2 on usage errors. */
export const registerVerify: CommandModule = (program: Command) => {
  program
    .command('verify')
    .description('check hashes, checksum sidecars and Authenticode signatures (PowerShell scripts), offline')
    .argument('<file...>', 'files to verify (checksum files among them are used as sidecars)')
    .option('--trust <pem>', 'trust this root/intermediate certificate (PEM or DER); repeatable', collect, [])
    .option('--publisher <thumbprint>', 'accept only signers with this SHA-1 or SHA-256 thumbprint; repeatable', collect, [])
    .option('--crl <pem>', 'check revocation against this CRL; repeatable', collect, [])
    .option('--sidecar <file>', 'use this checksum file instead of looking next to each file; repeatable', collect, [])
    .option('--json', 'print one JSON object per file (file, kind, status, reasons, signer, hashes, sidecars)')
    .option('--project <file>', "also use this project's trust settings and keep the results in it (saved)")
    .action(async (files: string[], o: VerifyCliOptions, cmd: Command) => {
      const services = createNodeServices({ shell: 'browser', logger: consoleLogger('mwb', true) });
      try {
        if (o.project) {
          try {
            await services.project.open(o.project);
          } catch (err) {
            if (isWorkbenchError(err)) cmd.error(`mwb verify: ${err.message}`, { exitCode: EXIT.usage, code: 'mwb.usage' });
            throw err;
          }
        }
        const showProgress = !o.json && process.stderr.isTTY;
        const bar = new SingleBar({ format: '{label} [{bar}] {percentage}% | {value}/{total} MiB', stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        let barStarted = false;
        const off = showProgress
          ? services.events.subscribe((event, payload) => {
              if (event !== 'task.progress') return;
              const p = payload as TaskProgress;
              const mib = (n: number) => Math.round(n / 2 ** 20);
              if (p.state === 'running' && p.total) {
                if (!barStarted) bar.start(mib(p.total), 0, { label: p.label });
                barStarted = true;
                bar.update(mib(p.done), { label: p.message ?? p.label });
              } else if (p.state !== 'running' && barStarted) {
                bar.stop();
                barStarted = false;
              }
            })
          : () => undefined;
        let result;
        try {
          result = await services.verification.verify({
            paths: files,
            trust: { roots: o.trust, crls: o.crl, publishers: o.publisher },
            ...(o.sidecar.length ? { sidecars: o.sidecar } : {}),
            record: !!o.project,
          });
          if (o.project) await services.project.save();
        } catch (err) {
          if (isWorkbenchError(err, 'invalid-input') || isWorkbenchError(err, 'not-found')) {
            cmd.error(`mwb verify: ${err.message}`, { exitCode: EXIT.usage, code: 'mwb.usage' });
          }
          throw err;
        } finally {
          off();
          if (barStarted) bar.stop();
        }
        const byFile = new Map(files.map((f) => [path.resolve(f), f]));
        for (const r of result.reports) {
          process.stdout.write((o.json ? JSON.stringify(reportJson(r)) : human(r, byFile.get(r.file) ?? r.file)) + '\n');
        }
        for (const f of result.failures) {
          const shown = byFile.get(f.file) ?? f.file;
          if (o.json) process.stdout.write(JSON.stringify({ file: f.file, kind: null, status: 'Error', reasons: [f.code], error: f.message, signer: null, hashes: {}, sidecars: [] }) + '\n');
          else process.stdout.write(`FAIL ${shown}  ${f.message}\n`);
        }
        const allOk = result.failures.length === 0 && result.reports.every((r) => r.ok);
        process.exitCode = allOk ? EXIT.ok : EXIT.failed;
      } finally {
        await services.settings.flush();
        services.dispose();
      }
    });
};
