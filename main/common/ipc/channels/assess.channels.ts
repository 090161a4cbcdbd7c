import { z } from 'zod';
import { channel } from '../define';
import { InstanceCatalogSchema } from '../../model/instance-types';
import { AssessmentAssumptionsPatchSchema } from '../../model/assessment';
import { OsSupportDataSchema } from '../../assess/os-support';
import { EbsPricesSchema } from '../../assess/storage';

const path = z.string().min(1).max(4096);

export const assessChannels = {
  /** The bundled data the assessment reads (EC2 catalog, OS support lists, EBS prices); the renderer assesses with it. */
  'assess.reference': channel(z.object({}).strict(), z.object({ catalog: InstanceCatalogSchema, osSupport: OsSupportDataSchema, ebsPrices: EbsPricesSchema })),
  /**
   * Writes the hand-over workbook (.xlsx: summary, servers, findings, volumes, costs) for the open project with its
   * assumptions, overridden by `assumptions` when given.
   */
  'assess.saveReport': channel(z.object({ path, assumptions: AssessmentAssumptionsPatchSchema.optional() }).strict(), z.object({ path: z.string(), bytes: z.number() })),
} as const;
