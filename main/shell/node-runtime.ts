import path from 'node:path';
import { createServices, type Services } from '../services/container';
import { FileSettingsStore } from '../platform/settings';
import { appDataDir } from '../platform/paths';
import { consoleLogger, type Logger } from '../platform/logger';
import { DisposableStore } from '../platform/disposables';
import type { AppInfo } from '../common/ipc/channels/app.channels';
import type { AssessmentPdfPrinter } from '../services/report-pdf';
import type { CfnValidatorService } from '../services/cfn-validator.service';

export interface NodeRuntimeOptions {
  shell: AppInfo['shell'];
  logger?: Logger;
  dataDir?: string;
  /** The hand-off bundle's PDF report printer (`mwb serve`: headless Chromium, see chromium-pdf.ts). */
  assessmentPdf?: AssessmentPdfPrinter;
  /** A validator the caller owns and shares (see ServicesOptions.cfnValidator). */
  cfnValidator?: CfnValidatorService;
}

/** The service graph of a plain-Node composition root (browser shell, CLI) and the store of what it owns. */
export interface NodeRuntime {
  readonly services: Services;
  /** Disposed by `close()`, last added first: the root adds its server, subscriptions and forwarding here. */
  readonly owned: DisposableStore;
  /** Cancels running tasks, writes the settings, disposes the services and everything the root added. */
  close(): Promise<void>;
}

/** Builds the service graph for plain Node (browser shell, CLI): settings in a JSON file. */
export function openNodeRuntime(opts: NodeRuntimeOptions): NodeRuntime {
  // The AWS SDK warns on its first client under Node < 22 that its releases after January 2027 will need Node 22; the
  // version in package-lock.json supports this Node, and the notice is not for a consultant. The browser shell (`mwb
  // serve`, and `serve()` where a test harness starts it in its own process) makes clients in this process for the
  // AMI step and the staging objects; the CLI's entry and the replication worker set the same (cli.ts, engine/job.ts).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = opts.dataDir ?? appDataDir();
  const services = createServices({
    shell: opts.shell,
    settings: new FileSettingsStore(path.join(dataDir, 'settings.json')),
    logger: opts.logger ?? consoleLogger('mwb', true),
    dataDir,
    ...(opts.assessmentPdf ? { assessmentPdf: opts.assessmentPdf } : {}),
    ...(opts.cfnValidator ? { cfnValidator: opts.cfnValidator } : {}),
  });
  const owned = new DisposableStore();
  owned.add(() => services.dispose());
  owned.add(() => services.settings.flush());
  owned.add(services.tasks);
  return { services, owned, close: () => owned.dispose() };
}

/** The services of a command that runs and ends; `dispose()` resolves once everything is closed. */
export type NodeServices = Omit<Services, 'dispose'> & { dispose(): Promise<void> };

/**
 * The services alone, for a CLI command that runs and ends: its `dispose()` closes the runtime's store (running
 * tasks cancelled, settings written, services disposed) and resolves when that is done, so a command that awaits it
 * leaves no listener or timer behind. A failure to close is logged, not thrown.
 */
export function createNodeServices(opts: NodeRuntimeOptions): NodeServices {
  const runtime = openNodeRuntime(opts);
  return {
    ...runtime.services,
    dispose: () => runtime.close().catch((err: unknown) => runtime.services.logger.warn('closing the services failed', { error: String(err) })),
  };
}
