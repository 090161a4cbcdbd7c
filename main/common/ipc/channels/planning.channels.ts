import { z } from 'zod';
import { channel } from '../define';
import { InstanceTypeInfoSchema } from '../../model/instance-types';
import { CfnValidationReportSchema } from '../../export/validation-report';
import type { PlanIssue } from '../../assess/plan-validation';

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

/** Applications, launch settings and CloudFormation export channels. */
export const planningChannels = {
  'planning.instanceTypes': channel(z.object({}).strict(), z.array(InstanceTypeInfoSchema)),
  /** Starts AWS's validator in its worker ahead of the first export (its start takes seconds). */
  'export.warmUp': channel(z.object({}).strict(), z.object({ validator: z.string() })),
  'export.preview': channel(ExportRequestSchema, ExportPreviewSchema),
  'export.saveTemplate': channel(z.object({ request: ExportRequestSchema, path }).strict(), ExportWrittenSchema),
  'export.saveBundle': channel(z.object({ request: ExportRequestSchema, path, zip: z.boolean().default(false) }).strict(), ExportWrittenSchema),
} as const;
