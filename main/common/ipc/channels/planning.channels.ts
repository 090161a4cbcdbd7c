import { z } from 'zod';
import { channel } from '../define';
import { InstanceTypeInfoSchema } from '../../model/instance-types';
import { CfnValidationReportSchema } from '../../export/validation-report';
import type { PlanIssue } from '../../assess/plan-validation';
import { LaunchSettingsPatchSchema } from '../../model/planning-edits';

const path = z.string().min(1).max(4096);

/** What to export: one application, a format and how launch groups wait for each other. */
export const ExportRequestSchema = z
  .object({
    applicationId: z.string().min(1).max(200),
    format: z.enum(['yaml', 'json']).default('yaml'),
    waitStrategy: z.enum(['depends-on', 'wait-condition']).default('depends-on'),
    waitTimeoutSeconds: z.number().int().min(60).max(43_200).optional(),
  })
  .strict();
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

export const ExportPreviewSchema = z.object({
  applicationId: z.string(),
  applicationName: z.string(),
  templates: z.array(z.object({ fileName: z.string(), part: z.number(), parts: z.number(), servers: z.number(), groups: z.array(z.string()), body: z.string(), bytes: z.number() })),
  planIssues: z.array(z.custom<PlanIssue>()),
  reports: z.array(CfnValidationReportSchema),
  /** What stops the export, if anything. */
  blockedBy: z.enum(['plan', 'validator']).nullable(),
  /** Set when the template could not even be built (the message says why). */
  buildError: z.string().nullable(),
});
export type ExportPreview = z.infer<typeof ExportPreviewSchema>;

export const ExportWrittenSchema = z.object({ written: z.array(z.string()), preview: ExportPreviewSchema });
export type ExportWritten = z.infer<typeof ExportWrittenSchema>;

/** An edited launch-settings sheet compared with the project (see main/common/export/launch-settings-table.ts). */
export const LaunchSettingsImportSchema = z.object({
  file: z.string(),
  changes: z.array(z.object({ serverId: z.string(), serverName: z.string(), field: z.string(), before: z.string(), after: z.string() })),
  entries: z.array(z.object({ serverId: z.string(), patch: LaunchSettingsPatchSchema })),
  problems: z.array(z.object({ row: z.number(), column: z.string().optional(), message: z.string() })),
  rows: z.number(),
  unchanged: z.number(),
});
export type LaunchSettingsImportResult = z.infer<typeof LaunchSettingsImportSchema>;

/** Applications, launch settings and CloudFormation export channels. */
export const planningChannels = {
  'planning.instanceTypes': channel(z.object({}).strict(), z.array(InstanceTypeInfoSchema)),
  /** Starts AWS's validator in its worker ahead of the first export (its start takes seconds). */
  'export.warmUp': channel(z.object({}).strict(), z.object({ validator: z.string() })),
  'export.preview': channel(ExportRequestSchema, ExportPreviewSchema),
  'export.saveTemplate': channel(z.object({ request: ExportRequestSchema, path }).strict(), ExportWrittenSchema),
  'export.saveLaunchSettings': channel(z.object({ path, format: z.enum(['csv', 'xlsx']), applicationId: z.string().min(1).max(200).optional() }).strict(), z.object({ written: z.string(), rows: z.number() })),
  /** Reads an edited sheet and returns the differences; applying them is one `launchSettings.setEach` edit. */
  'export.readLaunchSettings': channel(z.object({ path }).strict(), LaunchSettingsImportSchema),
  'export.saveBundle': channel(z.object({ request: ExportRequestSchema, path, zip: z.boolean().default(false) }).strict(), ExportWrittenSchema),
} as const;
