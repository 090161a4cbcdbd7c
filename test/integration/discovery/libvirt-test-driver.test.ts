// Real peer: libvirt 9.0's test driver through virsh (../shared/peers/libvirt-test.sh), driven through `mwb discover libvirt`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discoverLibvirt } from '../../../main/discovery/libvirt/libvirt-discovery';
import { ProjectDocumentSchema } from '../../../main/common/model/project';
import { runMwb } from '../../helpers/cli';
import { startPeer } from '../../helpers/peers';
import { tempDir } from '../../helpers/temp-dir';
import { rm } from 'node:fs/promises';
import { createNodeServices } from '../../../main/shell/node-runtime';
import { silentLogger } from '../../../main/platform/logger';
import { createHandlers } from '../../../main/ipc/handlers';
import { dispatch } from '../../../main/ipc/dispatch';

let uri = '';
const dirs: string[] = [];
beforeAll(async () => {
  const dir = await tempDir('mwb-libvirt-');
  dirs.push(dir);
  uri = await startPeer('libvirt-test.sh', [dir]);
}, 240_000);
afterEach(async () => {
  while (dirs.length > 1) await rm(dirs.pop()!, { recursive: true, force: true });
});

describe('libvirt discovery against the test driver', () => {
  it('reads every domain with disks, NICs, CPU, memory, OS and state', async () => {
    const { domains } = await discoverLibvirt({ uri });
    expect(domains.map((d) => d.name).sort()).toEqual(['app01', 'db01', 'web01']);
    const web = domains.find((d) => d.name === 'web01')!;
    expect(web).toMatchObject({ uuid: '11111111-1111-4111-8111-111111111111', vcpus: 4, memoryKiB: 8 * 1024 * 1024, osType: 'hvm', arch: 'x86_64', osinfo: 'http://microsoft.com/win/2k19', state: 'running' });
    expect(web.disks.map((d) => [d.target, d.driverType, path.basename(d.source ?? '')])).toEqual([['vda', 'qcow2', 'disk.qcow2'], ['vdb', 'raw', 'disk.raw']]);
    expect(web.disks[0]!.capacityBytes).toBeGreaterThan(0);
    expect(web.nics).toEqual([{ mac: '52:54:00:00:01:01', type: 'network', network: 'default', model: 'virtio' }]);
    const db = domains.find((d) => d.name === 'db01')!;
    expect(db.state).toBe('shut off');
    expect(db.disks[1]).toMatchObject({ type: 'block', source: '/dev/vg0/db01-data' });
    expect(db.nics.map((n) => n.model)).toEqual(['e1000', 'virtio']);
    expect(domains.find((d) => d.name === 'app01')!.memoryKiB).toBe(4096 * 1024);
  });

  it('mwb discover libvirt merges into a project: added first, unchanged on a second run', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const project = path.join(dir, 'lab.mwb.json');
    const first = await runMwb(['discover', 'libvirt', '--uri', uri, '--project', project, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect(r1).toMatchObject({ servers: 3, added: 3, updated: 0, unchanged: 0, gone: [], totalInProject: 3, source: { kind: 'libvirt', url: uri } });
    const doc = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    const web = doc.inventory.servers.find((s) => s.name === 'web01')!;
    expect(web).toMatchObject({ source: { kind: 'libvirt' }, vmManager: { type: 'libvirt' }, state: { power: 'poweredOn' }, os: { family: 'windows' }, cpu: { vcpus: 4 }, memoryMiB: 8192 });
    expect(web.disks[0]).toMatchObject({ label: 'vda', format: 'qcow2', controller: 'virtio' });
    expect(doc.inventory.servers.find((s) => s.name === 'db01')!.state.power).toBe('poweredOff');
    expect(doc.discovery?.sources).toEqual([expect.objectContaining({ kind: 'libvirt', url: uri, lastServers: 3 })]);
    expect(doc.inventory.imports.at(-1)).toMatchObject({ kind: 'libvirt', added: 3 });

    const second = JSON.parse((await runMwb(['discover', 'libvirt', '--uri', uri, '--project', project, '--json'])).stdout);
    expect(second).toMatchObject({ servers: 3, added: 0, unchanged: 3, totalInProject: 3 });
    const doc2 = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    expect(doc2.inventory.servers.map((s) => s.id).sort()).toEqual(doc.inventory.servers.map((s) => s.id).sort());
    expect(doc2.discovery?.sources).toHaveLength(1);
  });

  it('a URI libvirt cannot open is a typed error and no project is written', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const project = path.join(dir, 'x.mwb.json');
    const r = await runMwb(['discover', 'libvirt', '--uri', `test://${dir}/missing.xml`, '--project', project, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toMatch(/^discovery-/);
    await expect(readFile(project)).rejects.toThrow();
    const bad = await runMwb(['discover', 'libvirt', '--uri', '--help', '--project', project, '--json']);
    expect(bad.code).not.toBe(0);
  });

  it('through the IPC contract (as the window and the browser shell call it): a task with progress, the report, the source kept, undoable', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: dir });
    try {
      services.project.newProject('ipc');
      const handlers = createHandlers(services);
      const progress: string[] = [];
      const off = services.events.subscribe((event, payload) => {
        if (event === 'task.progress') progress.push((payload as { state: string }).state);
      });
      const r = await dispatch(handlers, 'discovery.libvirt', { uri, taskId: 'disc-1' });
      off();
      expect(r).toMatchObject({ ok: true, value: { servers: 3, added: 3, source: { kind: 'libvirt', url: uri } } });
      expect(progress[0]).toBe('running');
      expect(progress.at(-1)).toBe('done');
      expect(await dispatch(handlers, 'discovery.sources', {})).toMatchObject({ ok: true, value: [{ kind: 'libvirt', url: uri, lastServers: 3 }] });
      expect(services.project.document.inventory.servers).toHaveLength(3);
      services.project.undo();
      expect(services.project.document.inventory.servers).toHaveLength(0);
      // zod refuses bad arguments before the service sees them; the password is never echoed.
      const bad = await dispatch(handlers, 'discovery.vcenter', { url: 'https://vc', user: 'u', password: 'S3cret-pw', extra: 1 });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(JSON.stringify(bad)).not.toContain('S3cret-pw');
    } finally {
      services.dispose();
    }
  });
});
