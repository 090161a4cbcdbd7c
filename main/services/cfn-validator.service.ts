import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../common/model/errors';
import { isBlocking, RULE_NOTES, type CfnDiagnostic, type CfnValidationReport } from '../common/export/validation-report';

const require = createRequire(import.meta.url);

export type CfnEngineKind = 'rego' | 'cel';

export interface CfnValidatorOptions {
  /** Which of the package's two interchangeable engines (same rules, same diagnostics). */
  engine?: CfnEngineKind;
  /** Longest a single validation may take before the worker is stopped. */
  timeoutMs?: number;
}

interface RawDiagnostic {
  severity: CfnDiagnostic['severity'];
  ruleId: string;
  message: string;
  entity?: { logicalId?: string };
  propertyPath?: string;
  startLine?: number;
}
type Reply = { id: number; ok: true; version?: string; diagnostics?: RawDiagnostic[]; ms?: number } | { id: number; ok: false; error: string };

/**
 * The worker: loads the pinned package, builds the wasm engine once, validates templates from
 * memory (the engine reads them through readBytes()). Plain CommonJS so that it runs as an eval
 * worker from the sources (tsx, vitest) and from the bundles alike.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.modulePath);
let engine = null;
parentPort.on('message', (msg) => {
  try {
    if (!engine) engine = workerData.engine === 'cel' ? new lib.CelEngine() : new lib.RegoEngine();
    if (msg.kind === 'warm') return parentPort.postMessage({ id: msg.id, ok: true, version: lib.version() });
    const bytes = Buffer.from(msg.body, 'utf8');
    class InMemoryTemplate extends lib.TemplateFile { readBytes() { return bytes; } }
    const started = performance.now();
    const report = engine.validateStandard(new InMemoryTemplate(msg.fileName), msg.config);
    const diagnostics = report.diagnostics.map((d) => ({ severity: d.severity, ruleId: d.ruleId, message: d.message, entity: d.entity ? { logicalId: d.entity.logicalId } : undefined, propertyPath: d.propertyPath, startLine: d.startLine }));
    parentPort.postMessage({ id: msg.id, ok: true, version: report.version, diagnostics, ms: performance.now() - started });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: String((err && err.message) || err) });
  }
});
`;

/**
 * AWS's offline CloudFormation validator (@aws/cloudformation-validate, pinned) in a worker
 * thread: its wasm engine takes seconds to start and to check a large template, and the shell's
 * main thread must keep serving the UI meanwhile. Nothing is written before a template passed.
 */
export class CfnValidatorService {
  readonly engineKind: CfnEngineKind;
  private readonly timeoutMs: number;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private packageVersion: string | null = null;

  constructor(opts: CfnValidatorOptions = {}) {
    // CEL: same rules and diagnostics as Rego (the package documents them as interchangeable), about 10x faster here.
    this.engineKind = opts.engine ?? 'cel';
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    let modulePath: string;
    try {
      modulePath = require.resolve('@aws/cloudformation-validate');
    } catch {
      throw new WorkbenchError('internal', 'The CloudFormation validator (@aws/cloudformation-validate) is not installed. Reinstall the workbench.');
    }
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath, engine: this.engineKind } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(reply.id);
      p.resolve(reply);
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new WorkbenchError('internal', `The CloudFormation validator stopped: ${err.message}`));
      }
      this.pending.clear();
      this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size) fail(new Error(`worker exited with code ${code}`));
      this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  private request(message: Record<string, unknown>): Promise<Reply> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        void worker.terminate();
        this.worker = null;
        reject(new WorkbenchError('internal', `The CloudFormation validator took longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped.`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, ...message });
    });
  }

  /** Starts the engine now (it takes seconds), for example when the Export screen opens. */
  async warmUp(): Promise<void> {
    const r = await this.request({ kind: 'warm' });
    if (r.ok && r.version) this.packageVersion = r.version;
  }

  get version(): string {
    return `@aws/cloudformation-validate ${this.packageVersion ?? '1.9.0-beta'} (${this.engineKind})`;
  }

  async validate(body: string, fileName: string, opts: { region?: string | undefined } = {}): Promise<CfnValidationReport> {
    const started = performance.now();
    const config = { severityLevel: 'WARN', ...(opts.region ? { pseudoParameterOverrides: { region: opts.region } } : {}) };
    const reply = await this.request({ kind: 'validate', body, fileName, config });
    if (!reply.ok) throw new WorkbenchError('internal', `The CloudFormation validator failed on ${fileName}: ${reply.error}`);
    if (reply.version) this.packageVersion = reply.version;
    const diagnostics: CfnDiagnostic[] = (reply.diagnostics ?? []).map((d) => ({
      severity: d.severity,
      ruleId: d.ruleId,
      message: d.message,
      ...(d.entity?.logicalId ? { logicalId: d.entity.logicalId } : {}),
      ...(d.propertyPath ? { propertyPath: d.propertyPath } : {}),
      ...(d.startLine ? { line: d.startLine } : {}),
      blocking: isBlocking(d),
      ...(RULE_NOTES[d.ruleId] ? { note: RULE_NOTES[d.ruleId] } : {}),
    }));
    return {
      fileName,
      ok: !diagnostics.some((d) => d.blocking),
      validator: this.version,
      durationMs: Math.round(performance.now() - started),
      diagnostics,
    };
  }

  dispose(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new WorkbenchError('cancelled', 'The workbench is closing.'));
    }
    this.pending.clear();
    void this.worker?.terminate();
    this.worker = null;
  }
}
