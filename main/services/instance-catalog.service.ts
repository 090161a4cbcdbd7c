import { readFileSync } from 'node:fs';
import { WorkbenchError } from '../common/model/errors';
import { indexCatalog, InstanceCatalogSchema, type InstanceCatalogIndex, type InstanceTypeInfo } from '../common/model/instance-types';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;

/**
 * Adds to each row the data date of each of its prices, from the provenance file shipped next to the
 * catalog (`perType[type].prices[region][os]` names a source whose `dataDate` is known). Without that file the
 * rows are served without dates (the picker then says the date is unknown).
 */
function withPriceDates(rows: InstanceTypeInfo[], sourcesFile: string): InstanceTypeInfo[] {
  let sources: { sources?: Record<string, { dataDate?: string }>; perType?: Record<string, { prices?: Record<string, Record<string, string | null>> }> };
  try {
    sources = JSON.parse(readFileSync(sourcesFile, 'utf8')) as typeof sources;
  } catch {
    return rows;
  }
  const date = (id: string | null | undefined) => (id && sources.sources?.[id]?.dataDate ? sources.sources[id]!.dataDate!.slice(0, 10) : null);
  return rows.map((r) => {
    const p = sources.perType?.[r.type]?.prices;
    if (!p) return r;
    const priceDates = Object.fromEntries(REGIONS.map((region) => [region, { linux: r.priceUsdHour[region].linux === null ? null : date(p[region]?.linux), windows: r.priceUsdHour[region].windows === null ? null : date(p[region]?.windows) }])) as NonNullable<InstanceTypeInfo['priceDates']>;
    return { ...r, priceDates };
  });
}

/** The bundled EC2 instance catalog (assets/data/ec2-instance-types.json), read once on first use. */
export class InstanceCatalogService {
  private rows: InstanceTypeInfo[] | null = null;
  private index: InstanceCatalogIndex | null = null;

  constructor(private readonly file: string) {}

  list(): InstanceTypeInfo[] {
    if (!this.rows) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(this.file, 'utf8'));
      } catch (err) {
        throw new WorkbenchError('internal', `The bundled EC2 catalog could not be read (${(err as Error).message}). Reinstall the workbench.`);
      }
      const parsed = InstanceCatalogSchema.safeParse(raw);
      if (!parsed.success) throw new WorkbenchError('internal', `The bundled EC2 catalog is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
      this.rows = withPriceDates(parsed.data, this.file.replace(/\.json$/, '.sources.json'));
    }
    return this.rows;
  }

  lookup(): InstanceCatalogIndex {
    this.index ??= indexCatalog(this.list());
    return this.index;
  }
}
