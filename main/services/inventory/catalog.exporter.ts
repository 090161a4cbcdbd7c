import { stat } from 'node:fs/promises';
import path from 'node:path';
import { WorkbenchError } from '../../common/model/errors';
import { catalogRow } from '../../common/model/inventory-import';
import { type Server } from '../../common/model/server';
import type { Planning } from '../../common/model/planning';
import { MIGRATION_HUB_EXPORT_COLUMNS, MIGRATION_HUB_LIST_SEPARATOR, mgnPlatform, mgnServerAddress, mgnUserProvidedIds } from '../../common/export/aws-import-formats';
import { splitList } from './importer';
import { writeFileAtomic } from '../../platform/atomic-write';
import { writeXlsx, type OutCell } from './xlsx.writer';

export type ExportFormat = 'csv' | 'xlsx' | 'migration-hub-csv' | 'mgn-csv';

/** Where the plan puts a server: its applications, and the first one's wave and target. */
export interface PlannedPlacement {
  readonly applications: readonly string[];
  readonly wave?: string;
  readonly accountId?: string;
  readonly region?: string;
}

/**
 * The plan's placement of every planned server. The AWS import files follow the plan (the Applications screen and the
 * Waves board); a server the plan has not placed keeps what its inventory tags say, as imported.
 */
export function plannedPlacements(planning: Pick<Planning, 'applications' | 'waves'>): Map<string, PlannedPlacement> {
  const out = new Map<string, { applications: string[]; wave?: string; accountId?: string; region?: string }>();
  for (const app of planning.applications) {
    const wave = planning.waves.find((w) => w.id === app.waveId)?.name;
    for (const id of new Set(app.groups.flatMap((g) => g.serverIds))) {
      const p = out.get(id);
      if (p) p.applications.push(app.name);
      else out.set(id, { applications: [app.name], wave, accountId: app.awsAccountId, region: app.awsRegion });
    }
  }
  return out;
}

type MigrationHubExportColumn = (typeof MIGRATION_HUB_EXPORT_COLUMNS)[number];

/** A CSV field: quoted when needed; text a spreadsheet would run as a formula gets a leading quote. */
function csvField(v: OutCell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: OutCell[][]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const CATALOG_HEADERS = ['Name', 'Source', 'VM manager', 'Power', 'Template', 'Guest OS', 'OS family', 'Datacenter', 'Cluster', 'Host', 'Folder', 'vCPU', 'Memory MiB', 'Provisioned MiB', 'Used MiB', 'Disks', 'NICs', 'IP address', 'Firmware', 'Tags', 'Id'];

export function catalogTable(servers: Server[]): OutCell[][] {
  return [
    CATALOG_HEADERS,
    ...servers.map((s) => {
      const r = catalogRow(s);
      return [r.name, r.source, r.vmManager, r.power, r.template, r.os, r.osFamily, r.datacenter, r.cluster, r.host, r.folder, r.vcpus, r.memoryMiB, r.provisionedMiB, r.usedMiB, r.disks, r.nics, r.ip, r.firmware, r.tags.join('; '), r.id];
    }),
  ];
}

/** A value inside a comma-delimited Migration Hub list cell: its own commas would split it, so they become spaces. */
function mhItem(v: string): string {
  return v.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * AWS Migration Hub (Application Discovery Service) import template: the documented fields in the documented
 * order (MIGRATION_HUB_EXPORT_COLUMNS); lists are comma-delimited, tags are `name:value`.
 */
export function migrationHubTable(servers: Server[], placement: ReadonlyMap<string, PlannedPlacement> = new Map()): OutCell[][] {
  const sep = MIGRATION_HUB_LIST_SEPARATOR;
  const rows = servers.map((s): Record<MigrationHubExportColumn, OutCell> => {
    const planned = placement.get(s.id);
    const u = s.utilization;
    const ramUsed = (pct: number | undefined) => (pct !== undefined && s.memoryMiB ? Math.round((pct * s.memoryMiB) / 100) : undefined);
    // "If you're using either VMware.MoRefId or VMWare.VCenterId … you must have both fields in the same record."
    const vmware = s.identity.moref && s.vmManager.type === 'vsphere' && s.vmManager.id ? { moref: s.identity.moref, vc: s.vmManager.id } : undefined;
    const tags = Object.entries(s.tags)
      .filter(([k]) => k !== 'application' && k !== 'applications' && k !== 'wave' && !/[:,]/.test(k))
      .map(([k, v]) => `${k.trim()}:${mhItem(v)}`);
    const ips = s.nics.flatMap((n) => [...n.ipv4, ...n.ipv6]);
    const macs = s.nics.flatMap((n) => (n.mac ? [n.mac] : []));
    const apps = planned ? planned.applications.map(mhItem) : s.tags.applications ? splitApps(s.tags.applications) : s.tags.application ? [mhItem(s.tags.application)] : [];
    return {
      ExternalId: s.identity.externalId ?? s.id,
      SMBiosId: s.identity.smbiosUuid ?? s.identity.biosUuid,
      IPAddress: ips.join(sep) || undefined,
      MACAddress: macs.join(sep) || undefined,
      HostName: s.identity.fqdn ?? s.identity.hostName ?? s.name,
      'VMware.MoRefId': vmware?.moref,
      'VMware.VCenterId': vmware?.vc,
      'CPU.NumberOfProcessors': s.cpu.sockets,
      'CPU.NumberOfCores': s.cpu.sockets && s.cpu.coresPerSocket ? s.cpu.sockets * s.cpu.coresPerSocket : undefined,
      'CPU.NumberOfLogicalCores': s.cpu.vcpus || undefined,
      'OS.Name': s.os.reported ?? s.os.configured,
      'OS.Version': undefined,
      'VMware.VMName': s.vmManager.type === 'vsphere' ? s.name : undefined,
      'RAM.TotalSizeInMB': s.memoryMiB || undefined,
      'RAM.UsedSizeInMB.Avg': ramUsed(u?.memAvgPct),
      'RAM.UsedSizeInMB.Max': ramUsed(u?.memMaxPct),
      'CPU.UsagePct.Avg': u?.cpuAvgPct,
      'CPU.UsagePct.Max': u?.cpuMaxPct,
      'DiskReadsPerSecondInKB.Avg': u?.diskReadKBps,
      'DiskWritesPerSecondInKB.Avg': u?.diskWriteKBps,
      'DiskReadsPerSecondInKB.Max': undefined,
      'DiskWritesPerSecondInKB.Max': undefined,
      // We keep total IOPS only; the template wants reads and writes apart, so they stay empty.
      'DiskReadsOpsPerSecond.Avg': undefined,
      'DiskWritesOpsPerSecond.Avg': undefined,
      'DiskReadsOpsPerSecond.Max': undefined,
      'DiskWritesOpsPerSecond.Max': undefined,
      'NetworkReadsPerSecondInKB.Avg': u?.netInKBps,
      'NetworkWritesPerSecondInKB.Avg': u?.netOutKBps,
      'NetworkReadsPerSecondInKB.Max': undefined,
      'NetworkWritesPerSecondInKB.Max': undefined,
      Applications: apps.join(sep) || undefined,
      ApplicationWave: planned?.wave ?? s.tags.wave,
      Tags: tags.join(sep) || undefined,
    };
  });
  return [[...MIGRATION_HUB_EXPORT_COLUMNS], ...rows.map((r) => MIGRATION_HUB_EXPORT_COLUMNS.map((c) => r[c]))];
}

function splitApps(list: string): string[] {
  return list.split(',').map((a) => a.trim()).filter(Boolean);
}

/** Fixed leading columns of our MGN export, all documented parameters (pinned by the unit tests). */
export const MGN_EXPORT_FIXED_COLUMNS = [
  'mgn:account-id', 'mgn:region', 'mgn:wave:name', 'mgn:app:name', 'mgn:server:user-provided-id', 'mgn:server:platform',
  'mgn:server:fqdn-for-action-framework', 'mgn:launch:instance-type', 'mgn:launch:nic:0:subnet-id',
] as const;

/**
 * AWS Application Migration Service (MGN) import file: one row per server, launch fields where known (from tags); the
 * account, Region, wave and application follow the plan where it places the server.
 */
export function mgnTable(servers: Server[], placement: ReadonlyMap<string, PlannedPlacement> = new Map()): OutCell[][] {
  const sgs = servers.map((s) => splitList(s.tags['security groups']));
  const maxSg = Math.max(1, ...sgs.map((l) => l.length));
  const head = [
    ...MGN_EXPORT_FIXED_COLUMNS,
    ...Array.from({ length: maxSg }, (_, i) => `mgn:launch:nic:0:security-group-id:${i}`),
    'mgn:launch:placement:tenancy', 'mgn:server:tag:Name',
  ];
  const ids = mgnUserProvidedIds(servers);
  return [
    head,
    ...servers.map((s, i) => {
      const planned = placement.get(s.id);
      return [
      planned?.accountId ?? s.tags['aws account'],
      planned?.region ?? s.tags['aws region'],
      planned?.wave ?? s.tags.wave,
      planned ? planned.applications[0] : s.tags.application,
      ids[i],
      mgnPlatform(s.os.family),
      mgnServerAddress(s),
      s.tags['instance type'],
      splitList(s.tags.subnet)[0],
      ...Array.from({ length: maxSg }, (_, k) => sgs[i]![k]),
      s.tags.tenancy,
      s.name,
      ];
    }),
  ];
}

/** Writes the export; an existing file is replaced only with `overwrite` (else a typed `exists` conflict, as Save As). */
export async function exportCatalog(format: ExportFormat, file: string, servers: Server[], opts: { overwrite?: boolean; placement?: ReadonlyMap<string, PlannedPlacement> } = {}): Promise<{ path: string; rows: number }> {
  const abs = path.resolve(file);
  const wantExt = format === 'xlsx' ? '.xlsx' : '.csv';
  const target = abs.toLowerCase().endsWith(wantExt) ? abs : abs + wantExt;
  if (!opts.overwrite && (await stat(target).then(() => true, () => false))) {
    throw new WorkbenchError('file-changed-on-disk', `${path.basename(target)} already exists. Choose another name, or confirm to replace it.`, { path: target, reason: 'exists' });
  }
  const table = format === 'migration-hub-csv' ? migrationHubTable(servers, opts.placement) : format === 'mgn-csv' ? mgnTable(servers, opts.placement) : catalogTable(servers);
  const data = format === 'xlsx' ? writeXlsx([{ name: 'Servers', rows: table }]) : toCsv(table);
  try {
    await writeFileAtomic(target, data, { keepBackup: false });
  } catch (err) {
    throw new WorkbenchError('file-io', `Could not write ${target}: ${(err as Error).message}`);
  }
  return { path: target, rows: servers.length };
}
