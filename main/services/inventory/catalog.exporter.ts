import path from 'node:path';
import { WorkbenchError } from '../../common/model/errors';
import { catalogRow } from '../../common/model/inventory-import';
import { totalProvisionedMiB, type Server } from '../../common/model/server';
import { writeFileAtomic } from '../../platform/atomic-write';
import { writeXlsx, type OutCell } from './xlsx.writer';

export type ExportFormat = 'csv' | 'xlsx' | 'migration-hub-csv' | 'mgn-csv';

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

/** AWS Migration Hub (Application Discovery Service) import template. */
export function migrationHubTable(servers: Server[]): OutCell[][] {
  const head = ['ExternalId', 'SMBiosId', 'IPAddress', 'MACAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId', 'VMware.VMName', 'OS.Name', 'CPU.NumberOfProcessors', 'CPU.NumberOfLogicalCores', 'RAM.TotalSizeInMB', 'CPU.UsagePct.Avg', 'CPU.UsagePct.Max', 'Applications', 'Tags'];
  return [
    head,
    ...servers.map((s) => [
      s.identity.externalId ?? s.id,
      s.identity.smbiosUuid ?? s.identity.biosUuid,
      s.nics.flatMap((n) => n.ipv4)[0],
      s.nics.find((n) => n.mac)?.mac,
      s.identity.fqdn ?? s.identity.hostName ?? s.name,
      s.identity.moref,
      s.vmManager.id,
      s.vmManager.type === 'vsphere' ? s.name : undefined,
      s.os.reported ?? s.os.configured,
      s.cpu.sockets,
      s.cpu.vcpus || undefined,
      s.memoryMiB || undefined,
      s.utilization?.cpuAvgPct,
      s.utilization?.cpuMaxPct,
      s.tags.application,
      Object.entries(s.tags).filter(([k]) => k !== 'application').map(([k, v]) => `${k}:${v}`).join(';') || undefined,
    ]),
  ];
}

/** AWS Application Migration Service (MGN) import file: one row per server, launch fields where known. */
export function mgnTable(servers: Server[]): OutCell[][] {
  const head = ['mgn:account-id', 'mgn:region', 'mgn:wave:name', 'mgn:app:name', 'mgn:server:user-provided-id', 'mgn:server:platform', 'mgn:server:fqdn-for-action-framework', 'mgn:launch:instance-type', 'mgn:launch:nic:0:subnet-id', 'mgn:launch:nic:0:security-group-id:0', 'mgn:launch:placement:tenancy', 'mgn:server:tag:Name', 'mgn:server:tag:source-disk-gib'];
  return [
    head,
    ...servers.map((s) => [
      s.tags['aws account'],
      s.tags['aws region'],
      s.tags.wave,
      s.tags.application,
      s.name,
      s.os.family === 'windows' ? 'WINDOWS' : s.os.family === 'linux' ? 'LINUX' : undefined,
      s.identity.fqdn,
      s.tags['instance type'],
      s.tags.subnet?.split(',')[0]?.trim(),
      s.tags['security groups']?.split(',')[0]?.trim(),
      s.tags.tenancy,
      s.name,
      Math.ceil(totalProvisionedMiB(s) / 1024) || undefined,
    ]),
  ];
}

export async function exportCatalog(format: ExportFormat, file: string, servers: Server[]): Promise<{ path: string; rows: number }> {
  const abs = path.resolve(file);
  const wantExt = format === 'xlsx' ? '.xlsx' : '.csv';
  const target = abs.toLowerCase().endsWith(wantExt) ? abs : abs + wantExt;
  const table = format === 'migration-hub-csv' ? migrationHubTable(servers) : format === 'mgn-csv' ? mgnTable(servers) : catalogTable(servers);
  const data = format === 'xlsx' ? writeXlsx([{ name: 'Servers', rows: table }]) : toCsv(table);
  try {
    await writeFileAtomic(target, data, { keepBackup: false });
  } catch (err) {
    throw new WorkbenchError('file-io', `Could not write ${target}: ${(err as Error).message}`);
  }
  return { path: target, rows: servers.length };
}
