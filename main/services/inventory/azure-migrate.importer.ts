import type { Disk } from '../../common/model/server';
import { blankServer, osFamily, splitList, type Importer } from './importer';
import { headerScore, readRows } from './csv-importer.kit';

/** Columns of Azure Migrate's "import servers using CSV" template (starred columns are required). */
const AZURE_COLUMNS = {
  name: ['*Server name', 'Server name', '*Server Name'],
  ips: ['IP addresses'],
  cores: ['*Cores', 'Cores'],
  memory: ['*Memory (In MB)', 'Memory (In MB)'],
  osName: ['*OS name', 'OS name'],
  osVersion: ['OS version'],
  osArch: ['OS architecture'],
  serverType: ['Server type'],
  hypervisor: ['Hypervisor'],
  cpuUtil: ['CPU utilization percentage'],
  memUtil: ['Memory utilization percentage'],
  netIn: ['Network In throughput'],
  netOut: ['Network Out throughput'],
  boot: ['Boot type'],
  diskCount: ['Number of disks'],
  storageInUse: ['Storage in use (In GB)'],
  vmId: ['Virtual machine ID'],
  vmmId: ['Virtual machine manager ID'],
  mac: ['MAC address'],
  fqdn: ['FQDN', 'Fully qualified domain name'],
} as const;

export const azureMigrateImporter: Importer = {
  kind: 'azure-migrate-csv',
  label: 'Azure Migrate CSV',
  // The starred "*Server name" header is Azure Migrate's alone: claim the file even when other
  // required columns are missing, so the user hears which ones.
  detect: (f) => Math.max(headerScore(f, ['*Server name', '*Cores', '*Memory (In MB)'], ['*OS name', 'IP addresses', 'Disk 1 size (In GB)']), f.format === 'csv' && f.tables[0]?.headers.some((h) => /^\*\s*server name$/i.test(h)) ? 0.95 : 0),
  async read([file], ctx) {
    const table = file!.tables[0]!;
    // "Disk N size (In GB)" columns, however many the file has.
    const diskCols = table.headers
      .map((h, i) => ({ m: /^disk\s*(\d+)\s*size\s*\(in\s*gb\)$/i.exec(h.trim()), i, h }))
      .filter((x) => x.m)
      .map((x) => ({ n: Number(x.m![1]), i: x.i, h: x.h }));
    const out = await readRows(file!, AZURE_COLUMNS, ['name', 'cores', 'memory'], ['name'], ctx, (r) => {
      const name = r.text('name');
      if (!name) {
        r.skip('name', 'Server name is empty; row skipped');
        return null;
      }
      const s = blankServer(name, { kind: 'azure-migrate-csv', name: file!.name });
      const p = s.provenance;
      p.name = r.prov('name');
      const hv = (r.text('hypervisor') ?? '').toLowerCase();
      s.vmManager = { type: hv.includes('vmware') ? 'vsphere' : hv.includes('hyper') ? 'hyperv' : (r.text('serverType') ?? '').toLowerCase().includes('physical') ? 'physical' : 'unknown' };
      const vmId = r.text('vmId');
      if (vmId) { s.identity.instanceUuid = vmId; p['identity.instanceUuid'] = r.prov('vmId'); }
      const fqdn = r.text('fqdn');
      if (fqdn) { s.identity.fqdn = fqdn; p['identity.fqdn'] = r.prov('fqdn'); }
      // A non-numeric value is already reported by num(); an empty required cell is reported here.
      const cores = r.num('cores', 'Cores');
      if (cores !== undefined) {
        s.cpu.vcpus = Math.round(cores);
        p['cpu.vcpus'] = r.prov('cores');
      } else if (!r.text('cores')) r.skip('cores', 'Cores is required but empty; left 0');
      const mem = r.num('memory', 'Memory (In MB)');
      if (mem !== undefined) {
        s.memoryMiB = mem;
        p.memoryMiB = r.prov('memory');
      } else if (!r.text('memory')) r.skip('memory', 'Memory (In MB) is required but empty; left 0');
      const osn = r.text('osName');
      if (osn) { s.os.reported = [osn, r.text('osVersion')].filter(Boolean).join(' '); p['os.reported'] = r.prov('osName'); }
      s.os.family = osFamily(osn);
      const boot = (r.text('boot') ?? '').toLowerCase();
      if (boot) { s.firmware.type = boot.includes('efi') ? 'efi' : boot.includes('bios') ? 'bios' : 'unknown'; p['firmware.type'] = r.prov('boot'); }
      const ips = splitList(r.text('ips'));
      if (ips.length) { s.nics = [{ ipv4: ips.filter((x) => !x.includes(':')), ipv6: ips.filter((x) => x.includes(':')), ...(r.text('mac') ? { mac: r.text('mac')!.toLowerCase() } : {}) }]; p.nics = r.prov('ips'); }
      const disks: Disk[] = [];
      for (const d of diskCols) {
        const v = r.row[d.i];
        if (v === null || v === undefined || v === '') continue;
        const gb = Number(String(v).replace(',', '.'));
        if (!Number.isFinite(gb) || gb < 0) {
          r.skip(null, `${d.h} is not a number (${String(v)}); disk left out`);
          continue;
        }
        disks.push({ label: `Disk ${d.n}`, capacityMiB: gb * 1024, provisionedMiB: gb * 1024 });
      }
      if (disks.length) { s.disks = disks; p.disks = `Disk N size (In GB) r${r.rowNo}`; }
      const used = r.num('storageInUse');
      if (used !== undefined) { s.storage = { usedMiB: used * 1024, ...(disks.length ? { provisionedMiB: disks.reduce((n, d) => n + d.capacityMiB, 0) } : {}) }; p['storage.usedMiB'] = r.prov('storageInUse'); }
      const util: Record<string, number> = {};
      const cpu = r.num('cpuUtil');
      if (cpu !== undefined) { util.cpuAvgPct = cpu; p['utilization.cpuAvgPct'] = r.prov('cpuUtil'); }
      const memU = r.num('memUtil');
      if (memU !== undefined) { util.memAvgPct = memU; p['utilization.memAvgPct'] = r.prov('memUtil'); }
      // Azure Migrate's template gives network throughput in MB/s.
      const nin = r.num('netIn');
      if (nin !== undefined) util.netInKBps = nin * 1024;
      const nout = r.num('netOut');
      if (nout !== undefined) util.netOutKBps = nout * 1024;
      if (Object.keys(util).length) s.utilization = util;
      return s;
    });
    return { kind: 'azure-migrate-csv', files: [file!.path], ...out };
  },
};
