import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { makeInventory, tempDir, writeWorkbook } from '../../../../helpers/inventory-fixtures';
import { toCsv } from '../../../../../main/services/inventory/catalog.exporter';
import { ProjectDocumentSchema } from '../../../../../main/common/model/project';

/** Header eras and containers: each test writes the file a real tool would, then imports it. */
describe('RVTools header eras', () => {
  it('reads -DBColumnNames internal headers', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'db.xlsx', {
      vInfo: [
        ['vInfoVMName', 'vInfoPowerstate', 'vInfoCPUs', 'vInfoMemory', 'vInfoProvisioned', 'vInfoInUse', 'vInfoOS', 'vInfoOSTools', 'vInfoPrimaryIPAddress', 'vInfoUUID', 'vInfoDataCenter', 'vInfoCluster', 'vInfoHost'],
        ['app01', 'poweredOn', 4, 8192, 102400, 51200, 'Microsoft Windows Server 2019 (64-bit)', 'Microsoft Windows Server 2019 (64-bit)', '10.0.0.5', '4211aaaa-0000-0000-0000-000000000001', 'DC', 'CL', 'esx01'],
      ],
      vDisk: [['VM', 'vDiskCapacityMiB', 'Disk'], ['app01', 102400, 'Hard disk 1']],
      vPartition: [['VM', 'Disk', 'vPartitionCapacityMiB'], ['app01', 'C:\\', 100000]],
    });
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [file] });
    const [s] = project.document.inventory.servers;
    expect(s).toMatchObject({ name: 'app01', cpu: { vcpus: 4 }, memoryMiB: 8192, place: { datacenter: 'DC', cluster: 'CL', host: 'esx01' } });
    expect(s!.identity.biosUuid).toBe('4211aaaa-0000-0000-0000-000000000001');
    expect(s!.identity.smbiosUuid).toBe('4211aaaa-0000-0000-0000-000000000001');
    expect(s!.disks[0]!.capacityMiB).toBe(102400);
    expect(s!.partitions[0]!.capacityMiB).toBe(100000);
    expect(s!.nics[0]!.ipv4).toEqual(['10.0.0.5']);
  });

  it('4.x headers in any order, custom attributes anywhere, True/False strings, serial dates, joins by UUID across two vCenters', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'v4.xlsx', {
      vInfo: [
        ['Owner team', 'VM', 'Template', 'Powerstate', 'Memory', 'CPUs', 'Provisioned MiB', 'In Use MiB', 'Annotation', 'Backup policy', 'VM ID', 'VM UUID', 'SMBIOS UUID', 'VI SDK Server', 'VI SDK UUID', 'Firmware', 'EFI Secure boot', 'CBT'],
        ['Payments', 'web', 'False', 'poweredOn', 4096, 2, 40960, 20480, 'front end', 'gold', 'vm-1', 'u-1', 's-1', 'vc-a', 'A', 'efi', 'True', 'True'],
        ['', 'web', 'True', 'poweredOff', 2048, 1, 20480, 1024, '', 'bronze', 'vm-1', 'u-2', 's-2', 'vc-b', 'B', 'bios', 'False', 'False'],
      ],
      vSnapshot: [['VM', 'VM UUID', 'Name', 'Date / time', 'Size MiB (total)'], ['web', 'u-2', 'before patch', 45000.5, 100]],
      vCPU: [['VM', 'VM ID', 'VI SDK UUID', 'CPUs', 'Sockets', 'Cores p/s'], ['web', 'vm-1', 'A', 2, 1, 2]],
      vNetwork: [['VM', 'SMBIOS UUID', 'NIC label', 'Network', 'Mac Address', 'IPv4 Address', 'Connected'], ['web', 's-1', 'Network adapter 1', 'prod', '00:50:56:AA:BB:CC', '10.1.1.1, 10.1.1.2', 'True']],
      vMemory: [['VM', 'Size MiB', 'Active'], ['web', 4096, 1024]],
    });
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [file] });
    const [a, b] = project.document.inventory.servers;
    expect(a!.tags).toEqual({ 'Owner team': 'Payments', 'Backup policy': 'gold' });
    expect(a!.provenance['tags.Backup policy']).toContain('custom attribute');
    expect(b!.state).toMatchObject({ template: true, power: 'poweredOff' });
    expect(a!.firmware).toEqual({ type: 'efi', secureBoot: true });
    expect(a!.cbt).toBe(true);
    expect(a!.vmManager).toEqual({ type: 'vsphere', name: 'vc-a', id: 'A' });
    // Snapshot joined by VM UUID to the second "web"; date converted from the Excel serial.
    expect(a!.snapshots).toEqual([]);
    expect(b!.snapshots).toEqual([{ name: 'before patch', createdAt: '2023-03-15T12:00:00.000Z', sizeMiB: 100 }]);
    expect(a!.cpu).toEqual({ vcpus: 2, sockets: 1, coresPerSocket: 2 });
    expect(a!.nics).toEqual([{ label: 'Network adapter 1', network: 'prod', mac: '00:50:56:aa:bb:cc', connected: true, ipv4: ['10.1.1.1', '10.1.1.2'], ipv6: [] }]);
    // The vMemory row has only a name, shared by two VMs: skipped with the reason, not guessed.
    expect(() => ProjectDocumentSchema.parse(project.document)).not.toThrow();
    expect(report.skipped).toEqual([expect.objectContaining({ sheet: 'vMemory', row: 2, value: 'web', reason: expect.stringContaining('several VMs') })]);
  });

  it('reads the old `vCenter UUID` header', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'old.xlsx', { vInfo: [['VM', 'Powerstate', 'CPUs', 'Memory', 'vCenter UUID', 'VM ID'], ['x', 'poweredOn', 1, 1024, 'VC-UUID', 'vm-9']] });
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [file] });
    expect(project.document.inventory.servers[0]!.vmManager.id).toBe('VC-UUID');
  });
});

const VINFO_CSV = [['VM', 'Powerstate', 'CPUs', 'Memory', 'Provisioned MiB', 'In Use MiB'], ['a', 'poweredOn', '2', '4096', '10240', '5120'], ['b', 'poweredOff', '1', '2048', '20480', '1024']];
const VDISK_CSV = [['VM', 'Disk', 'Capacity MiB', 'Thin'], ['a', 'Hard disk 1', '10240', 'True'], ['b', 'Hard disk 1', '20480', 'False']];

describe('RVTools CSV exports', () => {
  it('per-tab CSV files picked together join into one export', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'RVTools_tabvInfo.csv'), toCsv(VINFO_CSV));
    await writeFile(path.join(dir, 'RVTools_tabvDisk.csv'), toCsv(VDISK_CSV));
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [path.join(dir, 'RVTools_tabvInfo.csv'), path.join(dir, 'RVTools_tabvDisk.csv')] });
    expect(report.servers).toBe(2);
    expect(project.document.inventory.servers.map((s) => s.disks[0]?.thin)).toEqual([true, false]);
  });

  it('a zip of per-tab CSV files', async () => {
    const dir = await tempDir();
    const zip = zipSync({ 'export/RVTools_tabvInfo.csv': strToU8(toCsv(VINFO_CSV)), 'export/RVTools_tabvDisk.csv': strToU8(toCsv(VDISK_CSV)), 'export/RVTools_tabvHealth.csv': strToU8('Name,Message\n') });
    await writeFile(path.join(dir, 'rvtools.zip'), zip);
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [path.join(dir, 'rvtools.zip')] });
    expect(project.document.inventory.servers.map((s) => [s.name, s.memoryMiB, s.disks.length])).toEqual([['a', 4096, 1], ['b', 2048, 1]]);
  });

  it('a UTF-16 LE CSV with BOM (Excel "Unicode text") and `;` delimiters with decimal commas', async () => {
    const dir = await tempDir();
    const text = 'VM;Powerstate;CPUs;Memory;Provisioned MiB\r\nsrv-é;poweredOn;2;4096;1.024,5\r\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await writeFile(path.join(dir, 'RVTools_tabvInfo.csv'), utf16);
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [path.join(dir, 'RVTools_tabvInfo.csv')] });
    const [s] = project.document.inventory.servers;
    expect(s!.name).toBe('srv-é');
    expect(s!.storage?.provisionedMiB).toBe(1024.5);
  });
});

describe('other formats', () => {
  it('AWS Migration Hub import CSV with utilization, applications and tags', async () => {
    const dir = await tempDir();
    const rows = [
      ['ExternalId', 'IPAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId', 'OS.Name', 'CPU.NumberOfProcessors', 'CPU.NumberOfLogicalCores', 'RAM.TotalSizeInMB', 'CPU.UsagePct.Avg', 'CPU.UsagePct.Max', 'RAM.UsedSizeInMB.Avg', 'Applications', 'Tags'],
      ['ext-1', '10.0.0.1', 'db1.corp.local', 'vm-42', 'vc-1', 'Red Hat Enterprise Linux 8', '2', '8', '16384', '12.5', '80', '8192', 'billing', 'env:prod;owner:ops'],
      // No ExternalId, but an IP address and a host name: the template needs only one identifying field.
      ['', '10.0.0.2', 'orphan', '', '', '', '', '', '', '', '', '', '', ''],
      // Only half of the VMware pair: not an identifier on its own.
      ['', '', '', 'vm-77', '', 'Windows Server 2019', '', '4', '', '', '', '', '', ''],
      ['', '', '', '', '', 'Ubuntu', '', '', '', '', '', '', '', 'env:dev'],
    ];
    await writeFile(path.join(dir, 'mh.csv'), toCsv(rows));
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [path.join(dir, 'mh.csv')] });
    expect(report.files[0]!.kind).toBe('migration-hub-csv');
    const [s] = project.document.inventory.servers;
    expect(s).toMatchObject({ name: 'db1.corp.local', cpu: { vcpus: 8, sockets: 2 }, memoryMiB: 16384, os: { family: 'linux' }, identity: { externalId: 'ext-1', moref: 'vm-42', fqdn: 'db1.corp.local' } });
    expect(s!.utilization).toMatchObject({ cpuAvgPct: 12.5, cpuMaxPct: 80, memAvgPct: 50 });
    expect(s!.tags).toMatchObject({ env: 'prod', owner: 'ops', application: 'billing' });
    expect(project.document.inventory.servers.map((x) => x.name)).toEqual(['db1.corp.local', 'orphan']);
    expect(project.document.inventory.servers[1]!.identity.externalId).toBeUndefined();
    expect(report.skipped).toEqual([
      expect.objectContaining({ row: 4, column: 'VMware.VCenterId (E)', reason: expect.stringContaining('only together') }),
      expect.objectContaining({ row: 5, column: 'ExternalId (A)', reason: expect.stringContaining('no identifying field') }),
    ]);
  });

  it('Azure Migrate CSV with N disk columns', async () => {
    const dir = await tempDir();
    const rows = [
      ['*Server name', 'IP addresses', '*Cores', '*Memory (In MB)', '*OS name', 'OS version', 'Boot type', 'Number of disks', 'Disk 1 size (In GB)', 'Disk 2 size (In GB)', 'CPU utilization percentage'],
      ['az1', '10.2.0.4;10.2.0.5', '4', '8192', 'Windows Server 2016', '', 'UEFI', '2', '128', '512', '20'],
      ['az2', '', 'four', '4096', 'Ubuntu', '', 'BIOS', '1', '64', '', ''],
    ];
    await writeFile(path.join(dir, 'az.csv'), toCsv(rows));
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [path.join(dir, 'az.csv')] });
    const [a, b] = project.document.inventory.servers;
    expect(a).toMatchObject({ cpu: { vcpus: 4 }, memoryMiB: 8192, firmware: { type: 'efi' }, os: { family: 'windows' } });
    expect(a!.disks.map((d) => d.capacityMiB)).toEqual([131072, 524288]);
    expect(a!.nics[0]!.ipv4).toEqual(['10.2.0.4', '10.2.0.5']);
    expect(b!.cpu.vcpus).toBe(0);
    expect(report.skipped[0]).toMatchObject({ row: 3, column: '*Cores (C)', value: 'four' });
  });
});
