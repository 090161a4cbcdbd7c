import path from 'node:path';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { Presets, SingleBar } from 'cli-progress';
import { consoleLogger, type Logger } from '../platform/logger';
import { EventHub } from '../platform/events';
import { FileSettingsStore } from '../platform/settings';
import { appDataDir, assetPath } from '../platform/paths';
import { ProjectStore } from '../services/project-store.service';
import { TaskService } from '../services/tasks.service';
import { VerificationService } from '../services/verification.service';
import { EXIT } from './context';
import { isWorkbenchError } from '../common/model/errors';
import { anchorText, reasonText, reportJson } from '../common/verify/report-format';
import { HASH_LABEL, HASH_ALGORITHMS, type HashAlgorithm } from '../common/verify/hashes';
import type { VerificationReport } from '../common/verify/report';
import type { TaskProgress } from '../common/ipc/events';

interface VerifyCliOptions {
  trust: string[];
  publisher: string[];
  crl: string[];
  sidecar: string[];
  json?: boolean;
  project?: string;
  hash?: HashAlgorithm[];
}

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

/**
 * The part of the service graph `mwb verify` uses (as `createServices` builds it: events, tasks, settings, project
 * store, verification). The whole graph would load the inventory readers, exporters, disk-image readers and
 * discovery on every run: about half of the command's start-up, paid before hashing can begin.
 */
function verifyServices(logger: Logger) {
  const dataDir = appDataDir();
  const events = new EventHub();
  const tasks = new TaskService(events);
  const settings = new FileSettingsStore(path.join(dataDir, 'settings.json'));
  const project = new ProjectStore({ settings, events, logger, demoPath: assetPath('demo', 'demo-estate.mwb.json'), recoveryDir: path.join(dataDir, 'recovery') });
  const verification = new VerificationService({ project, tasks, logger });
  return {
    events,
    tasks,
    settings,
    project,
    verification,
    /** Running tasks cancelled, timers stopped, preferences written. */
    async close(): Promise<void> {
      tasks.dispose();
      project.dispose();
      await settings.flush();
    },
  };
}

/**
 * `mwb verify FILE...`: exit 0 when every file is verified, 1 when any is not, 2 on usage errors, 130 when
 * interrupted by Ctrl-C (the hashing stops, nothing is recorded, a second Ctrl-C exits at once).
 */
export async function verifyAction(files: string[], o: VerifyCliOptions, cmd: Command): Promise<void> {
  const services = verifyServices(consoleLogger('mwb', true));
  const taskId = randomUUID();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    services.tasks.cancel(taskId);
  };
  process.on('SIGINT', onSigint);
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
        ...(o.hash ? { algorithms: o.hash } : {}),
        record: !!o.project,
        taskId,
      });
      if (o.project) await services.project.save();
    } catch (err) {
      if (interrupted || isWorkbenchError(err, 'cancelled')) {
        if (barStarted) bar.stop();
        barStarted = false;
        process.stderr.write('mwb verify: interrupted (Ctrl-C); nothing was recorded.\n');
        process.exitCode = EXIT.interrupted;
        return;
      }
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
    process.off('SIGINT', onSigint);
    await services.close();
  }
}
