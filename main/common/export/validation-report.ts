import { z } from 'zod';

/** One finding of AWS's CloudFormation validator, reduced to what the UI and CLI show. */
export const CfnDiagnosticSchema = z.object({
  severity: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']),
  ruleId: z.string(),
  message: z.string(),
  logicalId: z.string().optional(),
  propertyPath: z.string().optional(),
  line: z.number().int().optional(),
  /** True when this finding stops the export (errors, and invalid enum values). */
  blocking: z.boolean(),
  /** What the workbench adds where the validator's advice reads wrong for our templates (see RULE_NOTES). */
  note: z.string().optional(),
});
export type CfnDiagnostic = z.infer<typeof CfnDiagnosticSchema>;

export const CfnValidationReportSchema = z.object({
  fileName: z.string(),
  ok: z.boolean(),
  validator: z.string(),
  durationMs: z.number(),
  diagnostics: z.array(CfnDiagnosticSchema),
});
export type CfnValidationReport = z.infer<typeof CfnValidationReportSchema>;

/** Rule ids that block an export although the validator files them as warnings. */
export const BLOCKING_WARNING_RULES: ReadonlySet<string> = new Set(['W3030']); // value not one of the allowed enum values

/**
 * Notes for findings whose advice our templates already follow in their own way. W9010 ("Hardcoded AMI ID - use a
 * parameter or mapping") fires when an instance's ImageId resolves to a parameter default: ours is an
 * `AWS::EC2::Image::Id` parameter whose default is the server's latest replicated AMI, so the finding only means that
 * this default exists in one Region.
 */
export const RULE_NOTES: Readonly<Record<string, string>> = {
  W9010: 'The AMI is already a template parameter: its default is the server’s latest replicated AMI, which exists only in the Region it was made in. Give another AMI when you launch the stack elsewhere.',
};

export function isBlocking(d: { severity: string; ruleId: string }): boolean {
  return d.severity === 'ERROR' || d.severity === 'FATAL' || BLOCKING_WARNING_RULES.has(d.ruleId);
}

export function formatDiagnostic(fileName: string, d: CfnDiagnostic): string {
  const where = [d.logicalId, d.propertyPath].filter(Boolean).join('.');
  return `${fileName}${d.line ? `:${d.line}` : ''}: ${d.severity} ${d.ruleId}${where ? ` [${where}]` : ''}: ${d.message}${d.note ? ` (${d.note})` : ''}`;
}
