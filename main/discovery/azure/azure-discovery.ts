import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import type { TokenCredential } from '@azure/identity';
import { throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError, excerpt } from '../errors';
import { pool } from '../../common/util/pool';

/**
 * Azure VMs of a subscription (all, or chosen resource groups) through the Azure SDK: Compute (virtual machines,
 * their instance view for the power state, managed disks, VM sizes per region) and Network (interfaces and public IP
 * addresses). Loaded only by `mwb discover azure` and the desktop's Azure discovery (`import()`): no other command
 * pays for the SDK.
 */

export interface AzDisk {
  label: string;
  name?: string;
  /** The managed disk's resource id, or the VHD's URI for an unmanaged disk. */
  id?: string;
  sizeGiB?: number;
  lun?: number;
  storageType?: string;
  os?: boolean;
}

export interface AzNic {
  id: string;
  name?: string;
  mac?: string;
  primary?: boolean;
  privateIps: string[];
  publicIps: string[];
  /** `VNET/SUBNET` of the primary IP configuration. */
  subnet?: string;
}

export interface AzVm {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  vmId?: string;
  size?: string;
  vcpus?: number;
  memoryMiB?: number;
  osType?: string;
  /** publisher / offer / sku of the image the VM was made from. */
  image?: string;
  /** From the instance view. */
  osName?: string;
  osVersion?: string;
  computerName?: string;
  hyperVGeneration?: string;
  securityType?: string;
  secureBoot?: boolean;
  vTpm?: boolean;
  /** `PowerState/running` → `running`. */
  powerState?: string;
  zones?: string[];
  tags: Record<string, string>;
  disks: AzDisk[];
  nics: AzNic[];
  createdAt?: string;
}

export interface AzureDiscoveryOptions {
  subscriptionId: string;
  resourceGroups?: string[];
  credential: TokenCredential;
  /** Resource Manager endpoint (default https://management.azure.com; another cloud's, or a test fake). */
  endpoint?: string;
  /** Extra trusted CA certificates (PEM), for an endpoint with a private CA. */
  ca?: string;
  /** Instance views read at once (default 8). */
  parallel?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, message: string) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A subscription id is a GUID. */
export function checkSubscription(id: string): string {
  const s = id.trim();
  if (!UUID.test(s)) throw new DiscoveryError('discovery-unreachable', `"${excerpt(id, 60)}" is not an Azure subscription id (a GUID).`);
  return s.toLowerCase();
}

/** A resource group name: 1–90 letters, digits, `-`, `_`, `.`, `(`, `)`, not ending with a period. */
export function checkResourceGroup(rg: string): string {
  const s = rg.trim();
  if (!/^[\p{L}\p{N}\-_.()]{1,90}$/u.test(s) || s.endsWith('.')) throw new DiscoveryError('discovery-unreachable', `"${excerpt(rg, 60)}" is not an Azure resource group name.`);
  return s;
}

/** A tenant: a GUID or a domain (contoso.onmicrosoft.com). */
export function checkTenant(t: string): string {
  const s = t.trim();
  if (!UUID.test(s) && !/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(s)) throw new DiscoveryError('discovery-unreachable', `"${excerpt(t, 60)}" is not an Azure tenant id or domain.`);
  return s;
}

/** The resource group, and the segment after `kind`, of an ARM resource id. */
export function idPart(id: string | undefined, kind: string): string | undefined {
  if (!id) return undefined;
  const parts = id.split('/');
  const i = parts.findIndex((p) => p.toLowerCase() === kind.toLowerCase());
  return i >= 0 ? parts[i + 1] : undefined;
}

/** An SDK or credential failure as a typed discovery error; messages hold no token and at most an excerpt. */
export function azureError(err: unknown): unknown {
  if (err instanceof DiscoveryError) return err;
  const e = err as { name?: string; statusCode?: number; code?: string; message?: string };
  const msg = excerpt(String(e?.message ?? err).replace(/Bearer\s+\S+/gi, 'Bearer …'), 200);
  if (e?.name === 'AbortError') return err;
  if (e?.name === 'CredentialUnavailableError' || e?.name === 'AggregateAuthenticationError') {
    return new DiscoveryError('discovery-auth-failed', `No Azure credential is available: sign in with \`az login\`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate or workload identity) for a service principal. ${msg}`);
  }
  if (e?.name === 'AuthenticationError' || e?.statusCode === 401) return new DiscoveryError('discovery-auth-failed', `Azure refused the credential: ${msg}`);
  if (e?.statusCode === 403) return new DiscoveryError('discovery-auth-failed', `The credential may not read this subscription or resource group (the Reader role is enough): ${msg}`);
  if (e?.statusCode === 404) return new DiscoveryError('discovery-unreachable', `Not found (check the subscription and resource group names): ${msg}`);
  if (e?.code && /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)$/.test(e.code)) {
    return new DiscoveryError('discovery-unreachable', `Azure Resource Manager cannot be reached: ${msg}`);
  }
  if (e?.name === 'RestError' && e.statusCode === undefined) return new DiscoveryError('discovery-unreachable', `Azure Resource Manager cannot be reached: ${msg}`);
  if (e?.name === 'RestError') return new DiscoveryError('discovery-failed', `Azure answered ${e.statusCode ?? ''}: ${msg}`);
  if (err instanceof SyntaxError) return new DiscoveryError('discovery-malformed-response', `Azure's answer could not be read: ${msg}`);
  return err;
}

async function collect<T>(it: AsyncIterable<T>, signal?: AbortSignal, max = 100_000): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    throwIfAborted(signal, 'Discovery cancelled.');
    out.push(x);
    if (out.length >= max) break;
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Discovers the VMs of a subscription (or of its chosen resource groups). */
export async function discoverAzure(o: AzureDiscoveryOptions): Promise<{ subscriptionId: string; vms: AzVm[]; warnings: string[] }> {
  const sub = checkSubscription(o.subscriptionId);
  const groups = (o.resourceGroups ?? []).map(checkResourceGroup);
  const common = {
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.ca ? { tlsOptions: { ca: o.ca } } : {}),
    retryOptions: { maxRetries: 2 },
    userAgentOptions: { userAgentPrefix: 'migration-workbench' },
  };
  const compute = new ComputeManagementClient(o.credential, sub, common);
  const network = new NetworkManagementClient(o.credential, sub, common);
  const signal = o.signal;
  const opts = signal ? { abortSignal: signal } : {};
  const warnings: string[] = [];
  try {
    o.progress?.(0, null, 'Listing virtual machines');
    const scopes = groups.length ? groups : [undefined];
    const raw = (await Promise.all(scopes.map((rg) => collect(rg ? compute.virtualMachines.list(rg, opts) : compute.virtualMachines.listAll(opts), signal)))).flat();
    o.progress?.(0, raw.length, 'Reading network interfaces and disks');
    const listed = <T>(all: () => AsyncIterable<T>, byRg: (rg: string) => AsyncIterable<T>) => Promise.all(scopes.map((rg) => collect(rg ? byRg(rg) : all(), signal))).then((x) => x.flat());
    const [nics, pips, disks] = await Promise.all([
      listed(() => network.networkInterfaces.listAll(opts), (rg) => network.networkInterfaces.list(rg, opts)),
      listed(() => network.publicIPAddresses.listAll(opts), (rg) => network.publicIPAddresses.list(rg, opts)),
      listed(() => compute.disks.list(opts), (rg) => compute.disks.listByResourceGroup(rg, opts)),
    ]);
    const nicById = new Map(nics.filter((n) => n.id).map((n) => [n.id!.toLowerCase(), n]));
    const pipById = new Map(pips.filter((p) => p.id).map((p) => [p.id!.toLowerCase(), p]));
    const diskById = new Map(disks.filter((d) => d.id).map((d) => [d.id!.toLowerCase(), d]));
    // Sizes: vCPUs and memory of each size, per region (one call per region the VMs are in).
    const sizes = new Map<string, { cores?: number; memoryMB?: number }>();
    for (const loc of [...new Set(raw.map((v) => v.location.toLowerCase()))]) {
      try {
        for (const s of await collect(compute.virtualMachineSizes.list(loc, opts), signal)) if (s.name) sizes.set(`${loc}|${s.name.toLowerCase()}`, { ...(s.numberOfCores !== undefined ? { cores: s.numberOfCores } : {}), ...(s.memoryInMB !== undefined ? { memoryMB: s.memoryInMB } : {}) });
      } catch (err) {
        throwIfAborted(signal, 'Discovery cancelled.');
        warnings.push(`The VM sizes of ${loc} could not be read (${excerpt(String((err as Error).message), 100)}); vCPUs and memory of its VMs are unknown.`);
      }
    }
    let done = 0;
    const vms = await pool(raw, Math.max(1, o.parallel ?? 8), async (v): Promise<AzVm> => {
      const rg = idPart(v.id, 'resourceGroups') ?? '';
      let view: Awaited<ReturnType<typeof compute.virtualMachines.instanceView>> | undefined;
      try {
        view = await compute.virtualMachines.instanceView(rg, v.name!, opts);
      } catch (err) {
        throwIfAborted(signal, 'Discovery cancelled.');
        warnings.push(`${v.name}: the instance view could not be read (${excerpt(String((err as Error).message), 100)}); its power state is unknown.`);
      }
      o.progress?.(++done, raw.length, `Read ${v.name}`);
      const size = v.hardwareProfile?.vmSize;
      const known = size ? sizes.get(`${v.location.toLowerCase()}|${size.toLowerCase()}`) : undefined;
      const vcpus = v.hardwareProfile?.vmSizeProperties?.vCPUsAvailable ?? known?.cores;
      const sp = v.storageProfile;
      const img = sp?.imageReference;
      const diskOf = (d: { name?: string; managedDisk?: { id?: string; storageAccountType?: string }; vhd?: { uri?: string }; diskSizeGB?: number; lun?: number }, label: string, os: boolean): AzDisk => {
        const md = d.managedDisk?.id ? diskById.get(d.managedDisk.id.toLowerCase()) : undefined;
        const gib = d.diskSizeGB ?? md?.diskSizeGB;
        const type = d.managedDisk?.storageAccountType ?? md?.sku?.name;
        const id = d.managedDisk?.id ?? d.vhd?.uri;
        return { label, ...(d.name ? { name: d.name } : {}), ...(id ? { id } : {}), ...(gib !== undefined ? { sizeGiB: gib } : {}), ...(d.lun !== undefined ? { lun: d.lun } : {}), ...(type ? { storageType: type } : {}), os };
      };
      const vmDisks: AzDisk[] = [];
      if (sp?.osDisk) vmDisks.push(diskOf(sp.osDisk, 'OS disk', true));
      for (const d of sp?.dataDisks ?? []) vmDisks.push(diskOf(d, `LUN ${d.lun}`, false));
      const vmNics: AzNic[] = [];
      for (const ref of v.networkProfile?.networkInterfaces ?? []) {
        const n = ref.id ? nicById.get(ref.id.toLowerCase()) : undefined;
        if (!n) {
          if (ref.id) warnings.push(`${v.name}: network interface ${idPart(ref.id, 'networkInterfaces') ?? '?'} is outside the resource groups read; its addresses are unknown.`);
          continue;
        }
        const confs = n.ipConfigurations ?? [];
        const primaryConf = confs.find((c) => c.primary) ?? confs[0];
        const subnetId = primaryConf?.subnet?.id;
        vmNics.push({
          id: n.id!,
          ...(n.name ? { name: n.name } : {}),
          ...(n.macAddress ? { mac: n.macAddress.replace(/-/g, ':').toLowerCase() } : {}),
          ...(ref.primary !== undefined ? { primary: ref.primary } : n.primary !== undefined ? { primary: n.primary } : {}),
          privateIps: confs.map((c) => c.privateIPAddress).filter((x): x is string => !!x),
          publicIps: confs.map((c) => (c.publicIPAddress?.id ? pipById.get(c.publicIPAddress.id.toLowerCase())?.ipAddress : undefined)).filter((x): x is string => !!x),
          ...(subnetId ? { subnet: `${idPart(subnetId, 'virtualNetworks') ?? '?'}/${idPart(subnetId, 'subnets') ?? '?'}` } : {}),
        });
      }
      const power = view?.statuses?.map((s) => s.code).find((c) => c?.startsWith('PowerState/'));
      const sec = v.securityProfile;
      const memoryMB = known?.memoryMB;
      return {
        id: v.id!,
        name: v.name!,
        resourceGroup: rg,
        location: v.location,
        ...(str(v.vmId) ? { vmId: v.vmId!.toLowerCase() } : {}),
        ...(size ? { size } : {}),
        ...(vcpus !== undefined ? { vcpus } : {}),
        ...(memoryMB !== undefined ? { memoryMiB: memoryMB } : {}),
        ...(sp?.osDisk?.osType ? { osType: sp.osDisk.osType } : {}),
        ...(img && (img.publisher || img.offer) ? { image: [img.publisher, img.offer, img.sku].filter(Boolean).join(' / ') } : {}),
        ...(str(view?.osName) ? { osName: view!.osName! } : {}),
        ...(str(view?.osVersion) ? { osVersion: view!.osVersion! } : {}),
        ...(str(view?.computerName) ? { computerName: view!.computerName! } : str(v.osProfile?.computerName) ? { computerName: v.osProfile!.computerName! } : {}),
        ...(str(view?.hyperVGeneration) ? { hyperVGeneration: view!.hyperVGeneration! } : {}),
        ...(sec?.securityType ? { securityType: sec.securityType } : {}),
        ...(sec?.uefiSettings?.secureBootEnabled !== undefined ? { secureBoot: sec.uefiSettings.secureBootEnabled } : {}),
        ...(sec?.uefiSettings?.vTpmEnabled !== undefined ? { vTpm: sec.uefiSettings.vTpmEnabled } : {}),
        ...(power ? { powerState: power.slice('PowerState/'.length) } : {}),
        ...(v.zones?.length ? { zones: v.zones } : {}),
        tags: { ...(v.tags ?? {}) },
        disks: vmDisks,
        nics: vmNics,
        ...(v.timeCreated instanceof Date && !Number.isNaN(v.timeCreated.getTime()) ? { createdAt: v.timeCreated.toISOString() } : {}),
      };
    });
    return { subscriptionId: sub, vms, warnings };
  } catch (err) {
    throwIfAborted(signal, 'Discovery cancelled.');
    throw azureError(err);
  }
}

/**
 * The credential of `mwb discover azure` and the desktop app: DefaultAzureCredential (environment variables of a
 * service principal or workload identity, a managed identity, then the Azure CLI's, PowerShell's and azd's logins).
 * Never logged; the SDK keeps the token in memory only.
 */
export async function defaultAzureCredential(tenantId?: string): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(tenantId ? { tenantId: checkTenant(tenantId) } : {});
}
