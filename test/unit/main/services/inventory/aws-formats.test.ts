// The catalog's AWS exports against AWS's documented columns, and a Migration Hub round trip through our importer.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { migrationHubTable, mgnTable, toCsv } from '../../../../../main/services/inventory/catalog.exporter';
import { isDocumentedMgnParameter } from '../../../../../main/common/export/aws-import-formats';
import type { Server } from '../../../../../main/common/model/server';
import { WorkbenchError } from '../../../../../main/common/model/errors';
import { loadFile } from '../../../../../main/services/inventory/loader';
import { migrationHubImporter } from '../../../../../main/services/inventory/migration-hub.importer';
import { loadDemo } from '../../../../helpers/plan-fixtures';
import { makeInventory, sample, tempDir } from '../../../../helpers/inventory-fixtures';

/** docs.aws.amazon.com/application-discovery/latest/userguide/discovery-import.html, read 2026-11-22, without ServerId. */
const DOC_MIGRATION_HUB_EXPORT = [
  'ExternalId', 'SMBiosId', 'IPAddress', 'MACAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId', 'CPU.NumberOfProcessors',
  'CPU.NumberOfCores', 'CPU.NumberOfLogicalCores', 'OS.Name', 'OS.Version', 'VMware.VMName', 'RAM.TotalSizeInMB', 'RAM.UsedSizeInMB.Avg',
  'RAM.UsedSizeInMB.Max', 'CPU.UsagePct.Avg', 'CPU.UsagePct.Max', 'DiskReadsPerSecondInKB.Avg', 'DiskWritesPerSecondInKB.Avg',
  'DiskReadsPerSecondInKB.Max', 'DiskWritesPerSecondInKB.Max', 'DiskReadsOpsPerSecond.Avg', 'DiskWritesOpsPerSecond.Avg',
  'DiskReadsOpsPerSecond.Max', 'DiskWritesOpsPerSecond.Max', 'NetworkReadsPerSecondInKB.Avg', 'NetworkWritesPerSecondInKB.Avg',
  'NetworkReadsPerSecondInKB.Max', 'NetworkWritesPerSecondInKB.Max', 'Applications', 'ApplicationWave', 'Tags',
];

/** The demo estate, with a few servers given what the template has columns for but the demo lacks. */
function estate(): Server[] {
  return loadDemo().inventory.servers.map((s, i) => {
    if (i === 0) return { ...s, tags: { ...s.tags, application: 'WebShop', wave: 'Wave 1', note: 'db, primary' } };
    if (i === 1) return { ...s, tags: { ...s.tags, application: 'WebShop', applications: 'WebShop, Reporting' }, nics: [...s.nics, { label: 'Network adapter 2', mac: '00:50:56:aa:bb:cc', ipv4: ['192.168.7.9'], ipv6: ['fd00::9'] }] };
    if (i === 2) return { ...s, utilization: { ...s.utilization, diskReadKBps: 120, diskWriteKBps: 80, netInKBps: 40, netOutKBps: 30 } };
    return s;
  });
}

describe('catalog AWS exports', () => {
  it('the Migration Hub header is the documented template (ServerId aside), lists comma-delimited', () => {
    const t = migrationHubTable(estate());
    expect(t[0]).toEqual(DOC_MIGRATION_HUB_EXPORT);
    const rows = parse(toCsv(t), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[1]).toMatchObject({ IPAddress: '10.20.30.21, 192.168.7.9, fd00::9', Applications: 'WebShop, Reporting' });
    expect(rows[1]!.MACAddress).toMatch(/^[0-9a-f:]{17}, 00:50:56:aa:bb:cc$/);
    // A tag value's own comma cannot survive a comma-delimited list.
    expect(rows[0]!.Tags).toBe('Environment:Production, Application:WebShop, Tier:Database, note:db primary');
    expect(rows[0]).toMatchObject({ ApplicationWave: 'Wave 1', 'VMware.MoRefId': 'vm-1000', 'VMware.VCenterId': 'vc01', 'CPU.NumberOfProcessors': '4', 'CPU.NumberOfCores': '8', 'CPU.NumberOfLogicalCores': '8' });
  });

  it('MoRefId and VCenterId are written together or not at all', () => {
    const [s] = loadDemo().inventory.servers;
    const noVc: Server = { ...s!, vmManager: { type: 'vsphere' } };
    const rows = parse(toCsv(migrationHubTable([noVc])), { bom: true, columns: true }) as Record<string, string>[];
    expect([rows[0]!['VMware.MoRefId'], rows[0]!['VMware.VCenterId'], rows[0]!.ExternalId, rows[0]!.HostName]).toEqual(['', '', s!.id, 'shop-db01.corp.example.com']);
  });

  it('the MGN header holds documented parameters only, pinned', () => {
    const servers = estate().map((s, i) => (i < 2 ? { ...s, tags: { ...s.tags, 'security groups': 'sg-1, sg-2', subnet: 'subnet-1' } } : s));
    const t = mgnTable(servers);
    expect(t[0]).toEqual([
      'mgn:account-id', 'mgn:region', 'mgn:wave:name', 'mgn:app:name', 'mgn:server:user-provided-id', 'mgn:server:platform',
      'mgn:server:fqdn-for-action-framework', 'mgn:launch:instance-type', 'mgn:launch:nic:0:subnet-id',
      'mgn:launch:nic:0:security-group-id:0', 'mgn:launch:nic:0:security-group-id:1', 'mgn:launch:placement:tenancy', 'mgn:server:tag:Name',
    ]);
    for (const h of t[0]!) expect(isDocumentedMgnParameter(String(h)), String(h)).toBe(true);
    const rows = parse(toCsv(t), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[1]).toMatchObject({ 'mgn:launch:nic:0:security-group-id:0': 'sg-1', 'mgn:launch:nic:0:security-group-id:1': 'sg-2', 'mgn:launch:nic:0:subnet-id': 'subnet-1' });
    expect(new Set(rows.map((r) => r['mgn:server:user-provided-id'])).size).toBe(rows.length);
    expect(rows.every((r) => r['mgn:server:fqdn-for-action-framework'] !== '')).toBe(true);
  });

  it('round trip: the demo estate exported as Migration Hub CSV and re-imported by our importer keeps counts and key fields', async () => {
    const servers = estate();
    const dir = await tempDir();
    const file = path.join(dir, 'demo-migration-hub.csv');
    await writeFile(file, toCsv(migrationHubTable(servers)));
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [file] });
    expect(report.files[0]!.kind).toBe('migration-hub-csv');
    expect(report.skipped).toEqual([]);
    const back = project.document.inventory.servers;
    expect(back).toHaveLength(servers.length);
    const byExt = new Map(back.map((s) => [s.identity.externalId, s]));
    for (const s of servers) {
      const b = byExt.get(s.id);
      expect(b, s.id).toBeDefined();
      const expectName = s.vmManager.type === 'vsphere' ? s.name : s.identity.fqdn ?? s.identity.hostName ?? s.name;
      expect({
        name: b!.name, moref: b!.identity.moref, vc: b!.vmManager.id, fqdn: b!.identity.fqdn, os: b!.os.family, vcpus: b!.cpu.vcpus, sockets: b!.cpu.sockets,
        coresPerSocket: b!.cpu.coresPerSocket, mem: b!.memoryMiB, smbios: b!.identity.smbiosUuid,
        ips: b!.nics.flatMap((n) => [...n.ipv4, ...n.ipv6]).sort(), macs: b!.nics.flatMap((n) => (n.mac ? [n.mac] : [])).sort(),
        cpuAvg: b!.utilization?.cpuAvgPct, cpuMax: b!.utilization?.cpuMaxPct,
      }, s.name).toEqual({
        name: expectName, moref: s.vmManager.id ? s.identity.moref : undefined, vc: s.vmManager.type === 'vsphere' ? s.vmManager.id : undefined,
        fqdn: s.identity.fqdn, os: s.os.family === 'unknown' ? 'unknown' : s.os.family, vcpus: s.cpu.vcpus, sockets: s.cpu.sockets,
        coresPerSocket: s.cpu.sockets && s.cpu.coresPerSocket ? s.cpu.coresPerSocket : undefined, mem: s.memoryMiB, smbios: s.identity.smbiosUuid ?? s.identity.biosUuid,
        ips: s.nics.flatMap((n) => [...n.ipv4, ...n.ipv6]).sort(), macs: s.nics.flatMap((n) => (n.mac ? [n.mac.toLowerCase()] : [])).sort(),
        cpuAvg: s.utilization?.cpuAvgPct, cpuMax: s.utilization?.cpuMaxPct,
      });
      if (s.utilization?.memAvgPct !== undefined) expect(b!.utilization?.memAvgPct).toBeCloseTo(s.utilization.memAvgPct, 1);
      const { application, applications, wave, ...rest } = s.tags;
      expect(b!.tags).toEqual({ ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v.replace(/,/g, ' ').replace(/\s+/g, ' ')])), ...(application ? { application } : {}), ...(applications ? { applications } : {}), ...(wave ? { wave } : {}) });
    }
    const third = byExt.get(servers[2]!.id)!;
    expect(third.utilization).toMatchObject({ diskReadKBps: 120, diskWriteKBps: 80, netInKBps: 40, netOutKBps: 30 });
    expect(report.warnings.some((w) => w.includes('more than one application'))).toBe(true);
  });

  it('a catalog from RVTools survives the same round trip', async () => {
    const { inventory } = makeInventory();
    await inventory.import({ paths: [sample('rvtools_mjvincent_rvtools-small-complete.xlsx')] });
    const dir = await tempDir();
    const res = await inventory.export('migration-hub-csv', path.join(dir, 'mh.csv'));
    const fresh = makeInventory();
    const r = await fresh.inventory.import({ paths: [res.path] });
    expect(r.added).toBe(3);
    expect(r.skipped).toEqual([]);
    const rows = parse(await readFile(res.path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(fresh.project.document.inventory.servers.map((s) => s.identity.externalId).sort()).toEqual(rows.map((x) => x.ExternalId).sort());
  });

  it('a Migration Hub file with no ExternalId column is recognised and read; one with no identifying column is refused', async () => {
    const dir = await tempDir();
    const ok = path.join(dir, 'no-external-id.csv');
    await writeFile(ok, toCsv([['HostName', 'IPAddress', 'MACAddress', 'CPU.NumberOfCores', 'RAM.TotalSizeInMB', 'OS.Name', 'Tags'], ['app1.corp.local', '10.1.1.1, 10.1.1.2', '00-15-E9-2B-99-3C', '4', '8192', 'Windows Server 2019', 'zone:1, critical:yes']]));
    const { inventory, project } = makeInventory();
    const r = await inventory.import({ paths: [ok] });
    expect(r.files[0]!.kind).toBe('migration-hub-csv');
    expect(project.document.inventory.servers[0]).toMatchObject({ name: 'app1.corp.local', cpu: { vcpus: 4 }, os: { family: 'windows' }, tags: { zone: '1', critical: 'yes' } });
    expect(project.document.inventory.servers[0]!.nics).toEqual([{ mac: '00:15:e9:2b:99:3c', ipv4: ['10.1.1.1', '10.1.1.2'], ipv6: [] }]);
    const bad = path.join(dir, 'no-identifier.csv');
    await writeFile(bad, toCsv([['OS.Name', 'CPU.NumberOfProcessors', 'RAM.TotalSizeInMB', 'VMware.VMName'], ['Ubuntu', '2', '4096', 'x']]));
    // Detection does not take it for the template, so the import fails and changes nothing…
    const fresh = makeInventory();
    await expect(fresh.inventory.import({ paths: [bad] })).rejects.toBeInstanceOf(WorkbenchError);
    expect(fresh.project.document.inventory.servers).toEqual([]);
    // …and the Migration Hub reader itself names the missing identifying columns.
    expect(migrationHubImporter.detect(await loadFile(bad))).toBeLessThan(0.5);
    await expect(migrationHubImporter.read([await loadFile(bad)], {})).rejects.toMatchObject({ code: 'import-missing-columns', message: expect.stringContaining('ExternalId, IPAddress, MACAddress, HostName') });
  });
});
