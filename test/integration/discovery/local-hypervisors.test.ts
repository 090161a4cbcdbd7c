// `mwb discover hyperv|virtualbox|vmware-workstation` end to end, as a user runs them: real child processes (a
// stand-in VBoxManage and pwsh that print the tools' documented output and record their argv), real .vmx and VMDK
// files in a temp folder, the project file written, a second run merging by identity, and the IPC channels.
import { chmod, mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectDocumentSchema } from '../../../main/common/model/project';
import { runMwb } from '../../helpers/cli';
import { tempDir } from '../../helpers/temp-dir';
import { createNodeServices } from '../../../main/shell/node-runtime';
import { silentLogger } from '../../../main/platform/logger';
import { createHandlers } from '../../../main/ipc/handlers';
import { dispatch } from '../../../main/ipc/dispatch';
import { HYPERV_SCRIPT } from '../../../main/discovery/hyperv/hyperv-discovery';

const FIX = path.resolve(import.meta.dirname, '../../fixtures/discovery');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function dir(): Promise<string> {
  const d = await tempDir('mwb-localhv-');
  dirs.push(d);
  return d;
}

/** A program that appends its argv (JSON, one line) to LOG and prints what `answers` maps the argv to. */
async function standIn(where: string, name: string, answers: Record<string, string>, exitWith?: { code: number; stderr: string }): Promise<{ exe: string; log: string }> {
  const exe = path.join(where, name);
  const log = path.join(where, `${name}.argv`);
  await writeFile(
    exe,
    `#!${process.execPath}\nconst fs = require('node:fs');\nconst argv = process.argv.slice(2);\nfs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(argv) + '\\n');\n` +
      (exitWith ? `process.stderr.write(${JSON.stringify(exitWith.stderr)});\nprocess.exit(${exitWith.code});\n` : `const answers = ${JSON.stringify(answers)};\nconst out = answers[argv.join(' ')];\nif (out === undefined) { process.stderr.write('VBoxManage: error: unknown call'); process.exit(1); }\nprocess.stdout.write(out);\n`),
  );
  await chmod(exe, 0o755);
  return { exe, log };
}
const argvLog = async (log: string) => (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as string[]);

describe('mwb discover virtualbox', () => {
  it('lists, reads each VM and each disk by UUID (argv exact, no shell), merges; a second run changes nothing', async () => {
    const d = await dir();
    const fx = (f: string) => readFile(path.join(FIX, f), 'utf8');
    const vb = await standIn(d, 'VBoxManage', {
      'list vms': '"web \\"01\\"" {2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f}\n"db01" {5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b}\n',
      'showvminfo 2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f --machinereadable': await fx('vbox-showvminfo-web.txt'),
      'showvminfo 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b --machinereadable': await fx('vbox-showvminfo-db.txt'),
      'showmediuminfo disk 8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d': await fx('vbox-mediuminfo-vdi.txt'),
      'showmediuminfo disk 9b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e': await fx('vbox-mediuminfo-vmdk.txt'),
    });
    const project = path.join(d, 'laptop.mwb.json');
    const r = await runMwb(['discover', 'virtualbox', '--vboxmanage', vb.exe, '--project', project, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ servers: 2, added: 2, updated: 0, totalInProject: 2, source: { kind: 'virtualbox' } });
    // db01's disk has no medium info answer: the size is unknown and said so.
    expect(json.warnings).toEqual([expect.stringMatching(/^db01: the size of NVMe-0-0 is unknown/)]);
    expect(await argvLog(vb.log)).toEqual([
      ['list', 'vms'],
      ['showvminfo', '2f9c1c1e-8d7a-4d3b-9f4e-6b0a1c2d3e4f', '--machinereadable'],
      ['showmediuminfo', 'disk', '8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
      ['showmediuminfo', 'disk', '9b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e'],
      ['showvminfo', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', '--machinereadable'],
      ['showmediuminfo', 'disk', '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c'],
    ]);
    const doc = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    const web = doc.inventory.servers.find((s) => s.name === 'web "01"')!;
    expect(web).toMatchObject({ vmManager: { type: 'virtualbox' }, state: { power: 'poweredOn' }, os: { family: 'windows' }, firmware: { type: 'efi' }, memoryMiB: 4096 });
    expect(web.disks.map((x) => x.capacityMiB)).toEqual([51200, 10240]);
    expect(doc.inventory.servers.find((s) => s.name === 'db01')).toMatchObject({ state: { power: 'poweredOff' }, os: { family: 'linux' }, nics: [{ network: 'bridged: enp3s0', mac: '08:00:27:01:02:03' }] });
    expect(doc.discovery?.sources).toEqual([expect.objectContaining({ kind: 'virtualbox', lastServers: 2 })]);
    const again = JSON.parse((await runMwb(['discover', 'virtualbox', '--vboxmanage', vb.exe, '--project', project, '--json'])).stdout);
    expect(again).toMatchObject({ servers: 2, added: 0, unchanged: 2, totalInProject: 2 });
  });

  it('a missing VBoxManage or one that fails is a typed error and no project is written', async () => {
    const d = await dir();
    const project = path.join(d, 'p.mwb.json');
    const missing = await runMwb(['discover', 'virtualbox', '--vboxmanage', path.join(d, 'nope'), '--project', project, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'discovery-unreachable' });
    const failing = await standIn(d, 'VBoxManage', {}, { code: 1, stderr: 'VBoxManage: error: Failed to create the VirtualBox object!' });
    const r = await runMwb(['discover', 'virtualbox', '--vboxmanage', failing.exe, '--project', project, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'discovery-failed', message: expect.stringContaining('Failed to create the VirtualBox object') });
    await expect(readFile(project)).rejects.toThrow();
  });
});

describe('cancel', () => {
  it('cancelling a VirtualBox discovery stops VBoxManage and leaves the project unchanged', async () => {
    const d = await dir();
    const exe = path.join(d, 'VBoxManage');
    const log = path.join(d, 'calls');
    // Lists one VM, then takes 20 s over its settings: the cancel lands while VBoxManage runs.
    await writeFile(exe, `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(log)}, process.argv[2] + '\\n');\nif (process.argv[2] === 'list') process.stdout.write('"slow" {5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b}\\n');\nelse setTimeout(() => {}, 20000);\n`);
    await chmod(exe, 0o755);
    const services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: d });
    try {
      services.project.newProject('cancel');
      const states: string[] = [];
      const off = services.events.subscribe((event, payload) => {
        if (event === 'task.progress') states.push((payload as { state: string }).state);
      });
      const run = services.discovery.virtualbox({ vboxmanage: exe, taskId: 'vb-cancel' }).then(() => null, (e: unknown) => e);
      for (let i = 0; i < 200 && !(await readFile(log, 'utf8').catch(() => '')).includes('showvminfo'); i++) await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      expect(services.tasks.cancel('vb-cancel')).toBe(true);
      expect(await run).toMatchObject({ code: 'cancelled' });
      expect(Date.now() - t0).toBeLessThan(5000);
      off();
      expect(states.at(-1)).toBe('cancelled');
      expect(services.project.document.inventory.servers).toHaveLength(0);
      expect(services.project.document.discovery?.sources ?? []).toHaveLength(0);
    } finally {
      services.dispose();
    }
  }, 30_000);
});

describe('mwb discover hyperv', () => {
  it('--from-json reads the files the host script saved, and merges by VMId', async () => {
    const d = await dir();
    const saved = path.join(d, 'saved');
    await cp(path.join(FIX, 'hyperv-saved'), saved, { recursive: true });
    const project = path.join(d, 'dc.mwb.json');
    const r = await runMwb(['discover', 'hyperv', '--from-json', saved, '--project', project, '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ servers: 2, added: 2, source: { kind: 'hyperv', name: 'HV-NODE1' } });
    const doc = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    expect(doc.inventory.servers.find((s) => s.name === 'SQL01')).toMatchObject({ identity: { externalId: 'hyperv-vmid:6c8a9e54-3f1b-4c1e-9d7a-1e2f3a4b5c6d' }, firmware: { type: 'efi', secureBoot: true }, memoryMiB: 16384 });
    // The VM was renamed on the host: same VMId, same server (updated, not added).
    const vms = JSON.parse(await readFile(path.join(saved, 'Get-VM.json'), 'utf8'));
    vms[0].Name = 'SQL01-PROD';
    await writeFile(path.join(saved, 'Get-VM.json'), JSON.stringify(vms));
    const again = JSON.parse((await runMwb(['discover', 'hyperv', '--from-json', saved, '--project', project, '--json'])).stdout);
    expect(again).toMatchObject({ servers: 2, added: 0, updated: 1, unchanged: 1, totalInProject: 2 });
  });

  it('live: runs PowerShell with -NoProfile -NonInteractive -Command and Invoke-Command for a host (argv exact)', async () => {
    const d = await dir();
    const sets: Record<string, unknown> = {};
    for (const f of ['Get-VM', 'Get-VMHardDiskDrive', 'Get-VHD', 'Get-VMNetworkAdapter', 'Get-VMFirmware']) sets[f] = JSON.parse(await readFile(path.join(FIX, 'hyperv-saved', `${f}.json`), 'utf8'));
    const script = `Invoke-Command -ComputerName 'hv-node1.corp.example' -ErrorAction Stop -ScriptBlock {\n${HYPERV_SCRIPT}\n}`;
    const ps = await standIn(d, 'pwsh', { [`-NoProfile -NonInteractive -Command ${script}`]: '\uFEFF' + JSON.stringify(sets) });
    const project = path.join(d, 'dc.mwb.json');
    const r = await runMwb(['discover', 'hyperv', '--host', 'hv-node1.corp.example', '--powershell', ps.exe, '--project', project, '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ servers: 2, added: 2, source: { kind: 'hyperv', url: 'hyperv://hv-node1.corp.example' } });
    expect(await argvLog(ps.log)).toEqual([['-NoProfile', '-NonInteractive', '-Command', script]]);
    const bad = await runMwb(['discover', 'hyperv', '--host', "x'; Stop-Computer; '", '--powershell', ps.exe, '--project', project, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('discovery-unreachable');
    expect(await argvLog(ps.log)).toHaveLength(1);
  });

  it('usage and input errors: both --host and --from-json, a folder without Get-VM.json, unreadable JSON', async () => {
    const d = await dir();
    const project = path.join(d, 'p.mwb.json');
    expect((await runMwb(['discover', 'hyperv', '--host', 'h', '--from-json', d, '--project', project])).code).toBe(2);
    const empty = await runMwb(['discover', 'hyperv', '--from-json', d, '--project', project, '--json']);
    expect(JSON.parse(empty.stdout).error).toMatchObject({ code: 'discovery-unreachable', message: expect.stringContaining('Get-VM.json') });
    await writeFile(path.join(d, 'Get-VM.json'), 'Get-VM : The term \'Get-VM\' is not recognized as the name of a cmdlet');
    const junk = await runMwb(['discover', 'hyperv', '--from-json', d, '--project', project, '--json']);
    expect(JSON.parse(junk.stdout).error.code).toBe('discovery-malformed-response');
    await expect(readFile(project)).rejects.toThrow();
  });
});

const vmx = (name: string, uuid: string, disk: string, extra = '') =>
  `.encoding = "UTF-8"\ndisplayName = "${name}"\nguestOS = "ubuntu-64"\nnumvcpus = "2"\nmemsize = "2048"\nuuid.bios = "${uuid}"\nscsi0.present = "TRUE"\nscsi0:0.present = "TRUE"\nscsi0:0.fileName = "${disk}"\nethernet0.present = "TRUE"\nethernet0.connectionType = "bridged"\nethernet0.generatedAddress = "00:0c:29:00:00:01"\n${extra}`;

describe('mwb discover vmware-workstation', () => {
  it('finds .vmx files in sub-folders, reads VMDK sizes (descriptor and sparse header), power from lock and suspend files', async () => {
    const d = await dir();
    const vms = path.join(d, 'Virtual Machines');
    await mkdir(path.join(vms, 'web', 'web.vmx.lck'), { recursive: true });
    await writeFile(path.join(vms, 'web', 'web.vmx'), vmx('web', '56 4d 00 00 00 00 00 01-00 00 00 00 00 00 00 01', 'web.vmdk', 'firmware = "efi"\n'));
    await writeFile(path.join(vms, 'web', 'web.vmdk'), '# Disk DescriptorFile\nversion=1\ncreateType="twoGbMaxExtentSparse"\nRW 8388608 SPARSE "web-s001.vmdk"\nRW 8388608 SPARSE "web-s002.vmdk"\n');
    await writeFile(path.join(vms, 'web', 'web-s001.vmdk'), Buffer.alloc(3 * 1048576));
    await writeFile(path.join(vms, 'web', 'web-s002.vmdk'), Buffer.alloc(1048576));
    await mkdir(path.join(vms, 'team', 'db'), { recursive: true });
    await writeFile(path.join(vms, 'team', 'db', 'db.vmx'), vmx('db', '56 4d 00 00 00 00 00 02-00 00 00 00 00 00 00 02', 'db.vmdk', 'checkpoint.vmState = "db-1.vmss"\n'));
    await writeFile(path.join(vms, 'team', 'db', 'db-1.vmss'), '');
    const head = Buffer.alloc(2 * 1048576); // a sparse file holding 2 MiB of a 20 GiB disk
    head.write('KDMV', 0, 'latin1');
    head.writeBigUInt64LE(41943040n, 12); // 20 GiB
    await writeFile(path.join(vms, 'team', 'db', 'db.vmdk'), head);
    await mkdir(path.join(vms, 'broken'));
    await writeFile(path.join(vms, 'broken', 'x.vmx'), vmx('x', '', 'missing.vmdk'));
    const project = path.join(d, 'ws.mwb.json');
    const r = await runMwb(['discover', 'vmware-workstation', '--folder', vms, '--project', project, '--json']);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ servers: 3, added: 3, source: { kind: 'vmware-workstation', url: vms } });
    expect(json.warnings).toEqual([expect.stringContaining('missing.vmdk cannot be read')]);
    const doc = ProjectDocumentSchema.parse(JSON.parse(await readFile(project, 'utf8')));
    const by = (n: string) => doc.inventory.servers.find((s) => s.name === n)!;
    expect(by('web')).toMatchObject({ state: { power: 'poweredOn' }, firmware: { type: 'efi' }, os: { family: 'linux' }, identity: { biosUuid: '564d0000-0000-0001-0000-000000000001' }, disks: [{ capacityMiB: 8192, usedMiB: 4, thin: true, path: path.join(vms, 'web', 'web.vmdk') }] });
    expect(by('db')).toMatchObject({ state: { power: 'suspended' }, firmware: { type: 'bios' }, disks: [{ capacityMiB: 20480, usedMiB: 2, thin: true }] });
    expect(by('x').state.power).toBe('poweredOff');
    const again = JSON.parse((await runMwb(['discover', 'vmware-workstation', '--folder', vms, '--project', project, '--json'])).stdout);
    expect(again).toMatchObject({ added: 0, unchanged: 3 });
  });

  it('a folder that does not exist, or holds no .vmx, is a typed error and no project is written', async () => {
    const d = await dir();
    const project = path.join(d, 'p.mwb.json');
    const r = await runMwb(['discover', 'vmware-workstation', '--folder', path.join(d, 'nope'), '--project', project, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('discovery-unreachable');
    const empty = await runMwb(['discover', 'vmware-workstation', '--folder', d, '--project', project, '--json']);
    expect(JSON.parse(empty.stdout).error.code).toBe('import-nothing-read');
    await expect(readFile(project)).rejects.toThrow();
  });
});

describe('through the IPC contract (as the Discover dialog calls them)', () => {
  it('discovery.vmwareWorkstation, discovery.hyperv and discovery.virtualbox: zod-checked, a task, the report, undoable', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'a.vmx'), vmx('a', '56 4d 00 00 00 00 00 03-00 00 00 00 00 00 00 03', 'a.vmdk'));
    const services = createNodeServices({ shell: 'browser', logger: silentLogger, dataDir: d });
    try {
      services.project.newProject('ipc');
      const handlers = createHandlers(services);
      expect(await dispatch(handlers, 'discovery.vmwareWorkstation', { folder: d, taskId: 't1' })).toMatchObject({ ok: true, value: { servers: 1, added: 1, source: { kind: 'vmware-workstation' } } });
      expect(await dispatch(handlers, 'discovery.hyperv', { fromJson: path.join(FIX, 'hyperv-saved') })).toMatchObject({ ok: true, value: { servers: 2, added: 2, source: { kind: 'hyperv' } } });
      expect(services.project.document.inventory.servers).toHaveLength(3);
      expect(await dispatch(handlers, 'discovery.sources', {})).toMatchObject({ ok: true, value: [{ kind: 'vmware-workstation' }, { kind: 'hyperv' }] });
      services.project.undo();
      expect(services.project.document.inventory.servers).toHaveLength(1);
      expect(await dispatch(handlers, 'discovery.hyperv', { host: 'h', fromJson: d })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await dispatch(handlers, 'discovery.virtualbox', { vboxmanage: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await dispatch(handlers, 'discovery.virtualbox', { vboxmanage: path.join(d, 'missing') })).toMatchObject({ ok: false, error: { code: 'discovery-unreachable' } });
    } finally {
      services.dispose();
    }
  });
});
