import type { ChannelArgs } from '../../../main/common/ipc/contract';
import { PERF_PERIOD_LABELS, PerfPeriodSchema, type DiscoveryKind, type DiscoverySource } from '../../../main/common/model/discovery';

/** The channels a discovery source runs through (each returns a DiscoveryReport). */
export type DiscoveryChannel = 'discovery.vcenter' | 'discovery.libvirt' | 'discovery.ssh' | 'discovery.hyperv' | 'discovery.virtualbox' | 'discovery.vmwareWorkstation' | 'discovery.azure';

/** The form's values: one string per field key (checkboxes '1' or ''). */
export type SourceValues = Record<string, string>;

export interface SourceField {
  key: string;
  label: string;
  type: 'text' | 'password' | 'lines' | 'number' | 'select' | 'checkbox';
  placeholder?: string;
  help?: string;
  /** Required to run (secret fields are not required when the saved connection has its secret saved). */
  required?: boolean;
  /** A secret: never kept in the project; "Remember password" saves it in the secret store. */
  secret?: boolean;
  options?: readonly { value: string; label: string }[];
  min?: number;
  max?: number;
  /** Shown only when this holds for the current values. */
  showIf?(v: SourceValues): boolean;
  /** The default value of a new connection. */
  initial?: string;
}

/** Something the user saw and trusts for this run: a vCenter certificate or SSH host keys. */
export type TrustItem = { kind: 'certificate'; thumbprint: string } | { kind: 'host-key'; host: string; port: number; fingerprint: string };

/** What the dialog shows when main refuses an unknown certificate or host key, and what accepting it trusts. */
export interface TrustPrompt {
  title: string;
  intro: string;
  /** One row per item: its name and the facts to compare (thumbprint or fingerprint, subject, key type). */
  rows: { name: string; facts: { label: string; value: string; mono?: boolean }[] }[];
  accept: string;
  trust: TrustItem[];
}

/** Options every run has; a source passes on the ones its channel takes. */
export interface RunContext {
  trust: TrustItem[];
  sourceId?: string;
  remember: boolean;
  removeGone: boolean;
  taskId: string;
}

export interface SourceKind<C extends DiscoveryChannel = DiscoveryChannel> {
  kind: DiscoveryKind;
  label: string;
  description: string;
  channel: C;
  fields: readonly SourceField[];
  /** The form values of a saved connection (secrets are never there). */
  fromSource(s: DiscoverySource): SourceValues;
  /** The trust a saved connection already holds (a pinned thumbprint). */
  trustOf?(s: DiscoverySource): TrustItem[];
  toArgs(v: SourceValues, ctx: RunContext): ChannelArgs<C>;
  /** The trust prompt for a refusal main can be talked out of; null: show the error (a changed key or certificate). */
  trustPrompt?(code: string, details: unknown, ctx: RunContext): TrustPrompt | null;
  /** A short line naming a saved connection in the list. */
  describe(s: DiscoverySource): string;
}

/** Declares a source with its channel's argument type checked. */
export function defineSource<C extends DiscoveryChannel>(s: SourceKind<C>): SourceKind<C> {
  return s;
}

const opt = <T>(cond: unknown, v: T): T | Record<string, never> => (cond ? v : {});

const vcenter = defineSource({
  kind: 'vcenter',
  label: 'VMware vCenter or ESXi',
  description: 'Every VM over the vSphere API (read only): hardware, guest OS, disks, networks, host and cluster, tags and custom attributes; utilization over a period if chosen.',
  channel: 'discovery.vcenter',
  fields: [
    { key: 'url', label: 'Address', type: 'text', required: true, placeholder: 'https://vcenter.example.com/sdk', help: 'Host name or URL; /sdk is added when missing.' },
    { key: 'user', label: 'User', type: 'text', required: true, placeholder: 'administrator@vsphere.local' },
    { key: 'password', label: 'Password', type: 'password', required: true, secret: true },
    {
      key: 'perfPeriod',
      label: 'Utilization from performance statistics',
      type: 'select',
      initial: 'none',
      options: (['none', 'day', 'week', 'month'] as const).map((value) => ({ value, label: PERF_PERIOD_LABELS[value] })),
      help: 'CPU, memory, disk and network: average, p95 and max over the period, for right-sizing. None: the quick stats of the moment.',
    },
  ],
  fromSource: (s) => ({ url: s.url, user: s.user ?? '', perfPeriod: s.perfPeriod ?? 'none' }),
  trustOf: (s) => (s.thumbprint ? [{ kind: 'certificate', thumbprint: s.thumbprint }] : []),
  toArgs: (v, ctx) => {
    const cert = ctx.trust.find((t): t is Extract<TrustItem, { kind: 'certificate' }> => t.kind === 'certificate');
    const period = PerfPeriodSchema.safeParse(v.perfPeriod);
    return {
      url: v.url!.trim(),
      user: v.user!.trim(),
      ...opt(v.password, { password: v.password! }),
      ...opt(cert, { thumbprint: cert?.thumbprint ?? '' }),
      // 'none' (and anything that is not a period) asks for no statistics.
      ...(period.success ? { perfPeriod: period.data } : {}),
      ...opt(ctx.sourceId, { sourceId: ctx.sourceId! }),
      // Unticked on a saved connection: its saved password is forgotten after the run.
      ...(ctx.remember ? { remember: true } : ctx.sourceId ? { remember: false } : {}),
      ...opt(ctx.removeGone, { removeGone: true }),
      taskId: ctx.taskId,
    };
  },
  trustPrompt: (code, details, ctx) => {
    const d = (details ?? {}) as { thumbprint?: string; subject?: string | null; issuer?: string | null; host?: string; validTo?: string | null };
    // A certificate other than the pinned one has changed: no way around it from here.
    if (code !== 'discovery-certificate-untrusted' || !d.thumbprint || ctx.trust.some((t) => t.kind === 'certificate')) return null;
    return {
      title: 'Certificate not trusted',
      intro: `The certificate of ${d.host ?? 'the vCenter'} is not signed by an authority this machine trusts. Compare its thumbprint with the one the vCenter shows (vSphere Client: Administration › Certificates) before you trust it. It is pinned in the connection: a different certificate later is refused.`,
      rows: [
        {
          name: d.host ?? 'vCenter',
          facts: [
            { label: 'Subject', value: d.subject ?? '(none)' },
            ...(d.issuer && d.issuer !== d.subject ? [{ label: 'Issued by', value: d.issuer }] : []),
            { label: 'SHA-1 thumbprint', value: d.thumbprint, mono: true },
            ...(d.validTo ? [{ label: 'Valid until', value: d.validTo }] : []),
          ],
        },
      ],
      accept: 'Trust and continue',
      trust: [{ kind: 'certificate', thumbprint: d.thumbprint }],
    };
  },
  describe: (s) => `${hostOf(s.url)}${s.user ? ` as ${s.user}` : ''}${s.thumbprint ? ' · certificate pinned' : ''}${s.perfPeriod ? ` · utilization of the last ${s.perfPeriod}` : ''}`,
});

const libvirt = defineSource({
  kind: 'libvirt',
  label: 'libvirt / KVM',
  description: 'Every domain of a libvirt connection through virsh (read only): disks with their image paths, NICs, CPU, memory, state.',
  channel: 'discovery.libvirt',
  fields: [{ key: 'uri', label: 'Connection URI', type: 'text', required: true, placeholder: 'qemu:///system', help: 'As virsh -c takes it: qemu:///system, qemu+ssh://user@host/system, test:///default.' }],
  fromSource: (s) => ({ uri: s.url }),
  toArgs: (v, ctx) => ({ uri: v.uri!.trim(), ...opt(ctx.removeGone, { removeGone: true }), taskId: ctx.taskId }),
  describe: (s) => s.url,
});

const ssh = defineSource({
  kind: 'ssh',
  label: 'Linux hosts over SSH',
  description: 'OS, CPU, memory, disks, file systems, IPs, listening ports, services and established connections (dependencies); utilization when sampled.',
  channel: 'discovery.ssh',
  fields: [
    { key: 'hosts', label: 'Hosts (one per line)', type: 'lines', required: true, placeholder: 'web01.example.com\ndb01=10.0.0.12', help: 'A host name or address per line; NAME=ADDRESS names the server.' },
    { key: 'port', label: 'Port', type: 'number', min: 1, max: 65535, initial: '22' },
    { key: 'user', label: 'User', type: 'text', required: true, placeholder: 'root' },
    {
      key: 'auth',
      label: 'Log in with',
      type: 'select',
      initial: 'key',
      options: [
        { value: 'key', label: 'A private key file' },
        { value: 'password', label: 'A password' },
        { value: 'agent', label: 'The ssh-agent' },
      ],
    },
    { key: 'keyFile', label: 'Private key file', type: 'text', required: true, placeholder: '/home/me/.ssh/id_ed25519', help: 'A path on the workbench machine; only the path is kept.', showIf: (v) => v.auth === 'key' },
    { key: 'passphrase', label: 'Key passphrase (if any)', type: 'password', secret: true, showIf: (v) => v.auth === 'key' },
    { key: 'password', label: 'Password', type: 'password', required: true, secret: true, showIf: (v) => v.auth === 'password' },
    { key: 'sampleSeconds', label: 'Sample utilization for (seconds)', type: 'number', min: 0, max: 3600, initial: '0', help: '0: no sampling. CPU, memory, disk and network: average, p95 and max over the period.' },
  ],
  fromSource: (s) => ({
    hosts: (s.hosts ?? []).join('\n'),
    port: String(s.port ?? 22),
    user: s.user ?? '',
    auth: s.keyFile ? 'key' : 'password',
    keyFile: s.keyFile ?? '',
    sampleSeconds: String(s.sampleSeconds ?? 0),
  }),
  toArgs: (v, ctx) => {
    const secret = v.auth === 'key' ? v.passphrase : v.auth === 'password' ? v.password : '';
    const sample = Number(v.sampleSeconds || 0);
    return {
      hosts: (v.hosts ?? '')
        .split(/\r?\n/)
        .map((h) => h.trim())
        .filter(Boolean),
      port: Number(v.port || 22),
      user: v.user!.trim(),
      ...opt(v.auth === 'key', { keyFile: v.keyFile!.trim() }),
      ...opt(v.auth === 'agent', { agent: true }),
      ...opt(secret, { password: secret! }),
      ...opt(sample > 0, { sampleSeconds: sample }),
      ...opt(ctx.trust.length, { trustHostKeys: ctx.trust.flatMap((t) => (t.kind === 'host-key' ? [{ host: t.host, port: t.port, fingerprint: t.fingerprint }] : [])) }),
      ...opt(ctx.sourceId, { sourceId: ctx.sourceId! }),
      // Unticked on a saved connection: its saved password is forgotten after the run.
      ...(ctx.remember ? { remember: true } : ctx.sourceId ? { remember: false } : {}),
      ...opt(ctx.removeGone, { removeGone: true }),
      taskId: ctx.taskId,
    };
  },
  trustPrompt: (code, details) => {
    const keys = ((details ?? {}) as { hostKeys?: { name: string; host: string; port: number; keyType: string; fingerprint: string }[] }).hostKeys;
    if (code !== 'ssh-host-key-unknown' || !keys?.length) return null;
    return {
      title: keys.length === 1 ? 'Unknown host key' : `${keys.length} unknown host keys`,
      intro: `This machine has not connected to ${keys.length === 1 ? 'this host' : 'these hosts'} before. Compare each fingerprint with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host) before you trust it. A key that changes later is refused.`,
      rows: keys.map((k) => ({
        name: k.name === k.host ? `${k.host}${k.port === 22 ? '' : `:${k.port}`}` : `${k.name} (${k.host}${k.port === 22 ? '' : `:${k.port}`})`,
        facts: [
          { label: 'Key type', value: k.keyType },
          { label: 'SHA-256 fingerprint', value: k.fingerprint, mono: true },
        ],
      })),
      accept: keys.length === 1 ? 'Trust' : 'Trust all',
      trust: keys.map((k) => ({ kind: 'host-key', host: k.host, port: k.port, fingerprint: k.fingerprint })),
    };
  },
  describe: (s) => `${(s.hosts ?? []).length === 1 ? s.hosts![0] : `${(s.hosts ?? []).length} hosts`}${s.port && s.port !== 22 ? ` port ${s.port}` : ''}${s.user ? ` as ${s.user}` : ''}`,
});

const hyperv = defineSource({
  kind: 'hyperv',
  label: 'Microsoft Hyper-V',
  description: 'Hyper-V VMs through PowerShell (Get-VM, Get-VMHardDiskDrive, Get-VHD, Get-VMNetworkAdapter) on this machine or a host over WinRM, or the JSON files the offline script saved on the host.',
  channel: 'discovery.hyperv',
  fields: [
    {
      key: 'mode',
      label: 'Read from',
      type: 'select',
      options: [
        { value: 'host', label: 'A Hyper-V host (PowerShell, WinRM)' },
        { value: 'json', label: 'Saved JSON files (offline script)' },
      ],
      initial: 'host',
    },
    { key: 'host', label: 'Host (empty: this machine)', type: 'text', placeholder: 'hv01.example.com', help: 'Reached with Invoke-Command as the user running the workbench.', showIf: (v) => v.mode !== 'json' },
    { key: 'folder', label: 'Folder of saved JSON', type: 'text', required: true, placeholder: 'C:\\mwb-hyperv', help: 'What assets/discovery/hyperv-inventory.ps1 wrote on the host.', showIf: (v) => v.mode === 'json' },
  ],
  fromSource: (s): SourceValues => (s.url.startsWith('hyperv://') ? { mode: 'host', host: s.url.slice('hyperv://'.length).replace(/^localhost$/, '') } : { mode: 'json', folder: s.url }),
  toArgs: (v, ctx) => ({
    ...(v.mode === 'json' ? { fromJson: v.folder!.trim() } : opt(v.host?.trim(), { host: v.host!.trim() })),
    ...opt(ctx.removeGone, { removeGone: true }),
    taskId: ctx.taskId,
  }),
  describe: (s) => (s.url.startsWith('hyperv://') ? s.url.slice('hyperv://'.length) : `saved JSON in ${s.url}`),
});

const virtualbox = defineSource({
  kind: 'virtualbox',
  label: 'Oracle VirtualBox',
  description: "This machine's VirtualBox VMs through VBoxManage: disks with their image paths, NICs, CPU, memory, OS type, state.",
  channel: 'discovery.virtualbox',
  fields: [{ key: 'vboxmanage', label: 'VBoxManage program (empty: on PATH)', type: 'text', placeholder: '/usr/bin/VBoxManage' }],
  fromSource: () => ({}),
  toArgs: (v, ctx) => ({ ...opt(v.vboxmanage?.trim(), { vboxmanage: v.vboxmanage!.trim() }), ...opt(ctx.removeGone, { removeGone: true }), taskId: ctx.taskId }),
  describe: (s) => s.url,
});

const vmwareWorkstation = defineSource({
  kind: 'vmware-workstation',
  label: 'VMware Workstation / Fusion',
  description: 'The VMs whose .vmx files are in a folder (searched below it): disks and their VMDK sizes, NICs, CPU, memory, firmware.',
  channel: 'discovery.vmwareWorkstation',
  fields: [{ key: 'folder', label: 'Folder of the VMs', type: 'text', required: true, placeholder: '/home/me/vmware' }],
  fromSource: (s) => ({ folder: s.url }),
  toArgs: (v, ctx) => ({ folder: v.folder!.trim(), ...opt(ctx.removeGone, { removeGone: true }), taskId: ctx.taskId }),
  describe: (s) => s.url,
});

const azure = defineSource({
  kind: 'azure',
  label: 'Microsoft Azure',
  description: 'The VMs of a subscription (or of chosen resource groups): size, OS, disks, NICs and IPs, tags, power state. Credentials come from the Azure default chain (environment, az login, managed identity); nothing is stored.',
  channel: 'discovery.azure',
  fields: [
    { key: 'subscriptionId', label: 'Subscription ID', type: 'text', required: true, placeholder: '00000000-0000-0000-0000-000000000000' },
    { key: 'resourceGroups', label: 'Resource groups (one per line; empty: all)', type: 'lines', placeholder: 'rg-app-prod' },
    { key: 'tenantId', label: 'Tenant (optional)', type: 'text', placeholder: 'contoso.onmicrosoft.com' },
  ],
  fromSource: (s) => {
    const m = /^azure:\/\/([^/]+)(?:\/resourceGroups\/(.+))?$/.exec(s.url);
    return { subscriptionId: m?.[1] ?? '', resourceGroups: (m?.[2] ?? '').split(',').filter(Boolean).join('\n') };
  },
  toArgs: (v, ctx) => {
    const groups = (v.resourceGroups ?? '').split('\n').map((g) => g.trim()).filter(Boolean);
    return {
      subscriptionId: v.subscriptionId!.trim(),
      ...opt(groups.length, { resourceGroups: groups }),
      ...opt(v.tenantId?.trim(), { tenantId: v.tenantId!.trim() }),
      ...opt(ctx.removeGone, { removeGone: true }),
      taskId: ctx.taskId,
    };
  },
  describe: (s) => s.url.replace(/^azure:\/\//, 'subscription '),
});

/** 'Folder of saved JSON' → 'folder of saved JSON' (acronyms stay as they are). */
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The discovery sources the dialog offers, in order. A new source is one `defineSource` entry here (label, fields,
 * which are secret, its channel and how the form becomes the channel's arguments).
 */
export const DISCOVERY_SOURCES: readonly SourceKind[] = [vcenter, libvirt, ssh, hyperv, virtualbox, vmwareWorkstation, azure] as readonly SourceKind[];

export function sourceKind(kind: string): SourceKind | undefined {
  return DISCOVERY_SOURCES.find((s) => s.kind === kind);
}

/** The initial values of a new connection of this kind. */
export function initialValues(k: SourceKind): SourceValues {
  return Object.fromEntries(k.fields.map((f) => [f.key, f.initial ?? '']));
}

/** The fields shown for these values. */
export function visibleFields(k: SourceKind, v: SourceValues): SourceField[] {
  return k.fields.filter((f) => !f.showIf || f.showIf(v));
}

/** Why the form cannot run yet (the first missing or bad field), or null. `secretSaved`: a saved secret stands in. */
export function formProblem(k: SourceKind, v: SourceValues, secretSaved: boolean): string | null {
  for (const f of visibleFields(k, v)) {
    const val = (v[f.key] ?? '').trim();
    if (f.required && !val && !(f.secret && secretSaved)) return `Give the ${lowerFirst(f.label.replace(/\s*\(.*\)$/, ''))}.`;
    if (f.type === 'number' && val) {
      const n = Number(val);
      if (!Number.isInteger(n) || (f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) return `${f.label.replace(/\s*\(.*\)$/, '')}: a whole number from ${f.min ?? 0} to ${f.max ?? '…'}.`;
    }
  }
  return null;
}
