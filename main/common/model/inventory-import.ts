import { z } from 'zod';
import type { ProjectDocument } from './project';
import { totalProvisionedMiB, totalUsedMiB, type Server } from './server';

/** The inventory formats the workbench reads; each has one importer in the registry. */
export const ImporterKindSchema = z.enum(['rvtools', 'migration-hub-csv', 'azure-migrate-csv', 'cmf-intake-csv', 'sms-json', 'azure-migrate-dependencies']);
export type ImporterKind = z.infer<typeof ImporterKindSchema>;

export const IMPORTER_LABELS: Record<ImporterKind, string> = {
  rvtools: 'RVTools export',
  'migration-hub-csv': 'AWS Migration Hub import CSV',
  'azure-migrate-csv': 'Azure Migrate CSV',
  'cmf-intake-csv': 'Cloud Migration Factory intake CSV',
  'sms-json': 'AWS SMS GetServers JSON',
  'azure-migrate-dependencies': 'Azure Migrate dependency export (agentless)',
};

/** A row the importer could not use, said precisely enough to fix it in the source file. */
export const SkippedRowSchema = z.object({
  file: z.string(),
  sheet: z.string().optional(),
  row: z.number().int().nonnegative(),
  column: z.string().optional(),
  value: z.string().optional(),
  reason: z.string(),
});
export type SkippedRow = z.infer<typeof SkippedRowSchema>;

export const ImportReportSchema = z.object({
  importId: z.string(),
  files: z.array(z.object({ path: z.string(), kind: ImporterKindSchema, servers: z.number().int() })),
  servers: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  gone: z.array(z.object({ id: z.string(), name: z.string() })),
  removed: z.number().int(),
  skipped: z.array(SkippedRowSchema),
  warnings: z.array(z.string()),
  /** The skipped list is capped for transport; this is the real count. */
  skippedTotal: z.number().int(),
  /** Dependencies (network connections) read from the files, after folding time-slot rows together. */
  connections: z.number().int(),
  connectionsAdded: z.number().int(),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

/** Identity keys of a server, strongest first; two servers sharing one of them are the same machine. */
export function identityKeys(s: Server): string[] {
  const keys: string[] = [];
  const lc = (v: string | undefined) => (v ? v.trim().toLowerCase() : '');
  const mgr = lc(s.vmManager.id) || lc(s.vmManager.name);
  if (lc(s.identity.instanceUuid)) keys.push(`iuuid:${lc(s.identity.instanceUuid)}`);
  if (lc(s.identity.smbiosUuid)) keys.push(`uuid:${lc(s.identity.smbiosUuid)}`);
  if (lc(s.identity.biosUuid)) keys.push(`uuid:${lc(s.identity.biosUuid)}`);
  if (lc(s.identity.moref) && mgr) keys.push(`moref:${mgr}|${lc(s.identity.moref)}`);
  if (lc(s.identity.externalId)) keys.push(`ext:${lc(s.identity.externalId)}`);
  if (lc(s.identity.fqdn)) keys.push(`fqdn:${lc(s.identity.fqdn)}`);
  keys.push(`name:${lc(s.name)}`);
  return keys;
}

/** Structural equality that ignores key order and undefined-valued keys (a saved and reloaded server equals the original). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => sameValue(ao[k], bo[k]));
}

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Fields the incoming server defines win; fields it lacks keep their previous value. */
function mergeObject<T extends Record<string, unknown>>(prev: T, next: T): T {
  const out: Record<string, unknown> = { ...prev };
  for (const [k, v] of Object.entries(next)) if (!isEmptyValue(v)) out[k] = v;
  return out as T;
}

/**
 * Folds a re-imported server into the one already in the project. The id (which planning
 * references) stays; imported facts replace imported facts; tags the user added by hand
 * (they have no `tags.*` provenance) survive.
 */
export function mergeServer(prev: Server, next: Server): Server {
  const userTags: Record<string, string> = {};
  for (const [k, v] of Object.entries(prev.tags)) if (!prev.provenance[`tags.${k}`]) userTags[k] = v;
  const merged: Server = {
    ...prev,
    name: next.name || prev.name,
    source: next.source,
    vmManager: mergeObject(prev.vmManager, next.vmManager),
    identity: mergeObject(prev.identity, next.identity),
    place: mergeObject(prev.place, next.place),
    state: next.state.power === 'unknown' ? { ...next.state, power: prev.state.power } : next.state,
    os: { ...mergeObject(prev.os, next.os), family: next.os.family === 'unknown' ? prev.os.family : next.os.family },
    firmware: next.firmware.type === 'unknown' ? prev.firmware : next.firmware,
    cpu: next.cpu.vcpus > 0 ? next.cpu : prev.cpu,
    memoryMiB: next.memoryMiB > 0 ? next.memoryMiB : prev.memoryMiB,
    disks: next.disks.length ? next.disks : prev.disks,
    ...(next.storage ?? prev.storage ? { storage: next.storage ?? prev.storage } : {}),
    partitions: next.partitions.length ? next.partitions : prev.partitions,
    nics: next.nics.length ? next.nics : prev.nics,
    snapshots: next.snapshots.length || next.source.kind === 'rvtools' ? next.snapshots : prev.snapshots,
    tags: { ...prev.tags, ...next.tags, ...userTags },
    provenance: { ...prev.provenance, ...next.provenance },
  };
  const cbt = next.cbt ?? prev.cbt;
  if (cbt !== undefined) merged.cbt = cbt;
  const annotation = next.annotation ?? prev.annotation;
  if (annotation !== undefined) merged.annotation = annotation;
  // Figures measured over a period (`samples`) are not replaced by a reading of one moment (quick stats, an RVTools
  // export); the provenance of the utilization kept is the one that goes with it.
  const keepPrev = next.utilization === undefined || (prev.utilization?.samples !== undefined && next.utilization.samples === undefined);
  const utilization = keepPrev ? prev.utilization : next.utilization;
  if (utilization !== undefined) merged.utilization = utilization;
  const owner = keepPrev ? prev : next;
  for (const k of Object.keys(merged.provenance)) if (k === 'utilization' || k.startsWith('utilization.')) delete merged.provenance[k];
  for (const [k, v] of Object.entries(owner.provenance)) if (k === 'utilization' || k.startsWith('utilization.')) merged.provenance[k] = v;
  return merged;
}

export interface MergeResult {
  servers: Server[];
  added: number;
  updated: number;
  unchanged: number;
  gone: { id: string; name: string }[];
  removed: number;
}

/**
 * Merges imported servers into the inventory by identity: matched servers are updated in place
 * (ids kept), new ones appended, nothing duplicated. Servers of the same source that the export no
 * longer lists are reported as gone, and removed only when asked.
 */
export function mergeInventory(existing: Server[], incoming: Server[], opts: { newId: () => string; removeGone?: boolean }): MergeResult {
  const byKey = new Map<string, number>();
  existing.forEach((s, i) => {
    for (const k of identityKeys(s)) if (!byKey.has(k)) byKey.set(k, i);
  });
  const result = existing.slice();
  const touched = new Set<number>();
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const inc of incoming) {
    let at: number | undefined;
    for (const k of identityKeys(inc)) {
      const i = byKey.get(k);
      if (i !== undefined && !touched.has(i)) {
        at = i;
        break;
      }
    }
    if (at === undefined) {
      const s = { ...inc, id: opts.newId() };
      const i = result.push(s) - 1;
      touched.add(i);
      for (const k of identityKeys(s)) if (!byKey.has(k)) byKey.set(k, i);
      added++;
    } else {
      const prev = result[at]!;
      const next = { ...mergeServer(prev, inc), id: prev.id };
      touched.add(at);
      if (sameValue(next, prev)) unchanged++;
      else {
        result[at] = next;
        updated++;
      }
    }
  }
  // "Same source" is the same VM manager (vCenter) of the same kind when known: next month's export
  // has another file name. Without a manager, any server of that kind without one is in scope.
  const scope = (s: Server) => `${s.source.kind}|${(s.vmManager.id ?? s.vmManager.name ?? '*').toLowerCase()}`;
  const sources = new Set(incoming.map(scope));
  const gone: { id: string; name: string }[] = [];
  existing.forEach((s, i) => {
    if (!touched.has(i) && sources.has(scope(s))) gone.push({ id: s.id, name: s.name });
  });
  let servers = result;
  let removed = 0;
  if (opts.removeGone && gone.length) {
    const goneIds = new Set(gone.map((g) => g.id));
    servers = result.filter((s) => !goneIds.has(s.id));
    removed = gone.length;
  }
  return { servers, added, updated, unchanged, gone, removed };
}

/** One line of the server catalog: the compact projection the renderer lists, sorts and filters. */
export interface CatalogRow {
  id: string;
  name: string;
  source: string;
  sourceKind: string;
  vmManager: string;
  power: string;
  template: boolean;
  os: string;
  osFamily: string;
  datacenter: string;
  cluster: string;
  host: string;
  folder: string;
  vcpus: number;
  memoryMiB: number;
  provisionedMiB: number;
  usedMiB: number;
  disks: number;
  nics: number;
  ip: string;
  firmware: string;
  tags: string[];
}

export function catalogRow(s: Server): CatalogRow {
  const provisioned = totalProvisionedMiB(s);
  const used = totalUsedMiB(s);
  return {
    id: s.id,
    name: s.name,
    source: s.source.name,
    sourceKind: s.source.kind,
    vmManager: s.vmManager.name ?? s.vmManager.type,
    power: s.state.power,
    template: s.state.template,
    os: s.os.reported ?? s.os.configured ?? '',
    osFamily: s.os.family,
    datacenter: s.place.datacenter ?? '',
    cluster: s.place.cluster ?? '',
    host: s.place.host ?? '',
    folder: s.place.folder ?? '',
    vcpus: s.cpu.vcpus,
    memoryMiB: s.memoryMiB,
    provisionedMiB: provisioned,
    usedMiB: used,
    disks: s.disks.length,
    nics: s.nics.length,
    ip: s.nics.flatMap((n) => n.ipv4)[0] ?? '',
    firmware: s.firmware.type,
    tags: Object.entries(s.tags).map(([k, v]) => (v ? `${k}=${v}` : k)),
  };
}

export function catalogRows(doc: ProjectDocument): CatalogRow[] {
  return doc.inventory.servers.map(catalogRow);
}
