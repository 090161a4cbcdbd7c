import { readFileSync } from 'node:fs';
import { WorkbenchError } from '../common/model/errors';
import { indexCatalog, InstanceCatalogSchema, type InstanceCatalogIndex, type InstanceTypeInfo } from '../common/model/instance-types';

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
      this.rows = parsed.data;
    }
    return this.rows;
  }

  lookup(): InstanceCatalogIndex {
    this.index ??= indexCatalog(this.list());
    return this.index;
  }
}
