// Azure discovery through the real Azure SDK (@azure/arm-compute, @azure/arm-network) against the fake Resource
// Manager endpoint (test/fakes/azure-arm.fake.ts: HTTPS with a certificate made at start, bodies as the
// Microsoft.Compute/Network REST specs' example responses), reached through the SDK's endpoint option with a test
// TokenCredential; and `mwb discover azure` as a user runs it.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { ProjectDocumentSchema } from '../../../main/common/model/project';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/identity';
import { startFakeArm, type FakeArm, type FakeArmVm } from '../../fakes/azure-arm.fake';
import { tempDir } from '../../helpers/temp-dir';
import { runMwb } from '../../helpers/cli';
import { createNodeServices } from '../../../main/shell/node-runtime';
import { silentLogger } from '../../../main/platform/logger';
import { createHandlers } from '../../../main/ipc/handlers';
import { dispatch } from '../../../main/ipc/dispatch';

const SUB = '0f1e2d3c-4b5a-4697-8877-665544332211';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test-only-token.sig';
const credential = (token = TOKEN): TokenCredential => ({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) });
const VMS: FakeArmVm[] = [
  { name: 'web01', resourceGroup: 'rg-web', vmId: '11111111-2222-4333-8444-555555555501', size: 'Standard_D2s_v3', os: 'Windows', publicIp: '20.50.60.70', tags: { app: 'shop', env: 'prod' }, dataDisksGiB: [256] },
  { name: 'web02', resourceGroup: 'rg-web', vmId: '11111111-2222-4333-8444-555555555502', size: 'Standard_D2s_v3', os: 'Windows', power: 'deallocated' },
  { name: 'db01', resourceGroup: 'rg-data', vmId: '11111111-2222-4333-8444-555555555503', size: 'Standard_E8s_v5', os: 'Linux', trustedLaunch: true, dataDisksGiB: [1024, 1024] },
  { name: 'jump', resourceGroup: 'rg-ops', vmId: '11111111-2222-4333-8444-555555555504', size: 'Standard_B2s', os: 'Linux', location: 'northeurope', power: 'stopped' },
  { name: 'app01', resourceGroup: 'rg-web', vmId: '11111111-2222-4333-8444-555555555505', size: 'Standard_D4s_v5', os: 'Linux' },
];

let arm: FakeArm;
let dir: string;
beforeAll(async () => {
  dir = await tempDir('mwb-azure-');
  arm = await startFakeArm({ subscriptionId: SUB, token: TOKEN, vms: VMS, pageSize: 2, forbidden: ['rg-secret'], dir });
}, 60_000);
afterAll(async () => {
  await arm?.close();
  await rm(dir, { recursive: true, force: true });
});

function services() {
  const s = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: dir });
  s.project.newProject('azure');
  return s;
}

describe('Azure discovery against the fake Resource Manager', () => {
  it('lists every VM of the subscription across pages (nextLink), with size, OS, disks, NICs and IPs, tags and power state', async () => {
    const s = services();
    try {
      arm.requests.length = 0;
      const r = await s.discovery.azure({ subscriptionId: SUB, credential: credential(), endpoint: arm.url, ca: arm.ca });
      expect(r).toMatchObject({ servers: 5, added: 5, warnings: [], source: { kind: 'azure', url: `azure://${SUB}` } });
      // Five VMs in pages of two: three list calls; every call authorized with the bearer token and an api-version.
      expect(arm.requests.filter((q) => q.path.endsWith('/Microsoft.Compute/virtualMachines'))).toHaveLength(3);
      expect(arm.requests.every((q) => q.authorized && q.apiVersion)).toBe(true);
      expect(arm.requests.filter((q) => q.path.endsWith('/instanceView'))).toHaveLength(5);
      const by = (n: string) => s.project.document.inventory.servers.find((x) => x.name === n)!;
      expect(by('web01')).toMatchObject({
        source: { kind: 'azure' },
        vmManager: { type: 'azure', id: SUB },
        identity: { smbiosUuid: '11111111-2222-4333-8444-555555555501', externalId: `/subscriptions/${SUB}/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/web01`, hostName: 'web01' },
        place: { region: 'westeurope', folder: 'rg-web' },
        state: { power: 'poweredOn' },
        os: { family: 'windows', configured: 'MicrosoftWindowsServer / WindowsServer / 2019-Datacenter', reported: 'Windows Server 2019 Datacenter 10.0.17763.5329' },
        firmware: { type: 'bios' },
        cpu: { vcpus: 2 },
        memoryMiB: 8192,
        tags: { app: 'shop', env: 'prod', 'azure.vmSize': 'Standard_D2s_v3' },
      });
      expect(by('web01').disks.map((d) => [d.label, d.capacityMiB, d.format])).toEqual([['OS disk (web01_OsDisk_1)', 127 * 1024, 'Premium_LRS'], ['LUN 0 (web01_data0)', 256 * 1024, 'StandardSSD_LRS']]);
      expect(by('web01').nics).toEqual([{ label: 'web01-nic', network: 'vnet-prod/app', mac: '00:0d:3a:00:00:00', ipv4: ['10.0.0.4', '20.50.60.70'], ipv6: [] }]);
      expect(by('web02').state.power).toBe('poweredOff');
      expect(by('jump')).toMatchObject({ state: { power: 'poweredOff' }, place: { region: 'northeurope' }, cpu: { vcpus: 2 }, memoryMiB: 4096 });
      expect(by('db01')).toMatchObject({ os: { family: 'linux' }, firmware: { type: 'efi', secureBoot: true }, cpu: { vcpus: 8 }, memoryMiB: 65536, place: { datacenter: 'westeurope zone 1' } });
      expect(by('db01').disks).toHaveLength(3);
      // A second run is a re-import: nothing changes.
      const again = await s.discovery.azure({ subscriptionId: SUB, credential: credential(), endpoint: arm.url, ca: arm.ca });
      expect(again).toMatchObject({ added: 0, unchanged: 5 });
      expect(s.discovery.sources()).toEqual([expect.objectContaining({ kind: 'azure', url: `azure://${SUB}`, lastServers: 5 })]);
    } finally {
      s.dispose();
    }
  });

  it('only the chosen resource groups', async () => {
    const s = services();
    try {
      const r = await s.discovery.azure({ subscriptionId: SUB, resourceGroups: ['rg-data', 'rg-ops'], credential: credential(), endpoint: arm.url, ca: arm.ca });
      expect(r).toMatchObject({ servers: 2, source: { url: `azure://${SUB}/resourceGroups/rg-data,rg-ops` } });
      expect(s.project.document.inventory.servers.map((x) => x.name).sort()).toEqual(['db01', 'jump']);
    } finally {
      s.dispose();
    }
  });

  it('a refused token, a forbidden resource group, an untrusted certificate and bad ids are typed errors; the token is never in a message; nothing is merged', async () => {
    const s = services();
    try {
      const errOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as { code: string; message: string });
      const refused = await errOf(s.discovery.azure({ subscriptionId: SUB, credential: credential('wrong-token-S3CRET'), endpoint: arm.url, ca: arm.ca }));
      expect(refused).toMatchObject({ code: 'discovery-auth-failed' });
      expect(JSON.stringify(refused)).not.toContain('S3CRET');
      const forbidden = await errOf(s.discovery.azure({ subscriptionId: SUB, resourceGroups: ['rg-secret'], credential: credential(), endpoint: arm.url, ca: arm.ca }));
      expect(forbidden).toMatchObject({ code: 'discovery-auth-failed', message: expect.stringContaining('Reader role') });
      expect(JSON.stringify(forbidden)).not.toContain(TOKEN);
      const untrusted = await errOf(s.discovery.azure({ subscriptionId: SUB, credential: credential(), endpoint: arm.url }));
      expect(untrusted).toMatchObject({ code: 'discovery-unreachable' });
      expect(await errOf(s.discovery.azure({ subscriptionId: 'not-a-guid', credential: credential(), endpoint: arm.url }))).toMatchObject({ code: 'discovery-unreachable' });
      expect(await errOf(s.discovery.azure({ subscriptionId: SUB, resourceGroups: ['bad/rg'], credential: credential(), endpoint: arm.url }))).toMatchObject({ code: 'discovery-unreachable' });
      expect(s.project.document.inventory.servers).toHaveLength(0);
    } finally {
      s.dispose();
    }
  }, 60_000);
});

describe('mwb discover azure and the discovery.azure channel', () => {
  it('help names every option; without any Azure credential it is a typed auth error and no project is written', async () => {
    const help = await runMwb(['discover', 'azure', '--help']);
    for (const o of ['--subscription', '--resource-group', '--tenant', '--endpoint', '--ca-file', '--project', '--json', 'DefaultAzureCredential']) expect(help.stdout).toContain(o);
    const project = path.join(dir, 'cli.mwb.json');
    const saved = { ...process.env };
    // Only the environment credential, with none of its variables: unavailable, without touching the network.
    process.env.AZURE_TOKEN_CREDENTIALS = 'EnvironmentCredential';
    for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_USERNAME']) delete process.env[k];
    try {
      const r = await runMwb(['discover', 'azure', '--subscription', SUB, '--resource-group', 'rg-web', '--project', project, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'discovery-auth-failed', message: expect.stringContaining('az login') });
      const bad = await runMwb(['discover', 'azure', '--subscription', 'nope', '--project', project, '--json']);
      expect(JSON.parse(bad.stdout).error.code).toBe('discovery-unreachable');
      await expect(readFile(project)).rejects.toThrow();
    } finally {
      process.env = saved;
    }
  }, 60_000);

  it('after `az login` (a stand-in az on PATH), mwb discover azure --endpoint --ca-file discovers into a project', async () => {
    const bin = path.join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    const argv = path.join(bin, 'az.argv');
    // What `az account get-access-token --output json` prints after `az login`.
    const reply = JSON.stringify({ accessToken: TOKEN, expiresOn: '2099-01-01 00:00:00.000000', expires_on: 4070908800, subscription: SUB, tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47', tokenType: 'Bearer' });
    await writeFile(path.join(bin, 'az'), `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(argv)}, JSON.stringify(process.argv.slice(2)) + '\\n');\nprocess.stdout.write(${JSON.stringify(reply)});\n`);
    await chmod(path.join(bin, 'az'), 0o755);
    const project = path.join(dir, 'az-login.mwb.json');
    const saved = { ...process.env };
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
    process.env.AZURE_TOKEN_CREDENTIALS = 'AzureCliCredential';
    try {
      const r = await runMwb(['discover', 'azure', '--subscription', SUB, '--resource-group', 'rg-web', '--endpoint', arm.url, '--ca-file', path.join(dir, 'fake-arm.pem'), '--project', project, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ servers: 3, added: 3, totalInProject: 3, source: { kind: 'azure', url: `azure://${SUB}/resourceGroups/rg-web` } });
      expect(r.stdout).not.toContain(TOKEN);
      const doc = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
      expect(doc.inventory.servers.map((x) => x.name).sort()).toEqual(['app01', 'web01', 'web02']);
      expect(JSON.stringify(doc)).not.toContain(TOKEN);
      expect((await readFile(argv, 'utf8')).split('\n')[0]).toContain('get-access-token');
      const noCa = await runMwb(['discover', 'azure', '--subscription', SUB, '--endpoint', arm.url, '--ca-file', project, '--project', project]);
      expect(noCa.code).toBe(2);
    } finally {
      process.env = saved;
    }
  }, 60_000);

  it('the channel checks its arguments with zod before the service runs', async () => {
    const s = services();
    try {
      const handlers = createHandlers(s);
      expect(await dispatch(handlers, 'discovery.azure', { subscriptionId: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await dispatch(handlers, 'discovery.azure', { subscriptionId: SUB, clientSecret: 'S3CRET' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(JSON.stringify(await dispatch(handlers, 'discovery.azure', { subscriptionId: SUB, clientSecret: 'S3CRET' }))).not.toContain('S3CRET');
    } finally {
      s.dispose();
    }
  });
});
