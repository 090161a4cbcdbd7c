/**
 * FAKE Azure Resource Manager endpoint for tests and benchmarks: NOT Azure. A node:https server on 127.0.0.1 (port 0)
 * with a self-signed certificate made at start (openssl, no shell), answering the GETs that @azure/arm-compute and
 * @azure/arm-network send for discovery, with bodies shaped as the official example responses of the
 * Microsoft.Compute and Microsoft.Network REST API specifications (azure-rest-api-specs: VirtualMachines_ListAll,
 * VirtualMachines_List, VirtualMachines_InstanceView, Disks_List, VirtualMachineSizes_List, NetworkInterfaces_ListAll,
 * PublicIPAddresses_ListAll):
 *   GET /subscriptions/{s}/providers/Microsoft.Compute/virtualMachines            pages of `pageSize` with nextLink
 *   GET /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines
 *   GET /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/instanceView
 *   GET /subscriptions/{s}/providers/Microsoft.Compute/disks  (and per resource group)
 *   GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}/vmSizes
 *   GET /subscriptions/{s}/providers/Microsoft.Network/networkInterfaces | publicIPAddresses (and per resource group)
 * Every request must carry `Authorization: Bearer <token>` equal to `token` (else 401 InvalidAuthenticationToken, the
 * ARM error shape); a resource group in `forbidden` answers 403 AuthorizationFailed. `requests` records each call.
 */
import https from 'node:https';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const run = promisify(execFile);

export interface FakeArmVm {
  name: string;
  resourceGroup: string;
  location?: string;
  vmId: string;
  size?: string;
  os?: 'Windows' | 'Linux';
  power?: 'running' | 'deallocated' | 'stopped';
  dataDisksGiB?: number[];
  tags?: Record<string, string>;
  publicIp?: string;
  trustedLaunch?: boolean;
}

export interface FakeArm {
  readonly url: string;
  /** The self-signed certificate (PEM) to trust. */
  readonly ca: string;
  readonly requests: Array<{ path: string; apiVersion: string | null; authorized: boolean }>;
  close(): Promise<void>;
}

export interface FakeArmOptions {
  subscriptionId: string;
  token: string;
  vms: FakeArmVm[];
  pageSize?: number;
  forbidden?: string[];
  /** Work directory for the key and certificate (a test temp dir). */
  dir: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl. */
export async function selfSignedCert(dir: string): Promise<{ key: string; cert: string }> {
  const key = path.join(dir, 'fake-arm.key');
  const cert = path.join(dir, 'fake-arm.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=fake-arm.localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { timeout: 30_000 });
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
}

export async function startFakeArm(o: FakeArmOptions): Promise<FakeArm> {
  const { key, cert } = await selfSignedCert(o.dir);
  const requests: FakeArm['requests'] = [];
  const sub = o.subscriptionId;
  const pageSize = o.pageSize ?? 50;
  const rgId = (rg: string) => `/subscriptions/${sub}/resourceGroups/${rg}`;
  const vmId = (v: FakeArmVm) => `${rgId(v.resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${v.name}`;
  const nicId = (v: FakeArmVm) => `${rgId(v.resourceGroup)}/providers/Microsoft.Network/networkInterfaces/${v.name}-nic`;
  const pipId = (v: FakeArmVm) => `${rgId(v.resourceGroup)}/providers/Microsoft.Network/publicIPAddresses/${v.name}-ip`;
  const diskId = (v: FakeArmVm, n: string) => `${rgId(v.resourceGroup)}/providers/Microsoft.Compute/disks/${n}`;
  const loc = (v: FakeArmVm) => v.location ?? 'westeurope';

  // As VirtualMachines_ListAll_MaximumSet_Gen / VirtualMachines_List: the VM resource with its properties.
  const vmBody = (v: FakeArmVm) => ({
    name: v.name,
    id: vmId(v),
    type: 'Microsoft.Compute/virtualMachines',
    location: loc(v),
    tags: v.tags ?? {},
    ...(v.trustedLaunch ? { zones: ['1'] } : {}),
    properties: {
      vmId: v.vmId,
      hardwareProfile: { vmSize: v.size ?? 'Standard_D2s_v3' },
      storageProfile: {
        imageReference: v.os === 'Linux' ? { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest', exactVersion: '22.04.202401010' } : { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2019-Datacenter', version: 'latest', exactVersion: '17763.5329.240105' },
        osDisk: { osType: v.os ?? 'Windows', name: `${v.name}_OsDisk_1`, createOption: 'FromImage', caching: 'ReadWrite', managedDisk: { storageAccountType: 'Premium_LRS', id: diskId(v, `${v.name}_OsDisk_1`) }, deleteOption: 'Detach' },
        dataDisks: (v.dataDisksGiB ?? []).map((gib, lun) => ({ lun, name: `${v.name}_data${lun}`, createOption: 'Empty', caching: 'None', managedDisk: { storageAccountType: 'StandardSSD_LRS', id: diskId(v, `${v.name}_data${lun}`) }, diskSizeGB: gib, toBeDetached: false })),
      },
      osProfile: { computerName: v.name.toLowerCase(), adminUsername: 'azureuser', secrets: [], allowExtensionOperations: true },
      networkProfile: { networkInterfaces: [{ id: nicId(v), properties: { primary: true } }] },
      ...(v.trustedLaunch ? { securityProfile: { uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, securityType: 'TrustedLaunch' } } : {}),
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      provisioningState: 'Succeeded',
      timeCreated: '2023-06-01T08:00:00.000Z',
    },
  });
  // As VirtualMachines_InstanceView_MaximumSet_Gen (trimmed to what a running VM reports).
  const viewBody = (v: FakeArmVm) => ({
    computerName: v.name.toLowerCase(),
    osName: v.os === 'Linux' ? 'ubuntu' : 'Windows Server 2019 Datacenter',
    osVersion: v.os === 'Linux' ? '22.04' : '10.0.17763.5329',
    hyperVGeneration: v.trustedLaunch || v.os === 'Linux' ? 'V2' : 'V1',
    vmAgent: { vmAgentVersion: '2.7.41491.1102', statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready', message: 'GuestAgent is running and processing the extensions.', time: '2024-01-10T10:00:00+00:00' }] },
    disks: [{ name: `${v.name}_OsDisk_1`, statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: '2023-06-01T08:01:00+00:00' }] }],
    statuses: [
      { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: '2023-06-01T08:01:00+00:00' },
      { code: `PowerState/${v.power ?? 'running'}`, level: 'Info', displayStatus: v.power === 'deallocated' ? 'VM deallocated' : v.power === 'stopped' ? 'VM stopped' : 'VM running' },
    ],
  });
  // As Disks_List / NetworkInterfaces_ListAll / PublicIPAddresses_ListAll / VirtualMachineSizes_List.
  const disksOf = (v: FakeArmVm) => [
    { name: `${v.name}_OsDisk_1`, id: diskId(v, `${v.name}_OsDisk_1`), type: 'Microsoft.Compute/disks', location: loc(v), managedBy: vmId(v), sku: { name: 'Premium_LRS', tier: 'Premium' }, properties: { osType: v.os ?? 'Windows', creationData: { createOption: 'FromImage' }, diskSizeGB: 127, diskSizeBytes: 136367308800, diskState: 'Attached', provisioningState: 'Succeeded', timeCreated: '2023-06-01T08:00:00+00:00' } },
    ...(v.dataDisksGiB ?? []).map((gib, lun) => ({ name: `${v.name}_data${lun}`, id: diskId(v, `${v.name}_data${lun}`), type: 'Microsoft.Compute/disks', location: loc(v), managedBy: vmId(v), sku: { name: 'StandardSSD_LRS', tier: 'Standard' }, properties: { creationData: { createOption: 'Empty' }, diskSizeGB: gib, diskState: 'Attached', provisioningState: 'Succeeded' } })),
  ];
  const nicOf = (v: FakeArmVm, i: number) => ({
    name: `${v.name}-nic`,
    id: nicId(v),
    location: loc(v),
    etag: 'W/"00000000-0000-0000-0000-000000000000"',
    type: 'Microsoft.Network/networkInterfaces',
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [{ name: 'ipconfig1', id: `${nicId(v)}/ipConfigurations/ipconfig1`, properties: { provisioningState: 'Succeeded', privateIPAddress: `10.0.${(i >> 8) & 255}.${(i & 255) + 4}`, privateIPAllocationMethod: 'Dynamic', subnet: { id: `${rgId(v.resourceGroup)}/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/app` }, ...(v.publicIp ? { publicIPAddress: { id: pipId(v) } } : {}), primary: true, privateIPAddressVersion: 'IPv4' } }],
      dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: 'test.bx.internal.cloudapp.net' },
      macAddress: `00-0D-3A-${((i >> 16) & 255).toString(16).padStart(2, '0').toUpperCase()}-${((i >> 8) & 255).toString(16).padStart(2, '0').toUpperCase()}-${(i & 255).toString(16).padStart(2, '0').toUpperCase()}`,
      enableAcceleratedNetworking: true,
      enableIPForwarding: false,
      primary: true,
      virtualMachine: { id: vmId(v) },
    },
  });
  const pipOf = (v: FakeArmVm) => ({ name: `${v.name}-ip`, id: pipId(v), location: loc(v), sku: { name: 'Standard' }, properties: { provisioningState: 'Succeeded', ipAddress: v.publicIp, publicIPAddressVersion: 'IPv4', publicIPAllocationMethod: 'Static', idleTimeoutInMinutes: 4, ipConfiguration: { id: `${nicId(v)}/ipConfigurations/ipconfig1` } } });
  const SIZES = [
    { name: 'Standard_B2s', numberOfCores: 2, osDiskSizeInMB: 1047552, resourceDiskSizeInMB: 8192, memoryInMB: 4096, maxDataDiskCount: 4 },
    { name: 'Standard_D2s_v3', numberOfCores: 2, osDiskSizeInMB: 1047552, resourceDiskSizeInMB: 16384, memoryInMB: 8192, maxDataDiskCount: 4 },
    { name: 'Standard_D4s_v5', numberOfCores: 4, osDiskSizeInMB: 1047552, resourceDiskSizeInMB: 0, memoryInMB: 16384, maxDataDiskCount: 8 },
    { name: 'Standard_E8s_v5', numberOfCores: 8, osDiskSizeInMB: 1047552, resourceDiskSizeInMB: 0, memoryInMB: 65536, maxDataDiskCount: 16 },
  ];

  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const authorized = req.headers.authorization === `Bearer ${o.token}`;
    requests.push({ path: url.pathname, apiVersion: url.searchParams.get('api-version'), authorized });
    const send = (status: number, body: unknown) => {
      const data = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': `req-${requests.length}`, 'content-length': Buffer.byteLength(data) });
      res.end(data);
    };
    const armError = (status: number, code: string, message: string) => send(status, { error: { code, message } });
    if (req.method !== 'GET') return armError(405, 'MethodNotAllowed', 'The fake answers GET only.');
    if (!authorized) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    const p = url.pathname.replace(/\/+$/, '').split('/').map(decodeURIComponent);
    // ['', 'subscriptions', sub, ...]
    if (p[1]?.toLowerCase() !== 'subscriptions' || p[2]?.toLowerCase() !== sub) return armError(404, 'SubscriptionNotFound', `The subscription '${p[2] ?? ''}' could not be found.`);
    let rest = p.slice(3);
    let rg: string | undefined;
    if (rest[0]?.toLowerCase() === 'resourcegroups') {
      rg = rest[1];
      rest = rest.slice(2);
      if (rg && (o.forbidden ?? []).some((f) => f.toLowerCase() === rg!.toLowerCase())) {
        return armError(403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read' over scope '/subscriptions/${sub}/resourceGroups/${rg}'.`);
      }
    }
    const inScope = o.vms.filter((v) => !rg || v.resourceGroup.toLowerCase() === rg.toLowerCase());
    const route = rest.join('/').toLowerCase();
    const page = <T>(items: T[]) => {
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const slice = items.slice(skip, skip + pageSize);
      const next = skip + pageSize < items.length ? new URL(url.toString().replace('https://127.0.0.1', `https://127.0.0.1:${(server.address() as AddressInfo).port}`)) : null;
      if (next) next.searchParams.set('$skiptoken', String(skip + pageSize));
      return { value: slice, ...(next ? { nextLink: next.toString() } : {}) };
    };
    if (route === 'providers/microsoft.compute/virtualmachines') return send(200, page(inScope.map(vmBody)));
    const iv = /^providers\/microsoft\.compute\/virtualmachines\/([^/]+)\/instanceview$/.exec(route);
    if (iv && rg) {
      const v = inScope.find((x) => x.name.toLowerCase() === iv[1]);
      return v ? send(200, viewBody(v)) : armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachines/${iv[1]}' under resource group '${rg}' was not found.`);
    }
    if (route === 'providers/microsoft.compute/disks') return send(200, page(inScope.flatMap(disksOf)));
    if (/^providers\/microsoft\.compute\/locations\/[^/]+\/vmsizes$/.test(route)) return send(200, { value: SIZES });
    if (route === 'providers/microsoft.network/networkinterfaces') return send(200, page(o.vms.map((v, i) => [v, i] as const).filter(([v]) => inScope.includes(v)).map(([v, i]) => nicOf(v, i))));
    if (route === 'providers/microsoft.network/publicipaddresses') return send(200, page(inScope.filter((v) => v.publicIp).map(pipOf)));
    return armError(404, 'NotFound', `The fake does not answer ${url.pathname}.`);
  });
  // Idle keep-alive connections stay open a minute (Node's 5 s default races clients reusing them under load).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    ca: cert,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
