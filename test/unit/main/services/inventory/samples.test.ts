import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { totalProvisionedMiB, totalUsedMiB } from '../../../../../main/common/model/server';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { ProjectDocumentSchema } from '../../../../../main/common/model/project';
import { makeInventory, sample, tempDir } from '../../../../helpers/inventory-fixtures';

/**
 * The real exports in ../shared/samples. Expected figures were read independently with
 * Debian's python3-openpyxl (read-only mode), not with our reader.
 */
describe('real sample exports', () => {
  it('SizingWorkshop RVTools 3.x workbook: 805 VMs (the other 2,698 vInfo rows are formatted but empty)', async () => {
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [sample('rvtools_mjvincent_SizingWorkshop-RVTools.xlsx')] });
    const servers = project.document.inventory.servers;
    expect(report.servers).toBe(805);
    expect(report.added).toBe(805);
    expect(report.skippedTotal).toBe(0);
    expect(servers.reduce((n, s) => n + s.cpu.vcpus, 0)).toBe(2741);
    expect(servers.reduce((n, s) => n + s.memoryMiB, 0)).toBe(10_774_868);
    expect(servers.reduce((n, s) => n + totalProvisionedMiB(s), 0)).toBe(234_526_490);
    expect(servers.reduce((n, s) => n + totalUsedMiB(s), 0)).toBe(127_901_813);
    expect(servers.filter((s) => s.state.power === 'poweredOn')).toHaveLength(763);
    expect(servers.filter((s) => s.state.power === 'poweredOff')).toHaveLength(42);
    expect(servers.filter((s) => s.state.template)).toHaveLength(10);
    expect(servers.reduce((n, s) => n + s.partitions.length, 0)).toBe(1618);
    expect(servers.reduce((n, s) => n + s.partitions.reduce((m, p) => m + p.capacityMiB, 0), 0)).toBe(216_986_720);
    expect(servers.reduce((n, s) => n + s.nics.length, 0)).toBe(805);
    expect(new Set(servers.map((s) => s.place.cluster)).size).toBe(4);
    // The deliberate data problem: NICs without a network are kept and reported.
    expect(report.warnings.some((w) => w.startsWith('805 network adapters have no network name'))).toBe(true);
    expect(report.warnings.some((w) => w.includes('"MB" headers'))).toBe(true);
    const first = servers.find((s) => s.name === 'wadfs1')!;
    expect(first.memoryMiB).toBe(4096);
    expect(first.storage).toEqual({ provisionedMiB: 86201, usedMiB: 62420 });
    expect(first.os.family).toBe('windows');
    expect(first.provenance.memoryMiB).toBe('vInfo!Memory r2');
    // What was imported is a valid document (the service only spot-checks with the schema).
    expect(() => ProjectDocumentSchema.parse(project.document)).not.toThrow();
  });

  it('small-complete RVTools workbook: 3 VMs joined across vDisk, vPartition, vNetwork, vSnapshot, vTools', async () => {
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [sample('rvtools_mjvincent_rvtools-small-complete.xlsx')] });
    const servers = project.document.inventory.servers;
    expect(servers.map((s) => s.name)).toEqual(['sample-web-01', 'sample-db-01', 'sample-archive-01']);
    expect(servers.reduce((n, s) => n + s.disks.length, 0)).toBe(5);
    expect(servers.reduce((n, s) => n + s.disks.reduce((m, d) => m + d.capacityMiB, 0), 0)).toBe(532_480);
    expect(servers.reduce((n, s) => n + totalProvisionedMiB(s), 0)).toBe(122_880 + 327_680 + 81_920);
    const db = servers[1]!;
    expect(db.cpu.vcpus).toBe(4);
    expect(db.memoryMiB).toBe(16384);
    expect(db.firmware.type).toBe('efi');
    expect(db.nics.map((n) => n.network)).toEqual(['sample-db-net', 'sample-backup-net']);
    expect(db.nics[1]!.ipv4).toEqual(['10.10.3.20']);
    expect(db.snapshots).toEqual([{ name: 'pre-maintenance', sizeMiB: 512 }]);
    expect(db.partitions.map((p) => p.path)).toEqual(['C:\\', 'D:\\']);
    expect(servers[0]!.state.tools).toBe('toolsOk');
    expect(servers[0]!.utilization?.cpuAvgPct).toBe(35);
    expect(() => ProjectDocumentSchema.parse(project.document)).not.toThrow();
  });

  it('Cloud Migration Factory intake: 8 servers, `;` multi-values split, the duplicate FQDN reported', async () => {
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [sample('cmf_intake_server-list.csv')] });
    expect(report.files[0]!.kind).toBe('cmf-intake-csv');
    const servers = project.document.inventory.servers;
    expect(servers).toHaveLength(8);
    expect(servers[0]!.tags).toMatchObject({ wave: 'Wave 1', application: 'app01-hr', 'security groups': 'sg-1111, sg-2222', CostCenter: '123', BU: 'IT', Location: 'US' });
    expect(servers.filter((s) => s.os.family === 'linux')).toHaveLength(2);
    expect(report.warnings.join(' ')).toContain('Server8 and Server6 share the FQDN server6.example.local');
  });

  it('CMF intake with a UTF-8 BOM and a trailing `;` in tags', async () => {
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [sample('cmf_intake_test_valid.csv')] });
    const [s] = project.document.inventory.servers;
    expect(s!.name).toBe('unittest1');
    expect(s!.tags).toMatchObject({ testkey: 'testvalue', wave: 'Unittest Wave 1' });
    expect(Object.keys(s!.tags)).not.toContain('');
  });

  it('AWS SMS GetServers in the documentation spelling and in the API spelling', async () => {
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [sample('sms_get-servers_response.json')] });
    const servers = project.document.inventory.servers;
    expect(servers.map((s) => [s.name, s.vmManager.type, s.identity.moref, s.place.datacenter])).toEqual([
      ['your-linux-vm', 'vsphere', 'vm-123', 'DC1'],
      ['Your Windows VM', 'vsphere', 'vm-234', 'DC1'],
    ]);
    const dir = await tempDir();
    const api = (await readFile(sample('sms_get-servers_response.json'), 'utf8')).replace(/"vSphere"/g, '"VSPHERE"');
    await writeFile(path.join(dir, 'api.json'), api);
    const again = makeInventory();
    await again.inventory.import({ paths: [path.join(dir, 'api.json')] });
    expect(again.project.document.inventory.servers.every((s) => s.vmManager.type === 'vsphere')).toBe(true);
  });

  it('an empty SMS catalog is a clear error and leaves the project unchanged', async () => {
    const { inventory, project } = makeInventory();
    const before = project.document;
    const err = await inventory.import({ paths: [sample('sms_get-servers_empty-catalog_response.json')] }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'import-empty')).toBe(true);
    expect((err as Error).message).toContain('NOT IMPORTED');
    expect(project.document).toBe(before);
  });
});
