import path from 'node:path';
import { startShellServer } from '../shell/http-server';
import { openNodeRuntime } from '../shell/node-runtime';
import { createHandlers } from '../ipc/handlers';
import { packageRoot } from '../platform/paths';
import { consoleLogger } from '../platform/logger';
import type { Services } from '../services/container';
import type { CfnValidatorService } from '../services/cfn-validator.service';
import { chromiumAssessmentPrinter } from '../shell/chromium-pdf';

export interface ServeOptions {
  port?: number;
  project?: string;
  token?: string;
  /** App data folder (settings, recovery copies); the user's one by default. */
  dataDir?: string;
  /** AWS's CloudFormation validator, owned by the caller (the e2e stories of one Playwright worker share one engine); absent: the shell's own. */
  cfnValidator?: CfnValidatorService;
}

/** Starts the browser shell and prints the line a browser (or a test) opens. */
export async function serve(opts: ServeOptions): Promise<{ url: string; services: Services; close(): Promise<void> }> {
  const logger = consoleLogger('mwb', true);
  // The browser shell's composition root: the runtime's store owns the services, the task service and the server.
  // The hand-off bundle's PDF report: headless Chromium prints the report page (the browser shell has no engine of its own).
  const runtime = openNodeRuntime({ shell: 'browser', logger, assessmentPdf: chromiumAssessmentPrinter(), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.cfnValidator ? { cfnValidator: opts.cfnValidator } : {}) });
  const { services } = runtime;
  // The app's schedules run while it serves (a one-shot CLI command never starts them).
  services.replicationJobs.enableSchedules();
  try {
    if (opts.project) await services.project.open(opts.project);
    else await services.project.openDemo();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const server = await startShellServer({
    handlers: createHandlers(services),
    events: services.events,
    logger,
    staticDir: path.join(packageRoot(), 'out', 'renderer'),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  // The server (its SSE event forwarding and IPC-like routes) closes first, then tasks, settings and services.
  runtime.owned.add(() => server.close());
  return { url: server.url, services, close: () => runtime.close() };
}

/** `mwb serve`: runs until Ctrl-C or SIGTERM. */
export async function serveAction(o: { port?: number; project?: string }): Promise<void> {
  // MWB_SHELL_TOKEN lets a test harness know the token in advance; people never need it.
  const server = await serve({ ...o, ...(process.env.MWB_SHELL_TOKEN ? { token: process.env.MWB_SHELL_TOKEN } : {}) });
  process.stdout.write(`Workbench: ${server.url}\n`);
  process.stdout.write('Open that URL in Chromium, Chrome, Edge or Firefox. Ctrl+C stops the workbench.\n');
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
