import os from 'node:os';
import path from 'node:path';
import { ProjectStore } from './project-store.service';
import { TaskService } from './tasks.service';
import { VerificationService } from './verification.service';
import { InventoryService } from './inventory/inventory.service';
import { EventHub } from '../platform/events';
import type { SettingsStore } from '../platform/settings';
import type { Logger } from '../platform/logger';
import { assetPath } from '../platform/paths';
import type { AppInfo } from '../common/ipc/channels/app.channels';
import { APP_VERSION } from '../platform/version';
import { InstanceCatalogService } from './instance-catalog.service';
import { CfnValidatorService } from './cfn-validator.service';
import { ExportService } from './export.service';
import { AssessmentService } from './assessment.service';
import { DiskImageService } from './disk-image.service';
import { ReplicationService } from './replication.service';
import { ReplicationJobsService } from './replication-jobs.service';
import { DiscoveryService } from './discovery/discovery.service';
import { MemorySecretStore, type SecretStore } from '../platform/secret-store';
import { MgnService } from './mgn.service';
import type { AssessmentPdfPrinter } from './report-pdf';

export interface ServicesOptions {
  shell: AppInfo['shell'];
  settings: SettingsStore;
  logger: Logger;
  dataDir: string;
  /** Saved connection passwords (Electron: safeStorage); by default held in memory for the session. */
  secrets?: SecretStore;
  /** Prints the assessment report for the hand-off bundle (Electron or headless Chromium); absent: the bundle says why not. */
  assessmentPdf?: AssessmentPdfPrinter;
  /** AWS's CloudFormation validator, owned by the caller (several shells in one process may share its engine, which takes seconds to start); absent: one of the graph's own, disposed with it. */
  cfnValidator?: CfnValidatorService;
}

/** The service graph, built once by each composition root (Electron, browser shell, CLI, tests). */
export interface Services {
  readonly info: AppInfo;
  readonly events: EventHub;
  readonly settings: SettingsStore;
  readonly logger: Logger;
  readonly tasks: TaskService;
  readonly project: ProjectStore;
  readonly verification: VerificationService;
  readonly inventory: InventoryService;
  readonly catalog: InstanceCatalogService;
  readonly cfnValidator: CfnValidatorService;
  readonly exporter: ExportService;
  readonly assessment: AssessmentService;
  readonly diskImages: DiskImageService;
  readonly replication: ReplicationService;
  readonly replicationJobs: ReplicationJobsService;
  readonly discovery: DiscoveryService;
  readonly mgn: MgnService;
  dispose(): void;
}

export function createServices(opts: ServicesOptions): Services {
  const events = new EventHub();
  const tasks = new TaskService(events);
  const project = new ProjectStore({
    settings: opts.settings,
    events,
    logger: opts.logger,
    demoPath: assetPath('demo', 'demo-estate.mwb.json'),
    recoveryDir: path.join(opts.dataDir, 'recovery'),
  });
  const inventory = new InventoryService({ project, tasks });
  const catalog = new InstanceCatalogService(assetPath('data', 'ec2-instance-types.json'));
  const cfnValidator = opts.cfnValidator ?? new CfnValidatorService();
  const replication = new ReplicationService({ project, dataDir: opts.dataDir });
  const replicationJobs = new ReplicationJobsService({ project, replication, events, settings: opts.settings, logger: opts.logger });
  const assessment = new AssessmentService({ catalog, osSupportFile: assetPath('data', 'aws-os-support.json'), ebsPricesFile: assetPath('data', 'ebs-prices.json'), document: () => project.document });
  const exporter = new ExportService({
    document: () => project.document,
    validator: cfnValidator,
    catalog,
    logger: opts.logger,
    assessmentReport: { workbook: (doc) => assessment.workbook(undefined, doc), ...(opts.assessmentPdf ? { pdf: opts.assessmentPdf } : {}) },
  });
  return {
    info: { name: 'Migration Workbench', version: APP_VERSION, shell: opts.shell, platform: process.platform, homeDir: os.homedir() },
    events,
    settings: opts.settings,
    logger: opts.logger,
    tasks,
    project,
    verification: new VerificationService({ project, tasks, logger: opts.logger }),
    inventory,
    catalog,
    cfnValidator,
    exporter,
    assessment,
    diskImages: new DiskImageService(),
    replication,
    replicationJobs,
    discovery: new DiscoveryService({ project, tasks, inventory, secrets: opts.secrets ?? new MemorySecretStore(), dataDir: opts.dataDir }),
    mgn: new MgnService({ project }),
    dispose() {
      replicationJobs.dispose();
      project.dispose();
      if (!opts.cfnValidator) cfnValidator.dispose();
    },
  };
}
