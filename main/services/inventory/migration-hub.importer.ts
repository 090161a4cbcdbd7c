import type { Server } from '../../common/model/server';
import { blankServer, osFamily, splitList, type Importer } from './importer';
import { headerScore, readRows } from './csv-importer.kit';

/** Columns of the AWS Migration Hub / Application Discovery Service import template. */
export const MIGRATION_HUB_COLUMNS = {
  externalId: ['ExternalId'],
  smbiosId: ['SMBiosId'],
  ip: ['IPAddress'],
  mac: ['MACAddress'],
  hostName: ['HostName'],
  moref: ['VMware.MoRefId'],
  vcenterId: ['VMware.VCenterId'],
  vmName: ['VMware.VMName'],
  hostId: ['VMware.HostId'],
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
  storage: ['Storage.TotalSizeInGB', 'DiskTotalSizeInGB'],
} as const;

const KEYS = ['externalId', 'hostName', 'ip', 'vmName'] as const;

export const migrationHubImporter: Importer = {
  kind: 'migration-hub-csv',
  label: 'AWS Migration Hub import CSV',
  detect: (f) => {
    const score = headerScore(f, ['ExternalId'], ['IPAddress', 'HostName', 'CPU.NumberOfProcessors', 'RAM.TotalSizeInMB', 'VMware.MoRefId', 'OS.Name']);
    // The template requires ExternalId plus at least one of the matching keys.
    return score >= 0.7 && score > 0.75 ? score : score * 0.5;
  },
  async read([file], ctx) {
    const out = await readRows(file!, MIGRATION_HUB_COLUMNS, ['externalId'], [...KEYS], ctx, (r) => {
      const name = r.text('vmName') ?? r.text('hostName') ?? r.text('ip') ?? r.text('externalId');
      if (!r.text('externalId')) {
        r.skip('externalId', 'ExternalId is empty (the template requires it); row skipped');
        return null;
      }
      if (!name) {
        r.skip('hostName', 'no host name, IP address or VM name; row skipped');
        return null;
      }
      const s: Server = blankServer(name, { kind: 'migration-hub-csv', name: file!.name });
      const p = s.provenance;
      p.name = r.prov(r.text('vmName') ? 'vmName' : r.text('hostName') ? 'hostName' : 'ip');
      s.identity.externalId = r.text('externalId')!;
      p['identity.externalId'] = r.prov('externalId');
      const hn = r.text('hostName');
      if (hn) {
        s.identity.hostName = hn.split('.')[0];
        if (hn.includes('.')) s.identity.fqdn = hn;
        p['identity.hostName'] = r.prov('hostName');
      }
      const smbios = r.text('smbiosId');
      if (smbios) { s.identity.smbiosUuid = smbios; p['identity.smbiosUuid'] = r.prov('smbiosId'); }
      const moref = r.text('moref');
      if (moref) {
        s.identity.moref = moref;
        s.vmManager = { type: 'vsphere', ...(r.text('vcenterId') ? { id: r.text('vcenterId')! } : {}) };
        p['identity.moref'] = r.prov('moref');
      } else s.vmManager = { type: 'physical' };
      const hostId = r.text('hostId');
      if (hostId) { s.place.host = hostId; p['place.host'] = r.prov('hostId'); }
      const osn = r.text('osName');
      const osv = r.text('osVersion');
      if (osn) { s.os.reported = [osn, osv].filter(Boolean).join(' '); p['os.reported'] = r.prov('osName'); }
      s.os.family = osFamily(osn);
      const cores = r.num('logicalCores') ?? r.num('cores');
      const procs = r.num('processors');
      const vcpus = cores ?? procs;
      if (vcpus !== undefined) { s.cpu.vcpus = Math.round(vcpus); p['cpu.vcpus'] = r.prov(cores !== undefined ? (r.num('logicalCores') !== undefined ? 'logicalCores' : 'cores') : 'processors'); }
      if (procs && procs >= 1) s.cpu.sockets = Math.round(procs);
      const ram = r.num('ram');
      if (ram !== undefined) { s.memoryMiB = ram; p.memoryMiB = r.prov('ram'); }
      const gb = r.num('storage');
      if (gb !== undefined) { s.storage = { provisionedMiB: gb * 1024 }; p['storage.provisionedMiB'] = r.prov('storage'); }
      const ips = splitList(r.text('ip'));
      const macs = splitList(r.text('mac'));
      if (ips.length || macs.length) {
        s.nics = (macs.length ? macs : ['']).map((mac, i) => ({ ...(mac ? { mac: mac.toLowerCase() } : {}), ipv4: i === 0 ? ips.filter((x) => !x.includes(':')) : [], ipv6: i === 0 ? ips.filter((x) => x.includes(':')) : [] }));
        p.nics = r.prov(r.text('ip') ? 'ip' : 'mac');
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
      const ops = (r.num('diskReadOps') ?? 0) + (r.num('diskWriteOps') ?? 0);
      if (r.has('diskReadOps') || r.has('diskWriteOps')) util.diskIops = ops;
      u('netInKBps', 'netReadKB');
      u('netOutKBps', 'netWriteKB');
      if (Object.keys(util).length) s.utilization = util;
      for (const t of splitList(r.text('tags'), /;/)) {
        const [k, ...v] = t.split(/[:=]/);
        if (k?.trim()) {
          s.tags[k.trim()] = v.join(':').trim();
          p[`tags.${k.trim()}`] = r.prov('tags');
        }
      }
      const apps = r.text('applications');
      if (apps) { s.tags.application = apps; p['tags.application'] = r.prov('applications'); }
      const wave = r.text('wave');
      if (wave) { s.tags.wave = wave; p['tags.wave'] = r.prov('wave'); }
      return s;
    });
    return { kind: 'migration-hub-csv', files: [file!.path], ...out };
  },
};
