// Real peer: govmomi 0.24.2's vCenter simulator (../shared/peers/start-vcsim.sh), self-signed TLS, on a private port.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverVcenter } from '../../../main/discovery/vcenter/vcenter-discovery';
import { VimClient } from '../../../main/discovery/vcenter/vim-client';
import { child, text } from '../../../main/discovery/xml';
import { ProjectDocumentSchema } from '../../../main/common/model/project';
import { discoverVcenterCommand } from '../../../main/cli/discover.command';
import { startPeer, stopPeer } from '../../helpers/peers';
import { tempDir } from '../../helpers/temp-dir';
import { peerPort } from '../../helpers/ports';

const PASSWORD = 'pass';
let url = '';
let thumbprint = '';
let env: Record<string, string> = {};
let dir = '';

beforeAll(async () => {
  dir = await tempDir('mwb-vcsim-');
  const port = await peerPort();
  env = { VCSIM_PORT: String(port), VCSIM_PIDFILE: path.join(dir, 'vcsim.pid'), VCSIM_ARGS: '-dc 1 -cluster 1 -host 2 -vm 3 -standalone-host 1' };
  url = await startPeer('start-vcsim.sh', [], env, 600_000);
  const err = await discoverVcenter({ url, user: 'user', password: PASSWORD }).catch((e: unknown) => e);
  thumbprint = (err as { details?: { thumbprint?: string } }).details?.thumbprint ?? '';
}, 620_000);
afterAll(async () => {
  if (env.VCSIM_PIDFILE) await stopPeer('start-vcsim.sh', env);
  await rm(dir, { recursive: true, force: true });
});

type Failure = Error & { code: string; details?: { thumbprint?: string } };
function fail(p: Promise<unknown>): Promise<Failure> {
  return p.then(
    () => {
      throw new Error('expected the discovery to fail');
    },
    (e: unknown) => e as Failure,
  );
}

function cli(args: Parameters<typeof discoverVcenterCommand>[0], stdin: string) {
  let stdout = '';
  let stderr = '';
  const errStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      stderr += String(chunk);
      cb();
    },
  });
  return discoverVcenterCommand(args, { stdout: (s) => (stdout += s), stderr: errStream, stdin: Readable.from([stdin]) }).then((code) => ({ code, stdout, stderr }));
}

describe('vCenter discovery against vcsim', () => {
  it('refuses the self-signed certificate without a thumbprint and names its SHA-1 thumbprint', async () => {
    expect(thumbprint).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    const err = await fail(discoverVcenter({ url, user: 'user', password: PASSWORD }));
    expect(err.code).toBe('discovery-certificate-untrusted');
    expect(err.message).toContain(thumbprint);
    expect(err.message).not.toContain(PASSWORD);
    const wrong = await fail(discoverVcenter({ url, user: 'user', password: PASSWORD, thumbprint: '00'.repeat(20) }));
    expect(wrong.code).toBe('discovery-certificate-untrusted');
    expect(wrong.message).toMatch(/has changed/);
  });

  it('reads every VM with hardware, identity and place, page by page', async () => {
    const pages: number[] = [];
    const inv = await discoverVcenter({ url, user: 'user', password: PASSWORD, thumbprint, pageSize: 2, progress: (d) => pages.push(d) });
    // -vm 3 per host/cluster: 2 hosts in the cluster count as one compute resource, plus the standalone host.
    expect(inv.vms.length).toBeGreaterThanOrEqual(6);
    expect(new Set(inv.vms.map((v) => v.moref)).size).toBe(inv.vms.length);
    // vcsim 0.24.2 ignores maxObjects (one page, no token); paging is tested against a scripted peer in vim-paging.test.ts.
    expect(pages.at(-1)).toBe(inv.vms.length);
    expect(inv.vcenter.instanceUuid).toBeTruthy();
    const vm = inv.vms.find((v) => v.name.includes('_C0_'))!;
    expect(vm).toMatchObject({ powerState: 'poweredOn', datacenter: 'DC0', cluster: 'DC0_C0' });
    expect(vm.numCPU).toBeGreaterThan(0);
    expect(vm.memoryMB).toBeGreaterThan(0);
    expect(vm.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vm.host).toMatch(/^DC0_C0_H\d$/);
    expect(vm.disks[0]!.capacityKB).toBeGreaterThan(0);
    // The controller's label as vcsim names it (pvscsi-202; vCenter says "SCSI controller 0").
    expect(vm.disks[0]!.controller).toMatch(/scsi/i);
    expect(vm.nics[0]!.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(vm.nics[0]!.network).toBeTruthy();
  });

  it('a wrong password and a closed port are typed errors that never echo the password', async () => {
    const bad = await fail(discoverVcenter({ url, user: 'user', password: 'Wr0ng-S3cret!', thumbprint }));
    expect(bad.code).toBe('discovery-auth-failed');
    expect(JSON.stringify({ m: bad.message, d: (bad as { details?: unknown }).details })).not.toContain('Wr0ng-S3cret!');
    const closed = `https://127.0.0.1:${await peerPort()}/sdk`;
    const off = await fail(discoverVcenter({ url: closed, user: 'user', password: 'Wr0ng-S3cret!' }));
    expect(off.code).toBe('discovery-unreachable');
    expect(off.message).not.toContain('Wr0ng-S3cret!');
  });

  it('mwb discover vcenter merges by identity: added, then unchanged, then one updated after a reconfigure', async () => {
    const project = path.join(dir, 'vc.mwb.json');
    const args = { url, user: 'user', passwordStdin: true, thumbprint, project, json: true };
    const first = await cli(args, `${PASSWORD}\n`);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect(r1.added).toBe(r1.servers);
    expect(r1).toMatchObject({ updated: 0, unchanged: 0, gone: [], source: { kind: 'vcenter' } });
    const raw = await readFile(project, 'utf8');
    expect(raw).not.toMatch(/password/i);
    const doc = ProjectDocumentSchema.parse(JSON.parse(raw));
    expect(doc.discovery?.sources).toEqual([expect.objectContaining({ kind: 'vcenter', user: 'user', thumbprint, lastServers: r1.servers })]);
    expect(doc.discovery!.sources[0]).not.toHaveProperty('password');
    const s = doc.inventory.servers[0]!;
    expect(s).toMatchObject({ source: { kind: 'vcenter' }, vmManager: { type: 'vsphere' } });
    expect(s.identity.instanceUuid).toBeTruthy();

    expect(JSON.parse((await cli(args, `${PASSWORD}\n`)).stdout)).toMatchObject({ added: 0, updated: 0, unchanged: r1.servers });

    // Give one VM 6 vCPUs in vcsim, as an administrator would, then discover again.
    const target = doc.inventory.servers.find((x) => x.state.power === 'poweredOn')!;
    const c = new VimClient({ url: new URL(url), thumbprint });
    await c.retrieveServiceContent();
    await c.login('user', PASSWORD);
    const task = text(child(await c.call(`<ReconfigVM_Task><_this type="VirtualMachine">${target.identity.moref}</_this><spec><numCPUs>6</numCPUs></spec></ReconfigVM_Task>`), 'returnval'));
    expect(task).toBeTruthy();
    // The call returns the task at once: the VM has its new CPU count when the task has succeeded.
    await expect.poll(async () => text((await c.retrieveOne({ type: 'Task', value: task! }, ['info.state'])).get('info.state')), { timeout: 20_000 }).toBe('success');
    await c.logout();
    c.close();
    const third = JSON.parse((await cli(args, `${PASSWORD}\n`)).stdout);
    expect(third).toMatchObject({ added: 0, updated: 1, unchanged: r1.servers - 1 });
    const doc3 = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    const after = doc3.inventory.servers.find((x) => x.id === target.id)!;
    expect(after.cpu.vcpus).toBe(6);
  });

  it('without --password-stdin, or with an empty stdin, is a usage error and no project is written', async () => {
    const project = path.join(dir, 'none.mwb.json');
    expect((await cli({ url, user: 'user', thumbprint, project }, 'x\n')).code).toBe(2);
    expect((await cli({ url, user: 'user', passwordStdin: true, thumbprint, project }, '')).code).toBe(2);
    await expect(readFile(project)).rejects.toThrow();
  });
});
