// Real peers: OpenSSH sshd on loopback (../shared/peers/start-sshd.sh) and libvirt's test driver, driven through the
// IPC contract as the Discover dialog calls it (window and browser shell): host-key trust, saved passwords, cancel.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../main/ipc/handlers';
import { dispatch } from '../../../main/ipc/dispatch';
import { fingerprint } from '../../../main/discovery/ssh/known-hosts';
import { createServices, type Services } from '../../../main/services/container';
import { MemorySettingsStore } from '../../../main/platform/settings';
import { silentLogger } from '../../../main/platform/logger';
import { MemorySecretStore } from '../../../main/platform/secret-store';
import { startSshd, type SshdPeer } from '../../helpers/sshd-peer';
import { startPeer } from '../../helpers/peers';
import { tempDir } from '../../helpers/temp-dir';

const run = promisify(execFile);

let peer: SshdPeer;
let dir: string;
let hostFp: string;
let lockedKey: string;
const PASSPHRASE = 'Key-Passphrase-9';

beforeAll(async () => {
  peer = await startSshd();
  dir = await tempDir('mwb-disc-ipc-');
  hostFp = fingerprint(Buffer.from(peer.hostPub.split(' ')[1]!, 'base64'));
  // The same client key protected by a passphrase: what "Remember password" keeps for an SSH key.
  lockedKey = path.join(dir, 'id_locked');
  await copyFile(peer.keyFile, lockedKey);
  await run('ssh-keygen', ['-q', '-p', '-N', PASSPHRASE, '-P', '', '-f', lockedKey]);
}, 180_000);
afterAll(async () => {
  await peer?.stop();
});

function open(name: string, secrets = new MemorySecretStore()): { services: Services; handlers: ReturnType<typeof createHandlers>; secrets: MemorySecretStore } {
  const dataDir = path.join(dir, name);
  mkdirSync(dataDir, { recursive: true });
  const services = createServices({ shell: 'browser', settings: new MemorySettingsStore(), logger: silentLogger, dataDir, secrets });
  services.project.newProject(name);
  return { services, handlers: createHandlers(services), secrets };
}

describe('discovery.ssh through the IPC contract against a real sshd', () => {
  it('an unknown host key fails with its SHA-256 fingerprint and changes nothing; trusting exactly that key discovers the host', async () => {
    const { services, handlers } = open('tofu');
    try {
      const before = services.project.document;
      const args = { hosts: [`lab1=127.0.0.1`], port: peer.port, user: peer.user, keyFile: peer.keyFile };
      const r1 = await dispatch(handlers, 'discovery.ssh', args);
      expect(r1).toMatchObject({ ok: false, error: { code: 'ssh-host-key-unknown', details: { hostKeys: [{ name: 'lab1', host: '127.0.0.1', port: peer.port, keyType: 'ssh-ed25519', fingerprint: hostFp }] } } });
      expect(services.project.document).toBe(before);
      // A fingerprint the user did not see is not trusted.
      const wrong = await dispatch(handlers, 'discovery.ssh', { ...args, trustHostKeys: [{ host: '127.0.0.1', port: peer.port, fingerprint: `SHA256:${'A'.repeat(43)}` }] });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'ssh-host-key-unknown' } });
      const r2 = await dispatch(handlers, 'discovery.ssh', { ...args, trustHostKeys: [{ host: '127.0.0.1', port: peer.port, fingerprint: hostFp }], taskId: 'ssh-1' });
      expect(r2).toMatchObject({ ok: true, value: { servers: 1, added: 1, source: { kind: 'ssh', url: `ssh://${peer.user}@lab1:${peer.port}`, id: expect.any(String) } } });
      // Recorded (hashed) in the app's own known_hosts: the next run needs no trust.
      expect(await readFile(path.join(dir, 'tofu', 'known_hosts'), 'utf8')).toContain(peer.hostPub.split(' ')[1]);
      const r3 = await dispatch(handlers, 'discovery.ssh', args);
      expect(r3).toMatchObject({ ok: true, value: { added: 0, unchanged: 1 } });
      const src = services.project.document.discovery!.sources;
      expect(src).toEqual([expect.objectContaining({ kind: 'ssh', hosts: ['lab1=127.0.0.1'], port: peer.port, user: peer.user, keyFile: peer.keyFile, lastServers: 1 })]);
      // The established connections of the host become dependencies.
      expect(services.project.document.inventory.imports.at(-1)).toMatchObject({ kind: 'ssh' });
      // One undo takes the whole first discovery back (the re-run was a second, empty commit).
      services.project.undo();
      services.project.undo();
      expect(services.project.document.inventory.servers).toHaveLength(0);
    } finally {
      services.dispose();
    }
  }, 120_000);

  it('a changed host key is refused with a clear error and no trust offered, even when the new key is "trusted"', async () => {
    const { services, handlers } = open('changed');
    try {
      const other = path.join(dir, 'other_host_key');
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const otherPub = (await readFile(`${other}.pub`, 'utf8')).trim().split(' ');
      await writeFile(path.join(dir, 'changed', 'known_hosts'), `[127.0.0.1]:${peer.port} ${otherPub[0]} ${otherPub[1]}\n`);
      const before = services.project.document;
      const r = await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], port: peer.port, user: peer.user, keyFile: peer.keyFile, trustHostKeys: [{ host: '127.0.0.1', port: peer.port, fingerprint: hostFp }] });
      expect(r).toMatchObject({ ok: false, error: { code: 'ssh-host-key-changed' } });
      expect(r.ok ? '' : r.error.message).toMatch(/CHANGED.*SHA256:.*project is unchanged/);
      expect(JSON.stringify(r)).not.toContain('hostKeys');
      expect(services.project.document).toBe(before);
    } finally {
      services.dispose();
    }
  }, 60_000);

  it('"Remember password" keeps the key passphrase in the secret store (never in the project) and a re-run of the saved connection uses it', async () => {
    const { services, handlers, secrets } = open('remember');
    try {
      const trust = [{ host: '127.0.0.1', port: peer.port, fingerprint: hostFp }];
      const noPass = await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], port: peer.port, user: peer.user, keyFile: lockedKey, trustHostKeys: trust });
      expect(noPass).toMatchObject({ ok: false, error: { code: 'ssh-auth-failed' } });
      const r = await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], port: peer.port, user: peer.user, keyFile: lockedKey, password: PASSPHRASE, remember: true, trustHostKeys: trust });
      expect(r.ok).toBe(true);
      const id = r.ok ? (r.value as { source: { id: string } }).source.id : '';
      expect(await secrets.get(id)).toBe(PASSPHRASE);
      expect(JSON.stringify(services.project.document)).not.toContain(PASSPHRASE);
      expect(await dispatch(handlers, 'discovery.connections', {})).toMatchObject({ ok: true, value: { persistent: false, sources: [{ id, kind: 'ssh', secretSaved: true }] } });
      const again = await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], port: peer.port, user: peer.user, keyFile: lockedKey, sourceId: id });
      expect(again).toMatchObject({ ok: true, value: { unchanged: 1, source: { id } } });
      // "Remember password" unticked on the saved connection: forgotten after the run.
      expect(await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], port: peer.port, user: peer.user, keyFile: lockedKey, sourceId: id, remember: false })).toMatchObject({ ok: true });
      expect(await secrets.get(id)).toBeUndefined();
      await secrets.set(id, PASSPHRASE);
      expect(await dispatch(handlers, 'discovery.forgetSecret', { sourceId: id })).toMatchObject({ ok: true });
      expect(await dispatch(handlers, 'discovery.connections', {})).toMatchObject({ ok: true, value: { sources: [{ id, secretSaved: false }] } });
      const missing = await dispatch(handlers, 'discovery.vcenter', { url: 'https://127.0.0.1:9/sdk', user: 'u', sourceId: id });
      expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/No vCenter password is saved/) } });
    } finally {
      services.dispose();
    }
  }, 120_000);

  it('bad arguments are refused by the contract before main connects (typed, the password not echoed)', async () => {
    const { services, handlers } = open('bad');
    try {
      for (const args of [
        { hosts: [], user: 'root', keyFile: peer.keyFile },
        { hosts: ['127.0.0.1'], user: 'root', port: 70000, password: 'S3cret-pw' },
        { hosts: ['127.0.0.1'], user: 'root', password: 'S3cret-pw', trustHostKeys: [{ host: '127.0.0.1', port: 22, fingerprint: 'MD5:aa' }] },
        { hosts: ['127.0.0.1'], user: 'root', password: 'S3cret-pw', shell: 'rm -rf /' },
      ]) {
        const r = await dispatch(handlers, 'discovery.ssh', args);
        expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
        expect(JSON.stringify(r)).not.toContain('S3cret-pw');
      }
      const badHost = await dispatch(handlers, 'discovery.ssh', { hosts: ['-oProxyCommand=x'], user: 'root', password: 'S3cret-pw' });
      expect(badHost).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/not a host name/) } });
      const noAuth = await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], user: 'root' });
      expect(noAuth).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/Choose how to log in/) } });
      const noKey = await dispatch(handlers, 'discovery.ssh', { hosts: ['127.0.0.1'], user: 'root', keyFile: path.join(dir, 'missing-key') });
      expect(noKey).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/missing-key could not be read/) } });
    } finally {
      services.dispose();
    }
  });
});

describe('cancelling a discovery leaves the project unchanged', () => {
  it('SSH: Cancel while the hosts are being sampled', async () => {
    const { services, handlers } = open('cancel-ssh');
    try {
      await writeFile(path.join(dir, 'cancel-ssh', 'known_hosts'), `[127.0.0.1]:${peer.port} ${peer.hostPub}\n`);
      const before = services.project.document;
      const revision = services.project.meta().revision;
      let cancelled = false;
      const off = services.events.subscribe((event, payload) => {
        const p = payload as { taskId: string; state: string };
        if (event === 'task.progress' && p.taskId === 'ssh-cancel' && p.state === 'running' && !cancelled) {
          cancelled = true;
          // Once the run is under way (connecting, then sampling for 20 s).
          setTimeout(() => void dispatch(handlers, 'tasks.cancel', { taskId: 'ssh-cancel' }), 300);
        }
      });
      const t0 = Date.now();
      const r = await dispatch(handlers, 'discovery.ssh', { hosts: ['a=127.0.0.1', 'b=127.0.0.1'], port: peer.port, user: peer.user, keyFile: peer.keyFile, sampleSeconds: 20, taskId: 'ssh-cancel' });
      off();
      expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(services.project.document).toBe(before);
      expect(services.project.meta().revision).toBe(revision);
      expect(services.project.document.discovery).toBeUndefined();
    } finally {
      services.dispose();
    }
  }, 60_000);

  it('libvirt: Cancel as soon as the run starts', async () => {
    const lvDir = await tempDir('mwb-disc-ipc-lv-');
    const uri = await startPeer('libvirt-test.sh', [lvDir]);
    const { services, handlers } = open('cancel-libvirt');
    try {
      const before = services.project.document;
      const off = services.events.subscribe((event, payload) => {
        const p = payload as { taskId: string; state: string };
        if (event === 'task.progress' && p.taskId === 'lv-cancel' && p.state === 'running') void dispatch(handlers, 'tasks.cancel', { taskId: 'lv-cancel' });
      });
      const r = await dispatch(handlers, 'discovery.libvirt', { uri, taskId: 'lv-cancel' });
      off();
      expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(services.project.document).toBe(before);
      expect(services.project.document.inventory.servers).toHaveLength(0);
    } finally {
      services.dispose();
      await rm(lvDir, { recursive: true, force: true });
    }
  }, 120_000);
});
