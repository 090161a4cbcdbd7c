import { z } from 'zod';

/** Regions the bundled price data covers (assets/data: EC2 catalog and EBS prices). */
export const ASSESSMENT_REGIONS = ['us-east-1', 'eu-west-1'] as const;
export const AssessmentRegionSchema = z.enum(ASSESSMENT_REGIONS);
export type AssessmentRegion = z.infer<typeof AssessmentRegionSchema>;

/**
 * How instance hours are counted. Only On-Demand prices are bundled, so the models differ in hours:
 * always on (730 h a month) or business hours (12 h × 5 days × 52 weeks ÷ 12 ≈ 260 h, instances stopped otherwise).
 */
export const PricingModelSchema = z.enum(['on-demand', 'on-demand-business-hours']);
export type PricingModel = z.infer<typeof PricingModelSchema>;

/** Instance families the right-sizing may propose (by the letter AWS names them with). */
export const FamilyClassSchema = z.enum(['general', 'compute', 'memory']);
export type FamilyClass = z.infer<typeof FamilyClassSchema>;

const fields = {
  region: AssessmentRegionSchema,
  /** Percent added on top of the measured peak (or of the allocation when nothing was measured). */
  headroomPct: z.number().min(0).max(200),
  /** Size from utilization when the source measured it; otherwise from the allocation. */
  useUtilization: z.boolean(),
  pricingModel: PricingModelSchema,
  burstableAllowed: z.boolean(),
  currentGenerationOnly: z.boolean(),
  families: z.array(FamilyClassSchema).min(1).max(3),
  /** Whether a replication agent may be installed in the guests (block-level replication like MGN needs one). */
  agentAllowed: z.boolean(),
  /** The recovery point the cutover tolerates: minutes needs continuous replication. */
  rpo: z.enum(['minutes', 'hours', 'day']),
  /** A server whose CPU peak is below this percent is proposed for retirement. */
  idleCpuPct: z.number().min(0).max(100),
};

/** Some assumptions (what the project stores and an edit changes); the others keep their value or default. */
export const AssessmentAssumptionsPatchSchema = z.object(fields).partial().strict();
export type AssessmentAssumptionsPatch = z.infer<typeof AssessmentAssumptionsPatchSchema>;

/** The consultant's assumptions for the assessment, every one with its default. */
export const AssessmentAssumptionsSchema = z.object({
  region: fields.region.default('us-east-1'),
  headroomPct: fields.headroomPct.default(20),
  useUtilization: fields.useUtilization.default(true),
  pricingModel: fields.pricingModel.default('on-demand'),
  burstableAllowed: fields.burstableAllowed.default(true),
  currentGenerationOnly: fields.currentGenerationOnly.default(true),
  families: fields.families.default(['general', 'compute', 'memory']),
  agentAllowed: fields.agentAllowed.default(true),
  rpo: fields.rpo.default('minutes'),
  idleCpuPct: fields.idleCpuPct.default(2),
});
export type AssessmentAssumptions = z.infer<typeof AssessmentAssumptionsSchema>;
export type AssessmentAssumptionsInput = z.input<typeof AssessmentAssumptionsSchema>;

export const DEFAULT_ASSUMPTIONS: AssessmentAssumptions = AssessmentAssumptionsSchema.parse({});

/** Stored in the project document as `assessment` (optional; absent in files written before it existed). */
export const AssessmentStateSchema = z.object({ assumptions: AssessmentAssumptionsPatchSchema.default({}) });
export type AssessmentState = z.infer<typeof AssessmentStateSchema>;

export function resolveAssumptions(...layers: Array<Partial<AssessmentAssumptions> | undefined>): AssessmentAssumptions {
  const merged: Partial<AssessmentAssumptions> = {};
  for (const l of layers) if (l) for (const [k, v] of Object.entries(l)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return AssessmentAssumptionsSchema.parse(merged);
}
