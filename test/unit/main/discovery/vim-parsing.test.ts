import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRetrieveResult, soapBody } from '../../../../main/discovery/vcenter/vim-client';
import { vmFromObject } from '../../../../main/discovery/vcenter/vcenter-discovery';
import { normalizeThumbprint, isThumbprint } from '../../../../main/discovery/vcenter/transport';
import { parseXml, child } from '../../../../main/discovery/xml';
import { DiscoveryError } from '../../../../main/discovery/errors';
import { serverFromVcVm } from '../../../../main/services/discovery/discovery.mappers';
import { ServerSchema } from '../../../../main/common/model/server';

const env = (body: string) =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

// The shape vcsim and vCenter send (vcsim writes xsi:type with the prefix "XMLSchema-instance").
const VM = `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>t1</token><objects><obj type="VirtualMachine">vm-42</obj>
<propSet><name>name</name><val XMLSchema-instance:type="xsd:string">db01</val></propSet>
<propSet><name>config.uuid</name><val>4211aaaa-0000-0000-0000-000000000001</val></propSet>
<propSet><name>config.instanceUuid</name><val>5011bbbb-0000-0000-0000-000000000001</val></propSet>
<propSet><name>config.guestFullName</name><val>Microsoft Windows Server 2019 (64-bit)</val></propSet>
<propSet><name>config.hardware.numCPU</name><val>8</val></propSet>
<propSet><name>config.hardware.numCoresPerSocket</name><val>4</val></propSet>
<propSet><name>config.hardware.memoryMB</name><val>16384</val></propSet>
<propSet><name>config.firmware</name><val>efi</val></propSet>
<propSet><name>config.template</name><val>false</val></propSet>
<propSet><name>config.changeTrackingEnabled</name><val>true</val></propSet>
<propSet><name>runtime.powerState</name><val>poweredOn</val></propSet>
<propSet><name>runtime.host</name><val type="HostSystem">host-1</val></propSet>
<propSet><name>parent</name><val type="Folder">group-v3</val></propSet>
<propSet><name>guest.hostName</name><val>db01.corp.local</val></propSet>
<propSet><name>guest.ipAddress</name><val>10.0.0.5</val></propSet>
<propSet><name>guest.net</name><val XMLSchema-instance:type="ArrayOfGuestNicInfo"><GuestNicInfo><macAddress>00:50:56:AA:00:01</macAddress><ipAddress>10.0.0.5</ipAddress><ipAddress>fe80::1</ipAddress></GuestNicInfo></val></propSet>
<propSet><name>snapshot</name><val><rootSnapshotList><name>before patch</name><createTime>2026-01-01T00:00:00Z</createTime><childSnapshotList><name>after</name></childSnapshotList></rootSnapshotList></val></propSet>
<propSet><name>config.hardware.device</name><val XMLSchema-instance:type="ArrayOfVirtualDevice">
 <VirtualDevice XMLSchema-instance:type="ParaVirtualSCSIController"><key>1000</key><deviceInfo><label>SCSI controller 0</label></deviceInfo></VirtualDevice>
 <VirtualDevice XMLSchema-instance:type="VirtualDisk"><key>2000</key><deviceInfo><label>Hard disk 1</label></deviceInfo><backing XMLSchema-instance:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds1] db01/db01.vmdk</fileName><diskMode>persistent</diskMode><thinProvisioned>true</thinProvisioned><sharing>sharingNone</sharing></backing><controllerKey>1000</controllerKey><capacityInKB>41943040</capacityInKB></VirtualDevice>
 <VirtualDevice XMLSchema-instance:type="VirtualDisk"><key>2001</key><deviceInfo><label>Hard disk 2</label></deviceInfo><backing XMLSchema-instance:type="VirtualDiskRawDiskMappingVer1BackingInfo"><fileName>[ds1] db01/rdm.vmdk</fileName><compatibilityMode>physicalMode</compatibilityMode><diskMode>independent_persistent</diskMode><sharing>sharingMultiWriter</sharing></backing><controllerKey>1000</controllerKey><capacityInKB>1048576</capacityInKB></VirtualDevice>
 <VirtualDevice XMLSchema-instance:type="VirtualVmxnet3"><key>4000</key><deviceInfo><label>Network adapter 1</label></deviceInfo><backing XMLSchema-instance:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port><portgroupKey>dvportgroup-9</portgroupKey></port></backing><connectable><connected>true</connected></connectable><macAddress>00:50:56:aa:00:01</macAddress></VirtualDevice>
</val></propSet></objects></returnval></RetrievePropertiesExResponse>`;

const places = new Map([
  ['HostSystem:host-1', { type: 'HostSystem', name: 'esx01.corp', parent: { type: 'ClusterComputeResource', value: 'domain-c7' } }],
  ['ClusterComputeResource:domain-c7', { type: 'ClusterComputeResource', name: 'Prod', parent: { type: 'Folder', value: 'group-h4' } }],
  ['Folder:group-h4', { type: 'Folder', name: 'host', parent: { type: 'Datacenter', value: 'datacenter-2' } }],
  ['Folder:group-v3', { type: 'Folder', name: 'Databases', parent: { type: 'Datacenter', value: 'datacenter-2' } }],
  ['Datacenter:datacenter-2', { type: 'Datacenter', name: 'DC-East' }],
  ['DistributedVirtualPortgroup:dvportgroup-9', { type: 'DistributedVirtualPortgroup', name: 'VLAN-20-DB' }],
]);

describe('vSphere SOAP answer parsing', () => {
  it('reads a VM with disks (thin, RDM, multi-writer, independent), NICs, guest IPs, snapshots and places', () => {
    const page = parseRetrieveResult(child(soapBody(env(VM), 200, 'vc'), 'returnval'));
    expect(page.token).toBe('t1');
    const vm = vmFromObject(page.objects[0]!, places);
    expect(vm).toMatchObject({ moref: 'vm-42', name: 'db01', numCPU: 8, coresPerSocket: 4, memoryMB: 16384, firmware: 'efi', cbt: true, powerState: 'poweredOn', host: 'esx01.corp', cluster: 'Prod', datacenter: 'DC-East', folder: 'Databases' });
    expect(vm.disks).toEqual([
      { label: 'Hard disk 1', capacityKB: 41943040, controller: 'SCSI controller 0', fileName: '[ds1] db01/db01.vmdk', thin: true, diskMode: 'persistent', sharing: 'sharingNone', rdm: false },
      { label: 'Hard disk 2', capacityKB: 1048576, controller: 'SCSI controller 0', fileName: '[ds1] db01/rdm.vmdk', diskMode: 'independent_persistent', sharing: 'sharingMultiWriter', rdm: true, compatibilityMode: 'physicalMode' },
    ]);
    expect(vm.nics).toEqual([{ label: 'Network adapter 1', adapterType: 'Vmxnet3', mac: '00:50:56:aa:00:01', network: 'VLAN-20-DB', connected: true, ipAddresses: ['10.0.0.5', 'fe80::1'] }]);
    expect(vm.snapshots.map((s) => s.name)).toEqual(['before patch', 'after']);
    const s = ServerSchema.parse(serverFromVcVm(vm, { name: 'vc.corp', instanceUuid: 'VC-UUID' }));
    expect(s).toMatchObject({
      vmManager: { type: 'vsphere', id: 'VC-UUID', name: 'vc.corp' },
      identity: { moref: 'vm-42', instanceUuid: '5011bbbb-0000-0000-0000-000000000001', biosUuid: '4211aaaa-0000-0000-0000-000000000001', hostName: 'db01', fqdn: 'db01.corp.local' },
      place: { datacenter: 'DC-East', cluster: 'Prod', host: 'esx01.corp', folder: 'Databases' },
      os: { family: 'windows' },
      firmware: { type: 'efi' },
      cpu: { vcpus: 8, sockets: 2, coresPerSocket: 4 },
      memoryMiB: 16384,
      cbt: true,
    });
    expect(s.disks[0]).toMatchObject({ capacityMiB: 40960, thin: true, shared: false, rdm: false });
    expect(s.disks[1]).toMatchObject({ capacityMiB: 1024, rdm: true, shared: true, mode: 'independent_persistent' });
    expect(s.nics[0]).toMatchObject({ ipv4: ['10.0.0.5'], ipv6: ['fe80::1'], network: 'VLAN-20-DB' });
  });

  it('turns faults into typed errors without echoing what was sent', () => {
    const fault = (type: string, msg: string) => env(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${msg}</faultstring><detail><${type}Fault xmlns="urn:vim25" XMLSchema-instance:type="${type}"/></detail></soapenv:Fault>`);
    expect(() => soapBody(fault('InvalidLogin', 'Login failure'), 500, 'vc')).toThrow(expect.objectContaining({ code: 'discovery-auth-failed' }));
    expect(() => soapBody(fault('NotAuthenticated', 'session'), 500, 'vc')).toThrow(expect.objectContaining({ code: 'discovery-auth-failed' }));
    expect(() => soapBody(fault('InvalidArgument', 'x'.repeat(5000)), 500, 'vc')).toThrow(expect.objectContaining({ code: 'discovery-failed' }));
    try {
      soapBody(fault('InvalidArgument', 'x'.repeat(5000)), 500, 'vc');
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(300);
    }
    expect(() => soapBody('<html>nope</html>', 404, 'vc')).toThrow(expect.objectContaining({ code: 'discovery-failed' }));
    expect(() => soapBody('<a><b></a>', 200, 'vc')).toThrow(expect.objectContaining({ code: 'discovery-malformed-response' }));
  });

  it('normalizes thumbprints', () => {
    expect(normalizeThumbprint('ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01')).toBe('AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01');
    expect(isThumbprint('AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01')).toBe(true);
    expect(isThumbprint('AB:CD')).toBe(false);
  });

  it('fuzz: any answer, truncated, mutated or random, gives a typed error or a result, never a crash', () => {
    const good = env(VM);
    const parse = (xml: string) => {
      try {
        const body = soapBody(xml, 200, 'vc');
        const page = parseRetrieveResult(child(body, 'returnval'));
        for (const o of page.objects) vmFromObject(o, places);
      } catch (e) {
        if (!(e instanceof DiscoveryError)) throw e;
      }
    };
    fc.assert(
      fc.property(fc.nat(good.length), fc.nat(good.length), fc.string({ maxLength: 20 }), (at, len, ins) => {
        parse(good.slice(0, at));
        parse(good.slice(0, at) + ins + good.slice(Math.min(good.length, at + (len % 40))));
      }),
      { numRuns: 400 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => parse(s)), { numRuns: 300 });
    // Deep nesting is refused, not recursed into.
    expect(() => parseXml('<a>'.repeat(500) + '</a>'.repeat(500))).toThrow(DiscoveryError);
  });
});
