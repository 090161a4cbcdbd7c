import { WorkbenchError } from '../../common/model/errors';
import type { Server } from '../../common/model/server';
import { MIGRATION_HUB_IDENTIFYING_FIELDS, MIGRATION_HUB_TEMPLATE_FIELDS } from '../../common/export/aws-import-formats';
import { blankServer, osFamily, splitList, type Importer } from './importer';
import { readRows } from './csv-importer.kit';
import { normHeader } from './table';

/**
 * Columns of the AWS Migration Hub / Application Discovery Service import template, exactly as documented
 * (main/common/export/aws-import-formats.ts names the page). ServerId is documented but names a Migration Hub
 * record we do not have, so it is not read. The `.Max` disk and network rates have no place in our model.
 */
export const MIGRATION_HUB_COLUMNS = {
  externalId: ['ExternalId'],
  smbiosId: ['SMBiosId'],
  ip: ['IPAddress'],
  mac: ['MACAddress'],
  hostName: ['HostName'],
  moref: ['VMware.MoRefId'],
  vcenterId: ['VMware.VCenterId'],
  vmName: ['VMware.VMName'],
  osName: ['OS.Name'],
  osVersion: ['OS.Version'],
  processors: ['CPU.NumberOfProcessors'],
  cores: ['CPU.NumberOfCores'],
  logicalCores: ['CPU.NumberOfLogicalCores'],
  ram: ['RAM.TotalSizeInMB'],
  cpuAvg: ['CPU.UsagePct.Avg'],
  cpuMax: ['CPU.UsagePct.Max'],
  ramUsedAvg: ['RAM.UsedSizeInMB.Avg'],
  ramUsedMax: ['RAM.UsedSizeInMB.Max'],
  diskReadKB: ['DiskReadsPerSecondInKB.Avg'],
  diskWriteKB: ['DiskWritesPerSecondInKB.Avg'],
  diskReadOps: ['DiskReadsOpsPerSecond.Avg'],
  diskWriteOps: ['DiskWritesOpsPerSecond.Avg'],
  netReadKB: ['NetworkReadsPerSecondInKB.Avg'],
  netWriteKB: ['NetworkWritesPerSecondInKB.Avg'],
  applications: ['Applications'],
  wave: ['ApplicationWave'],
  tags: ['Tags'],
} as const satisfies Record<string, readonly (typeof MIGRATION_HUB_TEMPLATE_FIELDS)[number][]>;

const KEYS = ['externalId', 'hostName', 'ip', 'mac', 'moref', 'vmName'] as const;
const TEMPLATE = new Set(MIGRATION_HUB_TEMPLATE_FIELDS.map(normHeader));
const IDENTIFYING = new Set(MIGRATION_HUB_IDENTIFYING_FIELDS.map(normHeader));

/** MACs arrive as `00:1B:44:11:3A:B7` or `00-15-E9-2B-99-3C` (both in the docs); we keep lower-case colon form. */
function normMac(mac: string): string {
  return mac.trim().replace(/-/g, ':').toLowerCase();
}

/**
 * Tags are documented as "a comma-delimited list of tags formatted as name:value". Earlier versions of our own
 * export separated them with `;`, so a cell without commas whose `;` pieces all look like name:value splits on `;`.
 */
function tagItems(cell: string | undefined): string[] {
  if (!cell) return [];
  if (cell.includes(',')) return splitList(cell, /,/);
  const semi = splitList(cell, /;/);
  return semi.length > 1 && semi.every((t) => /^[^:=]+[:=]/.test(t)) ? semi : [cell.trim()];
}

export const migrationHubImporter: Importer = {
  kind: 'migration-hub-csv',
  label: 'AWS Migration Hub import CSV',
  detect: (f) => {
    const t = f.tables[0];
    if (!t || f.format !== 'csv') return 0;
    const h = t.headers.map(normHeader);
    const known = h.filter((x) => TEMPLATE.has(x)).length;
    // A record needs one identifying field (ExternalId, IPAddress, MACAddress, HostName or the VMware pair);
    // the dotted template names (CPU.NumberOfProcessors, RAM.TotalSizeInMB…) are what make it this template.
    if (!h.some((x) => IDENTIFYING.has(x)) || known < 3) return known * 0.05;
    return 0.7 + 0.3 * Math.min(1, known / 10);
  },
  async read([file], ctx) {
    const headers = new Set((file!.tables[0]?.headers ?? []).map(normHeader));
    if (headers.size && !MIGRATION_HUB_IDENTIFYING_FIELDS.some((f) => headers.has(normHeader(f)))) {
      throw new WorkbenchError(
        'import-missing-columns',
        `${file!.name} has none of the Migration Hub identifying columns (${MIGRATION_HUB_IDENTIFYING_FIELDS.join(', ')}); every record needs at least one.`,
        { missing: [...MIGRATION_HUB_IDENTIFYING_FIELDS] },
      );
    }
    let multiApp = 0;
    const out = await readRows(file!, MIGRATION_HUB_COLUMNS, [], [...KEYS], ctx, (r) => {
      const ext = r.text('externalId');
      const ips = splitList(r.text('ip'));
      const macs = splitList(r.text('mac')).map(normMac);
      const hn = r.text('hostName');
      const moref = r.text('moref');
      const vcenterId = r.text('vcenterId');
      // The template: "If you're using either VMware.MoRefId or VMWare.VCenterId, to identify a record, you must
      // have both fields in the same record."
      const vmwarePair = !!moref && !!vcenterId;
      if (!ext && !ips.length && !macs.length && !hn && !vmwarePair) {
        const half = moref ? 'vcenterId' : vcenterId ? 'moref' : null;
        r.skip(
          half ?? 'externalId',
          half
            ? 'VMware.MoRefId and VMware.VCenterId identify a record only together, and no other identifying field is set; row skipped'
            : 'no identifying field (ExternalId, IPAddress, MACAddress, HostName, or VMware.MoRefId with VMware.VCenterId); row skipped',
        );
        return null;
      }
      const name = r.text('vmName') ?? hn ?? ips[0] ?? ext ?? macs[0] ?? moref!;
      const s: Server = blankServer(name, { kind: 'migration-hub-csv', name: file!.name });
      const p = s.provenance;
      p.name = r.prov(r.text('vmName') ? 'vmName' : hn ? 'hostName' : ips.length ? 'ip' : ext ? 'externalId' : macs.length ? 'mac' : 'moref');
      if (ext) { s.identity.externalId = ext; p['identity.externalId'] = r.prov('externalId'); }
      if (hn) {
        s.identity.hostName = hn.split('.')[0];
        if (hn.includes('.')) s.identity.fqdn = hn;
        p['identity.hostName'] = r.prov('hostName');
      }
      const smbios = r.text('smbiosId');
      if (smbios) { s.identity.smbiosUuid = smbios; p['identity.smbiosUuid'] = r.prov('smbiosId'); }
      if (moref) {
        s.identity.moref = moref;
        s.vmManager = { type: 'vsphere', ...(vcenterId ? { id: vcenterId } : {}) };
        p['identity.moref'] = r.prov('moref');
      } else s.vmManager = { type: 'physical' };
      const osn = r.text('osName');
      const osv = r.text('osVersion');
      if (osn) { s.os.reported = [osn, osv].filter(Boolean).join(' '); p['os.reported'] = r.prov('osName'); }
      s.os.family = osFamily(osn);
      const logical = r.num('logicalCores');
      const cores = r.num('cores');
      const procs = r.num('processors');
      const vcpus = logical ?? cores ?? procs;
      if (vcpus !== undefined) { s.cpu.vcpus = Math.round(vcpus); p['cpu.vcpus'] = r.prov(logical !== undefined ? 'logicalCores' : cores !== undefined ? 'cores' : 'processors'); }
      if (procs && procs >= 1) s.cpu.sockets = Math.round(procs);
      if (procs && cores && cores % procs === 0) s.cpu.coresPerSocket = cores / procs;
      const ram = r.num('ram');
      if (ram !== undefined) { s.memoryMiB = ram; p.memoryMiB = r.prov('ram'); }
      if (ips.length || macs.length) {
        // The template has no NIC structure: one NIC per MAC, the addresses on the first.
        s.nics = (macs.length ? macs : ['']).map((mac, i) => ({ ...(mac ? { mac } : {}), ipv4: i === 0 ? ips.filter((x) => !x.includes(':')) : [], ipv6: i === 0 ? ips.filter((x) => x.includes(':')) : [] }));
        p.nics = r.prov(ips.length ? 'ip' : 'mac');
      }
      const util: Record<string, number> = {};
      const u = (k: string, f: Parameters<typeof r.num>[0], scale = 1) => {
        const v = r.num(f);
        if (v !== undefined) {
          util[k] = v * scale;
          p[`utilization.${k}`] = r.prov(f);
        }
      };
      u('cpuAvgPct', 'cpuAvg');
      u('cpuMaxPct', 'cpuMax');
      if (ram) {
        u('memAvgPct', 'ramUsedAvg', 100 / ram);
        u('memMaxPct', 'ramUsedMax', 100 / ram);
      }
      u('diskReadKBps', 'diskReadKB');
      u('diskWriteKBps', 'diskWriteKB');
      const readOps = r.num('diskReadOps');
      const writeOps = r.num('diskWriteOps');
      if (readOps !== undefined || writeOps !== undefined) { util.diskIops = (readOps ?? 0) + (writeOps ?? 0); p['utilization.diskIops'] = r.prov(readOps !== undefined ? 'diskReadOps' : 'diskWriteOps'); }
      u('netInKBps', 'netReadKB');
      u('netOutKBps', 'netWriteKB');
      if (Object.keys(util).length) s.utilization = util;
      for (const t of tagItems(r.text('tags'))) {
        const m = /^([^:=]+)[:=](.*)$/.exec(t);
        const k = (m ? m[1]! : t).trim();
        if (k) {
          s.tags[k] = m ? m[2]!.trim() : '';
          p[`tags.${k}`] = r.prov('tags');
        }
      }
      // "A comma-delimited list of applications that include this server": our model has one application per
      // server, so the first is kept and the whole list stays visible as a tag.
      const apps = splitList(r.text('applications'), /,/);
      if (apps.length) {
        s.tags.application = apps[0]!;
        p['tags.application'] = r.prov('applications');
        if (apps.length > 1) {
          multiApp++;
          s.tags.applications = apps.join(', ');
          p['tags.applications'] = r.prov('applications');
        }
      }
      const wave = r.text('wave');
      if (wave) { s.tags.wave = wave; p['tags.wave'] = r.prov('wave'); }
      return s;
    });
    if (multiApp) out.warnings.push(`${file!.name}: ${multiApp} server${multiApp > 1 ? 's are' : ' is'} in more than one application; the first is kept as the application, the full list is in the "applications" tag.`);
    return { kind: 'migration-hub-csv', files: [file!.path], ...out };
  },
};
