// Parsers of the local hypervisor sources (VirtualBox, VMware Workstation, Hyper-V) on output written from each
// tool's documented format, their mapping into the inventory model, and fuzzing: bad input is a typed error.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import { ServerSchema } from '../../../../main/common/model/server';
import { parseListVms, parseMachineReadable, parseMediumInfo, vboxArgs, vmFromSettings } from '../../../../main/discovery/virtualbox/virtualbox-discovery';
import { parseVmx, vmdkInfo, vmFromVmx, vmxUuid } from '../../../../main/discovery/vmware-workstation/vmx-discovery';
import { HYPERV_SCRIPT, HYPERV_SETS, asList, parseKvpItems, checkHost, parseHyperV, parsePsJson, powershellCommand, psDate, type HyperVSets } from '../../../../main/discovery/hyperv/hyperv-discovery';
import { serverFromHvVm, serverFromVbVm, serverFromVmx, vmwareGuestFamily } from '../../../../main/services/discovery/discovery.mappers';

const FIX = path.resolve(import.meta.dirname, '../../../fixtures/discovery');
const fixture = (f: string) => readFileSync(path.join(FIX, f), 'utf8');

describe('VirtualBox', () => {
  it('reads list vms and showvminfo --machinereadable: quoted keys and values, controllers, disks (not DVDs), NICs', () => {
    expect(parseListVms('"web \\"01\\"" {2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f}\n"db01" {5E6F7A8B-9C0D-4E1F-8A2B-3C4D5E6F7A8B}\nnoise\n')).toEqual([
      { name: 'web \\"01\\"', uuid: '2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f' },
      { name: 'db01', uuid: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' },
    ]);
    const vm = vmFromSettings(parseMachineReadable(fixture('vbox-showvminfo-web.txt')));
    expect(vm).toMatchObject({ name: 'web "01"', uuid: '2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f', osType: 'Windows 2019 (64-bit)', memoryMiB: 4096, cpus: 2, firmware: 'EFI', state: 'running', groups: '/Lab', description: 'IIS front end\nowner: web team' });
    expect(vm.disks).toEqual([
      { slot: 'SATA-0-0', controller: 'SATA', controllerType: 'IntelAhci', path: '/home/ana/VirtualBox VMs/web 01/web 01.vdi', imageUuid: '8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
      { slot: 'SATA-1-0', controller: 'SATA', controllerType: 'IntelAhci', path: '/home/ana/VirtualBox VMs/web 01/data.vmdk', imageUuid: '9b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e' },
    ]);
    expect(vm.nics).toEqual([
      { index: 1, attachment: 'nat', mac: '08:00:27:1a:2b:3c', adapterType: '82540EM', network: 'nat', connected: true },
      { index: 2, attachment: 'hostonly', mac: '08:00:27:aa:bb:cc', adapterType: 'virtio', network: 'vboxnet0', connected: false },
    ]);
    expect(parseMediumInfo(fixture('vbox-mediuminfo-vdi.txt'))).toEqual({ capacityBytes: 51200 * 1048576, usedBytes: 12034 * 1048576, format: 'VDI', variant: 'dynamic default' });
  });

  it('maps a VM to a server: SMBIOS UUID, EFI, power, sizes, thin from the variant', () => {
    const vm = vmFromSettings(parseMachineReadable(fixture('vbox-showvminfo-web.txt')));
    Object.assign(vm.disks[0]!, parseMediumInfo(fixture('vbox-mediuminfo-vdi.txt')));
    Object.assign(vm.disks[1]!, parseMediumInfo(fixture('vbox-mediuminfo-vmdk.txt')));
    const s = ServerSchema.parse({ ...serverFromVbVm(vm, 'laptop'), id: 'x' });
    expect(s).toMatchObject({ name: 'web "01"', source: { kind: 'virtualbox' }, vmManager: { type: 'virtualbox', name: 'laptop' }, identity: { smbiosUuid: '2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f' }, state: { power: 'poweredOn' }, os: { family: 'windows' }, firmware: { type: 'efi' }, cpu: { vcpus: 2 }, memoryMiB: 4096 });
    expect(s.disks.map((d) => [d.label, d.capacityMiB, d.thin, d.format])).toEqual([['SATA-0-0', 51200, true, 'vdi'], ['SATA-1-0', 10240, false, 'vmdk']]);
    expect(s.provenance['identity.smbiosUuid']).toMatch(/hardwareuuid/);
  });

  it('names VMs and disks by UUID in argv, never by a name that could be an option', () => {
    expect(vboxArgs.list()).toEqual(['list', 'vms']);
    expect(vboxArgs.showvminfo('5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b')).toEqual(['showvminfo', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', '--machinereadable']);
    expect(vboxArgs.showmediuminfo('6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c')).toEqual(['showmediuminfo', 'disk', '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c']);
    expect(() => vboxArgs.showvminfo('--help')).toThrow(expect.objectContaining({ code: 'discovery-malformed-response' }));
  });

  it('reads Windows paths escaped (VirtualBox 6.1+) and bare (older), and quoted numbers', () => {
    const vm = vmFromSettings(parseMachineReadable('name="w"\nUUID="5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"\ncpus="2"\nmemory="4096"\nstoragecontrollername0="SATA"\n"SATA-0-0"="C:\\\\VMs\\\\new\\\\w.vdi"\n"SATA-1-0"="D:\\lab\\w2.vdi"\n'));
    expect(vm.disks.map((d) => d.path)).toEqual(['C:\\VMs\\new\\w.vdi', 'D:\\lab\\w2.vdi']);
    expect([vm.cpus, vm.memoryMiB]).toEqual([2, 4096]);
  });

  it('settings without a name or UUID are a typed error', () => {
    expect(() => vmFromSettings(parseMachineReadable('memory=1024\n'))).toThrow(expect.objectContaining({ code: 'discovery-malformed-response' }));
  });
});

const VMX = `.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "19"
displayName = "Build Server"
guestOS = "windows2019srv-64"
firmware = "efi"
uefi.secureBoot.enabled = "TRUE"
numvcpus = "4"
cpuid.coresPerSocket = "2"
memsize = "8192"
annotation = "CI agent|0Aowner: platform |22team|22"
uuid.bios = "56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
nvme0.present = "TRUE"
nvme0:0.present = "TRUE"
nvme0:0.fileName = "Build Server.vmdk"
sata0.present = "TRUE"
sata0:1.present = "TRUE"
sata0:1.deviceType = "cdrom-image"
sata0:1.fileName = "/isos/win.iso"
scsi0.present = "FALSE"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "old.vmdk"
scsi1.present = "TRUE"
scsi1:0.present = "TRUE"
scsi1:0.fileName = "../shared/data.vmdk"
scsi1:0.mode = "independent-persistent"
ethernet0.present = "TRUE"
ethernet0.connectionType = "nat"
ethernet0.virtualDev = "e1000e"
ethernet0.addressType = "generated"
ethernet0.generatedAddress = "00:0C:29:AB:CD:EF"
ethernet0.startConnected = "TRUE"
ethernet1.present = "TRUE"
ethernet1.connectionType = "custom"
ethernet1.vnet = "VMnet2"
ethernet1.address = "00:50:56:3F:00:01"
ethernet2.present = "FALSE"
# a comment = "ignored"
`;

describe('VMware Workstation .vmx', () => {
  it('reads the documented keys: names, CPU, memory, EFI and secure boot, disks (not CD images, not disabled controllers), NICs', () => {
    const vm = vmFromVmx(parseVmx(VMX), '/vms/Build Server/Build Server.vmx');
    expect(vm).toMatchObject({ displayName: 'Build Server', guestOS: 'windows2019srv-64', numvcpus: 4, coresPerSocket: 2, memsizeMiB: 8192, firmware: 'efi', secureBoot: true, biosUuid: '564d1234-5678-9abc-def0-123456789abc', annotation: 'CI agent\nowner: platform "team"' });
    expect(vm.disks.map((d) => [d.slot, d.bus, d.path, d.mode])).toEqual([
      ['nvme0:0', 'nvme', '/vms/Build Server/Build Server.vmdk', undefined],
      ['scsi1:0', 'scsi', '/vms/shared/data.vmdk', 'independent-persistent'],
    ]);
    expect(vm.nics).toEqual([
      { slot: 'ethernet0', mac: '00:0c:29:ab:cd:ef', connectionType: 'nat', virtualDev: 'e1000e', connected: true },
      { slot: 'ethernet1', mac: '00:50:56:3f:00:01', connectionType: 'custom', network: 'VMnet2' },
    ]);
    expect(vmxUuid('not a uuid')).toBeUndefined();
  });

  it('reads a VMDK capacity from a descriptor (extents summed) and from a monolithic sparse header', () => {
    const desc = Buffer.from('# Disk DescriptorFile\nversion=1\ncreateType="twoGbMaxExtentSparse"\n\n# Extent description\nRW 4192256 SPARSE "d-s001.vmdk"\nRW 4192256 SPARSE "d-s002.vmdk"\nRW 2048 SPARSE "d-s003.vmdk"\n');
    expect(vmdkInfo(desc)).toEqual({ capacityBytes: (4192256 * 2 + 2048) * 512, createType: 'twoGbMaxExtentSparse', thin: true, extents: ['d-s001.vmdk', 'd-s002.vmdk', 'd-s003.vmdk'] });
    expect(vmdkInfo(Buffer.from('# Disk DescriptorFile\ncreateType="monolithicFlat"\nRW 83886080 FLAT "d-flat.vmdk" 0\n'))).toEqual({ capacityBytes: 83886080 * 512, createType: 'monolithicFlat', thin: false, extents: ['d-flat.vmdk'] });
    const head = Buffer.alloc(4096);
    head.write('KDMV', 0, 'latin1');
    head.writeUInt32LE(1, 4);
    head.writeBigUInt64LE(20971520n, 12); // 10 GiB in sectors
    head.writeBigUInt64LE(1n, 28); // descriptor at sector 1
    head.writeBigUInt64LE(1n, 36);
    head.write('# Disk DescriptorFile\ncreateType="monolithicSparse"\n', 512, 'latin1');
    expect(vmdkInfo(head)).toEqual({ capacityBytes: 10 * 1024 ** 3, createType: 'monolithicSparse', thin: true });
    expect(vmdkInfo(Buffer.from('random bytes'))).toEqual({});
  });

  it('maps a .vmx to a server', () => {
    const vm = vmFromVmx(parseVmx(VMX), '/vms/b/b.vmx');
    vm.disks[0]!.capacityBytes = 64 * 1024 ** 3;
    vm.power = 'poweredOff';
    const s = ServerSchema.parse({ ...serverFromVmx(vm, '/vms'), id: 'x' });
    expect(s).toMatchObject({ source: { kind: 'vmware-workstation', name: '/vms' }, identity: { biosUuid: '564d1234-5678-9abc-def0-123456789abc' }, os: { family: 'windows' }, firmware: { type: 'efi', secureBoot: true }, cpu: { vcpus: 4, sockets: 2, coresPerSocket: 2 }, memoryMiB: 8192, state: { power: 'poweredOff' } });
    expect(s.disks[0]).toMatchObject({ label: 'nvme0:0', capacityMiB: 65536, controller: 'nvme', format: 'vmdk' });
    expect(s.disks[1]).toMatchObject({ capacityMiB: 0, mode: 'independent-persistent' });
    expect([vmwareGuestFamily('win10-64'), vmwareGuestFamily('rhel9-64'), vmwareGuestFamily('ubuntu-64'), vmwareGuestFamily('darwin21-64'), vmwareGuestFamily(undefined)]).toEqual(['windows', 'linux', 'linux', 'other', 'unknown']);
  });
});

const savedSets = (): HyperVSets => Object.fromEntries(readdirSync(path.join(FIX, 'hyperv-saved')).map((f) => [f.replace(/\.json$/, ''), parsePsJson(readFileSync(path.join(FIX, 'hyperv-saved', f)), f)]));

describe('Hyper-V', () => {
  it('joins Get-VM, Get-VMHardDiskDrive, Get-VHD, Get-VMNetworkAdapter and Get-VMFirmware as Windows PowerShell 5.1 writes them (numeric enums, /Date()/, a single object bare)', () => {
    const vms = parseHyperV(savedSets());
    expect(vms.map((v) => [v.name, v.state, v.generation, v.secureBoot, v.createdAt])).toEqual([
      ['SQL01', 'Running', 2, true, '2023-01-01T12:00:00.000Z'],
      ['LEGACY-APP', 'Off', 1, undefined, '2015-01-01T00:00:00.000Z'],
    ]);
    const sql = vms[0]!;
    expect(sql.disks).toEqual([
      { controllerType: 'SCSI', controllerNumber: 0, controllerLocation: 0, path: 'C:\\ClusterStorage\\Volume1\\SQL01\\SQL01-os.vhdx', format: 'VHDX', vhdType: 'Dynamic', sizeBytes: 136365211648, fileSizeBytes: 42949672960 },
      { controllerType: 'SCSI', controllerNumber: 0, controllerLocation: 1, path: 'Disk 3 1.00 TB Bus 0 Lun 3 Target 0', diskNumber: 3 },
    ]);
    expect(sql.nics).toEqual([{ name: 'Network Adapter', mac: '00:15:5d:0a:0b:0c', switchName: 'vSwitch-Prod', ipAddresses: ['10.20.30.40', 'fe80::1c2d:3e4f:5a6b:7c8d', '2001:db8::40'], connected: true, legacy: false }]);
    expect(sql.guest).toEqual({ osName: 'Windows Server 2019 Datacenter', osVersion: '10.0.17763', fqdn: 'sql01.corp.example', ipv4: ['10.20.30.40'], ipv6: ['fe80::1c2d:3e4f:5a6b:7c8d', '2001:db8::40'] });
    expect(vms[1]!.guest).toBeUndefined();
    const s = ServerSchema.parse({ ...serverFromHvVm(sql, 'hv'), id: 'x' });
    expect(s).toMatchObject({ os: { reported: 'Windows Server 2019 Datacenter 10.0.17763', family: 'windows' }, identity: { hostName: 'sql01', fqdn: 'sql01.corp.example' } });
    expect(s).toMatchObject({ source: { kind: 'hyperv' }, vmManager: { type: 'hyperv', name: 'HV-NODE1' }, identity: { externalId: 'hyperv-vmid:6c8a9e54-3f1b-4c1e-9d7a-1e2f3a4b5c6d' }, state: { power: 'poweredOn' }, firmware: { type: 'efi', secureBoot: true }, cpu: { vcpus: 8 }, memoryMiB: 16384 });
    expect(s.disks.map((d) => [d.label, d.capacityMiB, d.thin, d.rdm, d.format])).toEqual([['SCSI 0:0', 130048, true, undefined, 'vhdx'], ['SCSI 0:1', 0, undefined, true, undefined]]);
    expect(s.nics[0]).toMatchObject({ ipv4: ['10.20.30.40'], ipv6: ['2001:db8::40'] });
    const legacy = ServerSchema.parse({ ...serverFromHvVm(vms[1]!, 'hv'), id: 'y' });
    expect(legacy).toMatchObject({ state: { power: 'poweredOff' }, firmware: { type: 'bios' }, disks: [{ controller: 'IDE', capacityMiB: 40960, thin: false, format: 'vhd' }] });
  });

  it('reads enums written as names (PowerShell 7 -EnumsAsStrings), GUIDs as objects, ISO dates', () => {
    const vms = parseHyperV({
      'Get-VM': { Name: 'web', VMId: { Guid: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}' }, State: 'Saved', ProcessorCount: 2, MemoryStartup: 2147483648, Generation: 2, CreationTime: '2024-03-01T10:00:00+00:00' },
      'Get-VMHardDiskDrive': [{ VMName: 'web', ControllerType: 'SCSI', ControllerNumber: 0, ControllerLocation: 0, Path: 'C:\\vm\\web.vhdx' }],
      'Get-VHD': { Path: 'c:\\VM\\WEB.vhdx', VhdFormat: 'VHDX', VhdType: 'Fixed', Size: 1073741824 },
      'Get-VMFirmware': { VMName: 'web', SecureBoot: 'Off' },
    });
    expect(vms[0]).toMatchObject({ vmId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', state: 'Saved', secureBoot: false, createdAt: '2024-03-01T10:00:00.000Z', disks: [{ controllerType: 'SCSI', format: 'VHDX', vhdType: 'Fixed', sizeBytes: 1073741824 }] });
    expect(psDate('/Date(0)/')).toBe('1970-01-01T00:00:00.000Z');
    expect(psDate({ value: '/Date(1000)/', DisplayHint: 2 })).toBe('1970-01-01T00:00:01.000Z');
    expect(asList(null)).toEqual([]);
  });

  it('runs PowerShell without a shell: locally, and on a host through Invoke-Command (argv checked exactly)', () => {
    expect(powershellCommand({ platform: 'win32' })).toEqual({ file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', HYPERV_SCRIPT] });
    expect(powershellCommand({ platform: 'linux', host: 'localhost' })).toEqual({ file: 'pwsh', args: ['-NoProfile', '-NonInteractive', '-Command', HYPERV_SCRIPT] });
    expect(powershellCommand({ platform: 'win32', host: 'hv01.corp.example' })).toEqual({
      file: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', `Invoke-Command -ComputerName 'hv01.corp.example' -ErrorAction Stop -ScriptBlock {\n${HYPERV_SCRIPT}\n}`],
    });
    for (const cmdlet of ['Get-VM', 'Get-VMHardDiskDrive', 'Get-VHD', 'Get-VMNetworkAdapter', 'ConvertTo-Json -Depth 4']) expect(HYPERV_SCRIPT).toContain(cmdlet);
    for (const bad of ["hv01'; Remove-Item C:\\ -Recurse; '", 'hv 01', '$(whoami)', '-x', '']) expect(() => checkHost(bad)).toThrow(expect.objectContaining({ code: 'discovery-unreachable' }));
  });

  it('the offline script saves the files the parser reads, with the same selections as the live script', () => {
    const ps1 = readFileSync(path.resolve(import.meta.dirname, '../../../../assets/discovery/hyperv-inventory.ps1'), 'utf8');
    const lines = HYPERV_SCRIPT.split('\n').filter((l) => /^'[\w-]+' = @\(/.test(l));
    expect(lines.map((l) => /^'([^']+)'/.exec(l)![1])).toEqual([...HYPERV_SETS]);
    for (const line of lines) {
      const [, name, select] = /^'([^']+)' = @\(.*?(Select-Object [^)]+)\)$/.exec(line)!;
      expect(ps1).toContain(`Save '${name}'`);
      expect(ps1).toContain(select);
    }
  });

  it('output that is not JSON, or a Get-VM entry without a name or id, is a typed error', () => {
    expect(() => parsePsJson('Get-VM : The term is not recognized', 'x')).toThrow(expect.objectContaining({ code: 'discovery-malformed-response' }));
    expect(() => parseHyperV({ 'Get-VM': [{ Name: 'a' }] })).toThrow(expect.objectContaining({ code: 'discovery-malformed-response' }));
    expect(parsePsJson(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[1]', 'utf16le')]), 'x')).toEqual([1]);
  });
});

describe('fuzzed parsers: any input gives a result or a typed discovery error', () => {
  const seeds = [fixture('vbox-showvminfo-web.txt'), fixture('vbox-mediuminfo-vdi.txt'), VMX, readFileSync(path.join(FIX, 'hyperv-saved/Get-VM.json'), 'utf8')];
  const input = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.json({ maxDepth: 4 }),
    fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ maxLength: 40 })).map(([s, a, b, ins]) => {
      const i = a % (s.length + 1);
      return s.slice(0, i) + ins + s.slice(Math.min(s.length, i + (b % 200)));
    }),
  );
  const typed = (e: unknown) => {
    if (!isWorkbenchError(e) || !String((e as { code: string }).code).startsWith('discovery-')) throw e;
  };
  const parsers: [string, (s: string) => unknown][] = [
    ['showvminfo', (s) => vmFromSettings(parseMachineReadable(s))],
    ['list vms', parseListVms],
    ['showmediuminfo', parseMediumInfo],
    ['vmx', (s) => vmFromVmx(parseVmx(s), '/x/y.vmx')],
    ['vmdk', (s) => vmdkInfo(Buffer.from(s, 'latin1'))],
    ['hyper-v json', (s) => {
      const j = parsePsJson(s, 'x');
      return parseHyperV(j && typeof j === 'object' && !Array.isArray(j) ? (j as HyperVSets) : { 'Get-VM': j });
    }],
    ['kvp items', (s) => parseKvpItems([s, s.replace(/^[^<]*/, '')])],
    ['hyper-v sets', (s) => parseHyperV(Object.fromEntries([...HYPERV_SETS].map((k) => [k, (() => { try { return JSON.parse(s) as unknown; } catch { return s; } })()])))],
  ];
  for (const [name, parse] of parsers) {
    it(name, () => {
      fc.assert(
        fc.property(input, (s) => {
          try {
            expect(JSON.stringify(parse(s) ?? null).length).toBeLessThan(8 * 1024 * 1024);
          } catch (e) {
            typed(e);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
  it('hyper-v: arbitrary JSON objects shaped like cmdlet output', () => {
    const entry = fc.dictionary(fc.constantFrom('Name', 'VMId', 'VMName', 'State', 'ProcessorCount', 'MemoryStartup', 'Path', 'Size', 'VhdType', 'ControllerType', 'MacAddress', 'IPAddresses', 'SecureBoot', 'CreationTime', 'DiskNumber'), fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.uuid(), fc.array(fc.string(), { maxLength: 3 })));
    fc.assert(
      fc.property(fc.record({ 'Get-VM': fc.oneof(entry, fc.array(entry, { maxLength: 4 })), 'Get-VMHardDiskDrive': fc.array(entry, { maxLength: 4 }), 'Get-VHD': fc.array(entry, { maxLength: 4 }), 'Get-VMNetworkAdapter': entry }), (sets) => {
        try {
          for (const vm of parseHyperV(sets)) ServerSchema.parse({ ...serverFromHvVm(vm, 'h'), id: 'x' });
        } catch (e) {
          typed(e);
        }
      }),
      { numRuns: 300 },
    );
  });
});
