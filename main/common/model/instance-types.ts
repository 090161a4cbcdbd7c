import { z } from 'zod';

const PriceSchema = z.object({ linux: z.number().nullable(), windows: z.number().nullable() });
const PriceDateSchema = z.object({ linux: z.string().nullable(), windows: z.string().nullable() });

/** One row of the bundled EC2 catalog (assets/data/ec2-instance-types.json; see its PROVENANCE.md). */
export const InstanceTypeInfoSchema = z.object({
  type: z.string().min(1),
  family: z.string(),
  generation: z.number().int().nullable(),
  vcpu: z.number().int().positive(),
  memoryGiB: z.number().positive(),
  arch: z.enum(['x86_64', 'arm64']),
  instanceStorageGiB: z.number().nonnegative().nullable(),
  network: z.string().nullable(),
  priceUsdHour: z.object({ 'us-east-1': PriceSchema, 'eu-west-1': PriceSchema }),
  /** The data date (YYYY-MM-DD) of each price's source, from ec2-instance-types.sources.json; added when served. */
  priceDates: z.object({ 'us-east-1': PriceDateSchema, 'eu-west-1': PriceDateSchema }).optional(),
});
export type InstanceTypeInfo = z.infer<typeof InstanceTypeInfoSchema>;
export const InstanceCatalogSchema = z.array(InstanceTypeInfoSchema);

export type InstanceArch = InstanceTypeInfo['arch'] | 'i386';

/** What a lookup needs: the catalog keyed by type name. */
export type InstanceCatalogIndex = ReadonlyMap<string, InstanceTypeInfo>;

export function indexCatalog(rows: readonly InstanceTypeInfo[]): InstanceCatalogIndex {
  return new Map(rows.map((r) => [r.type, r]));
}

/** The CPU architecture of a source server, as far as its OS string tells. */
export function sourceArchitecture(os: { configured?: string | undefined; reported?: string | undefined }): InstanceArch {
  const text = `${os.reported ?? ''} ${os.configured ?? ''}`;
  if (/\b(arm64|aarch64|arm)\b/i.test(text)) return 'arm64';
  if (/32-bit|\bi[3-6]86\b|\bx86\b(?!_64)/i.test(text)) return 'i386';
  return 'x86_64';
}
