import { describe, expect, it } from 'vitest';
import { channels } from '../../../../../main/common/ipc/contract';
import { DISCOVERY_SOURCES, formProblem, initialValues, sourceKind, visibleFields, type RunContext } from '../../../../../renderer/features/discovery/discovery-sources';

const ctx = (over: Partial<RunContext> = {}): RunContext => ({ trust: [], remember: false, removeGone: false, taskId: 't-1', ...over });
const FP = `SHA256:${'a'.repeat(43)}`;

describe('the registry of discovery sources', () => {
  it('offers every discovery source with a human label, each on a discovery channel of the contract', () => {
    expect(DISCOVERY_SOURCES.map((s) => s.label)).toEqual(['VMware vCenter or ESXi', 'libvirt / KVM', 'Linux hosts over SSH', 'Microsoft Hyper-V', 'Oracle VirtualBox', 'VMware Workstation / Fusion', 'Microsoft Azure']);
    for (const s of DISCOVERY_SOURCES) expect(Object.keys(channels)).toContain(s.channel);
  });

  it('turns each filled form into arguments its channel accepts (the same zod schema main parses with)', () => {
    const filled: Record<string, Record<string, string>> = {
      vcenter: { url: 'vc.example.com', user: 'administrator@vsphere.local', password: 'pw' },
      libvirt: { uri: 'qemu:///system' },
      ssh: { hosts: 'web01\n\n db01=10.0.0.12 \n', user: 'root', keyFile: '/k/id_ed25519', passphrase: 'pp', sampleSeconds: '30' },
      hyperv: { host: 'hv01.example.com' },
      virtualbox: {},
      'vmware-workstation': { folder: '/home/me/vmware' },
      azure: { subscriptionId: '12345678-1234-1234-1234-123456789abc', resourceGroups: 'rg-a\n rg-b \n', tenantId: 'contoso.onmicrosoft.com' },
    };
    for (const s of DISCOVERY_SOURCES) {
      const v = { ...initialValues(s), ...filled[s.kind] };
      expect(formProblem(s, v, false)).toBeNull();
      const args = s.toArgs(v, ctx({ remember: true, removeGone: true, sourceId: 'src-1', trust: [{ kind: 'certificate', thumbprint: 'AA:BB' }, { kind: 'host-key', host: '10.0.0.12', port: 22, fingerprint: FP }] }));
      const parsed = channels[s.channel].args.safeParse(args);
      expect(parsed.success, `${s.kind}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    const hv = sourceKind('hyperv')!;
    expect(hv.toArgs({ ...initialValues(hv), mode: 'json', folder: ' /saved ' }, ctx())).toEqual({ fromJson: '/saved', taskId: 't-1' });
    expect(formProblem(hv, { ...initialValues(hv), mode: 'json' }, false)).toBe('Give the folder of saved JSON.');
    expect(hv.fromSource({ id: 'x', kind: 'hyperv', url: 'hyperv://hv01' })).toEqual({ mode: 'host', host: 'hv01' });
    const az = sourceKind('azure')!;
    expect(az.toArgs({ ...initialValues(az), ...filled.azure }, ctx())).toEqual({ subscriptionId: '12345678-1234-1234-1234-123456789abc', resourceGroups: ['rg-a', 'rg-b'], tenantId: 'contoso.onmicrosoft.com', taskId: 't-1' });
    expect(az.fromSource({ id: 'x', kind: 'azure', url: 'azure://12345678-1234-1234-1234-123456789abc/resourceGroups/rg-a,rg-b' })).toMatchObject({ resourceGroups: 'rg-a\nrg-b' });
    const ssh = sourceKind('ssh')!;
    expect(ssh.toArgs({ ...initialValues(ssh), ...filled.ssh }, ctx())).toEqual({ hosts: ['web01', 'db01=10.0.0.12'], port: 22, user: 'root', keyFile: '/k/id_ed25519', password: 'pp', sampleSeconds: 30, taskId: 't-1' });
    expect(sourceKind('vcenter')!.toArgs({ url: ' vc ', user: 'u', password: '' }, ctx({ sourceId: 's' }))).toEqual({ url: 'vc', user: 'u', sourceId: 's', remember: false, taskId: 't-1' });
  });

  it('vCenter: the period of performance statistics is none by default, passed on when chosen and kept with the connection', () => {
    const vc = sourceKind('vcenter')!;
    const field = vc.fields.find((f) => f.key === 'perfPeriod')!;
    expect(field.options!.map((o) => o.label)).toEqual(['None (quick stats only)', 'Last day (5-minute samples)', 'Last week (30-minute samples)', 'Last month (2-hour samples)']);
    expect(initialValues(vc).perfPeriod).toBe('none');
    expect(vc.toArgs({ ...initialValues(vc), url: 'vc', user: 'u', password: 'p' }, ctx())).not.toHaveProperty('perfPeriod');
    expect(vc.toArgs({ ...initialValues(vc), url: 'vc', user: 'u', password: 'p', perfPeriod: 'week' }, ctx())).toMatchObject({ perfPeriod: 'week' });
    // Anything else (a tampered form) is not sent.
    expect(vc.toArgs({ url: 'vc', user: 'u', password: 'p', perfPeriod: 'year' }, ctx())).not.toHaveProperty('perfPeriod');
    const saved = { id: 'b', kind: 'vcenter' as const, url: 'https://vc/sdk', user: 'u', perfPeriod: 'month' as const };
    expect(vc.fromSource(saved)).toMatchObject({ perfPeriod: 'month' });
    expect(vc.describe(saved)).toBe('vc as u · utilization of the last month');
  });

  it('asks for what is missing, shows only the fields of the chosen login, and lets a saved secret stand in', () => {
    const vc = sourceKind('vcenter')!;
    expect(formProblem(vc, initialValues(vc), false)).toBe('Give the address.');
    expect(formProblem(vc, { url: 'vc', user: 'u', password: '' }, false)).toBe('Give the password.');
    expect(formProblem(vc, { url: 'vc', user: 'u', password: '' }, true)).toBeNull();
    const ssh = sourceKind('ssh')!;
    const v = { ...initialValues(ssh), hosts: 'h', user: 'root', auth: 'password' };
    expect(visibleFields(ssh, v).map((f) => f.key)).toEqual(['hosts', 'port', 'user', 'auth', 'password', 'sampleSeconds']);
    expect(formProblem(ssh, v, false)).toBe('Give the password.');
    expect(formProblem(ssh, { ...v, password: 'x', port: '70000' }, false)).toMatch(/^Port: a whole number from 1 to 65535/);
    expect(formProblem(ssh, { ...v, auth: 'agent' }, false)).toBeNull();
  });

  it('turns an untrusted certificate into a prompt with subject and thumbprint, but not a changed pinned one', () => {
    const vc = sourceKind('vcenter')!;
    const details = { thumbprint: '2C:11:ED', host: 'vc:443', subject: 'CN=vc', issuer: 'CN=ca', validTo: 'Jan 1 2030' };
    const p = vc.trustPrompt!('discovery-certificate-untrusted', details, ctx())!;
    expect(p.accept).toBe('Trust and continue');
    expect(p.rows[0]!.facts).toEqual(expect.arrayContaining([{ label: 'Subject', value: 'CN=vc' }, { label: 'SHA-1 thumbprint', value: '2C:11:ED', mono: true }]));
    expect(p.trust).toEqual([{ kind: 'certificate', thumbprint: '2C:11:ED' }]);
    expect(vc.trustPrompt!('discovery-certificate-untrusted', details, ctx({ trust: [{ kind: 'certificate', thumbprint: 'FF:00' }] }))).toBeNull();
    expect(vc.trustPrompt!('discovery-auth-failed', details, ctx())).toBeNull();
  });

  it('turns unknown host keys into one prompt with their SHA-256 fingerprints; a changed key gets none', () => {
    const ssh = sourceKind('ssh')!;
    const hostKeys = [
      { name: 'web01', host: '10.0.0.11', port: 22, keyType: 'ssh-ed25519', fingerprint: FP },
      { name: '10.0.0.12', host: '10.0.0.12', port: 2222, keyType: 'ecdsa-sha2-nistp256', fingerprint: FP },
    ];
    const p = ssh.trustPrompt!('ssh-host-key-unknown', { hostKeys }, ctx())!;
    expect(p.title).toBe('2 unknown host keys');
    expect(p.rows.map((r) => r.name)).toEqual(['web01 (10.0.0.11)', '10.0.0.12:2222']);
    expect(p.trust).toEqual([{ kind: 'host-key', host: '10.0.0.11', port: 22, fingerprint: FP }, { kind: 'host-key', host: '10.0.0.12', port: 2222, fingerprint: FP }]);
    expect(ssh.trustPrompt!('ssh-host-key-changed', { host: '10.0.0.11', port: 22, keyType: 'ssh-ed25519', fingerprint: FP }, ctx())).toBeNull();
  });

  it('fills the form from a saved connection (never a secret) and keeps its pinned thumbprint', () => {
    const ssh = sourceKind('ssh')!;
    expect(ssh.fromSource({ id: 'a', kind: 'ssh', url: 'ssh://root@h1,h2:2222', user: 'root', hosts: ['h1', 'h2'], port: 2222, keyFile: '/k' })).toEqual({ hosts: 'h1\nh2', port: '2222', user: 'root', auth: 'key', keyFile: '/k', sampleSeconds: '0' });
    const vc = sourceKind('vcenter')!;
    expect(vc.trustOf!({ id: 'b', kind: 'vcenter', url: 'https://vc/sdk', user: 'u', thumbprint: 'AA:BB' })).toEqual([{ kind: 'certificate', thumbprint: 'AA:BB' }]);
    expect(vc.describe({ id: 'b', kind: 'vcenter', url: 'https://vc/sdk', user: 'u', thumbprint: 'AA:BB' })).toBe('vc as u · certificate pinned');
  });
});
