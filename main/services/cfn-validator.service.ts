import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type * as Cfn from '@aws/cloudformation-validate';
import { WorkbenchError } from '../common/model/errors';
import { isBlocking, type CfnDiagnostic, type CfnValidationReport } from '../common/export/validation-report';

const require = createRequire(import.meta.url);

export type CfnEngineKind = 'rego' | 'cel';

export interface CfnValidatorOptions {
  /** Which of the package's two interchangeable engines (same rules, same diagnostics). */
  engine?: CfnEngineKind;
}

/**
 * AWS's offline CloudFormation validator (@aws/cloudformation-validate, pinned). The wasm engine
 * is built once, on first use (it takes seconds), and freed on dispose. Templates are validated
 * from memory: nothing is written before it has passed.
 */
export class CfnValidatorService {
  private engine: Cfn.Engine | null = null;
  private lib: typeof Cfn | null = null;
  readonly engineKind: CfnEngineKind;

  constructor(opts: CfnValidatorOptions = {}) {
    this.engineKind = opts.engine ?? 'rego';
  }

  private load(): { lib: typeof Cfn; engine: Cfn.Engine } {
    if (!this.lib) this.lib = require('@aws/cloudformation-validate') as typeof Cfn;
    if (!this.engine) {
      try {
        this.engine = this.engineKind === 'cel' ? new this.lib.CelEngine() : new this.lib.RegoEngine();
      } catch (err) {
        throw new WorkbenchError('internal', `The CloudFormation validator could not start: ${(err as Error).message}`);
      }
    }
    return { lib: this.lib, engine: this.engine };
  }

  /** Builds the engine now (for example while the user is still choosing options). */
  warmUp(): void {
    this.load();
  }

  get version(): string {
    return `@aws/cloudformation-validate ${this.load().lib.version()} (${this.engineKind})`;
  }

  validate(body: string, fileName: string, opts: { region?: string | undefined } = {}): CfnValidationReport {
    const { lib, engine } = this.load();
    const bytes = Buffer.from(body, 'utf8');
    // The engine reads the template through readBytes(); serve it from memory.
    class InMemoryTemplate extends lib.TemplateFile {
      override readBytes(): Uint8Array {
        return bytes;
      }
    }
    const started = performance.now();
    const report = engine.validateStandard(new InMemoryTemplate(fileName), {
      severityLevel: 'WARN',
      ...(opts.region ? { pseudoParameterOverrides: { region: opts.region } } : {}),
    });
    const diagnostics: CfnDiagnostic[] = report.diagnostics.map((d) => ({
      severity: d.severity,
      ruleId: d.ruleId,
      message: d.message,
      ...(d.entity?.logicalId ? { logicalId: d.entity.logicalId } : {}),
      ...(d.propertyPath ? { propertyPath: d.propertyPath } : {}),
      ...(d.startLine ? { line: d.startLine } : {}),
      blocking: isBlocking(d),
    }));
    return {
      fileName,
      ok: !diagnostics.some((d) => d.blocking),
      validator: `@aws/cloudformation-validate ${report.version} (${this.engineKind})`,
      durationMs: Math.round(performance.now() - started),
      diagnostics,
    };
  }

  dispose(): void {
    this.engine?.free();
    this.engine = null;
  }
}
