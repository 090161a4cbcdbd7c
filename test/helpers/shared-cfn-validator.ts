import type * as ValidatorModule from '../../main/services/cfn-validator.service';

type Validator = InstanceType<typeof ValidatorModule.CfnValidatorService>;

let shared: Validator | null = null;

/**
 * The validator module with one real engine per test file: every `new CfnValidatorService()` (each in-process CLI
 * run builds its own services) answers through the same worker, so AWS's wasm engine, whose start costs about
 * 15 CPU-seconds, starts once per file instead of once per command. Validation itself is unchanged (the same
 * engine, the same reports). Use it in a `vi.mock` factory with the module's `importOriginal()`, and call
 * `disposeSharedCfnValidator()` in `afterAll`:
 *
 *   vi.mock('…/main/services/cfn-validator.service', async (importOriginal) =>
 *     (await import('…/helpers/shared-cfn-validator')).withSharedCfnValidator(await importOriginal()));
 */
export function withSharedCfnValidator(actual: typeof ValidatorModule): typeof ValidatorModule {
  const engine = (): Validator => (shared ??= new actual.CfnValidatorService());
  class SharedCfnValidatorService {
    get engineKind(): Validator['engineKind'] {
      return engine().engineKind;
    }
    get version(): string {
      return engine().version;
    }
    warmUp(): Promise<void> {
      return engine().warmUp();
    }
    validate(...args: Parameters<Validator['validate']>): ReturnType<Validator['validate']> {
      return engine().validate(...args);
    }
    /** The engine outlives each command's services: disposeSharedCfnValidator() stops it. */
    dispose(): void {}
  }
  return { ...actual, CfnValidatorService: SharedCfnValidatorService as unknown as typeof actual.CfnValidatorService };
}

/** Stops the file's shared engine (afterAll). */
export function disposeSharedCfnValidator(): void {
  shared?.dispose();
  shared = null;
}
