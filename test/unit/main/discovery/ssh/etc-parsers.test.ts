import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { factsToServer, type HostFacts } from '../../../../../main/discovery/ssh/host-facts';
import { MAX_TEXT } from '../../../../../main/discovery/ssh/parse-common';
import { fqdnFromFiles, parseResolvConf, unitDescription, unitTemplate } from '../../../../../main/discovery/ssh/parse-etc';
import { mutatedText } from '../../../../helpers/parser-fuzz';

// Real files of this project's build machine (Debian 12): its /etc/hosts, /etc/resolv.conf, /etc/hostname and
// /proc/sys/kernel/domainname, and unit files of its /usr/lib/systemd/system (with a drop-in).
const fixtures = path.resolve(import.meta.dirname, '../../../../fixtures/discovery');
const proc = (name: string) => readFileSync(path.join(fixtures, 'linux-proc', name), 'utf8');
const unit = (name: string) => readFileSync(path.join(fixtures, 'systemd', name), 'utf8');

describe('the FQDN from files, as hostname -f would find it', () => {
  it("this machine: /etc/hosts names the host (127.0.0.1 vm), so hostname -f answers the short name and DNS is not asked", () => {
    const hostname = proc('etc-hostname').trim();
    const r = fqdnFromFiles({ hostname, hosts: proc('etc-hosts'), etcHostname: proc('etc-hostname'), resolvConf: proc('etc-resolv.conf'), domainname: proc('kernel-domainname') });
    expect(r).toEqual({ fqdn: hostname, source: '/etc/hosts' });
    // Without the hosts line, this machine's other files say nothing more: no search domain, NIS domain "(none)".
    expect(fqdnFromFiles({ hostname, hosts: '', etcHostname: proc('etc-hostname'), resolvConf: proc('etc-resolv.conf'), domainname: proc('kernel-domainname') })).toBeUndefined();
    expect(parseResolvConf(proc('etc-resolv.conf'))).toEqual({ search: [], ndots: 1 });
  });

  it('each source in order: /etc/hosts, a dotted kernel host name, /etc/hostname, the resolv.conf search list, the NIS domain', () => {
    const hosts = '127.0.0.1 localhost\n127.0.1.1 web01.corp.example web01\n';
    expect(fqdnFromFiles({ hostname: 'web01', hosts, resolvConf: 'search other.example\n' })).toEqual({ fqdn: 'web01.corp.example', source: '/etc/hosts' });
    expect(fqdnFromFiles({ hostname: 'web01.corp.example', hosts: '' })).toEqual({ fqdn: 'web01.corp.example', source: '/proc/sys/kernel/hostname' });
    expect(fqdnFromFiles({ hostname: 'web01', etcHostname: '# static\nweb01.corp.example\n', resolvConf: 'search other.example\n' })).toEqual({ fqdn: 'web01.corp.example', source: '/etc/hostname' });
    // /etc/hostname naming another machine is not this one's FQDN.
    expect(fqdnFromFiles({ hostname: 'web01', etcHostname: 'db01.corp.example\n' })).toBeUndefined();
    expect(fqdnFromFiles({ hostname: 'web01', etcHostname: 'web01\n', resolvConf: '# by NetworkManager\nnameserver 10.0.0.2\nsearch corp.example lab.example\n' })).toEqual({ fqdn: 'web01.corp.example', source: '/etc/resolv.conf search' });
    // glibc: the later of `domain` and `search` wins; ndots:0 sends the bare name first, whose answer is unknown here.
    expect(fqdnFromFiles({ hostname: 'web01', resolvConf: 'search a.example\ndomain b.example\n' })?.fqdn).toBe('web01.b.example');
    expect(fqdnFromFiles({ hostname: 'web01', resolvConf: 'search a.example\noptions ndots:0\n' })).toBeUndefined();
    expect(fqdnFromFiles({ hostname: 'web01', domainname: 'corp.example\n' })).toEqual({ fqdn: 'web01.corp.example', source: '/proc/sys/kernel/domainname' });
    expect(fqdnFromFiles({ hostname: 'web01', domainname: '(none)\n' })).toBeUndefined();
    // A one-label NIS domain is not taken for a DNS domain.
    expect(fqdnFromFiles({ hostname: 'web01', domainname: 'nisdom\n' })).toBeUndefined();
    expect(fqdnFromFiles({ hostname: 'not a name' })).toBeUndefined();
    expect(parseResolvConf('search a.example. b.example\noptions timeout:2 ndots:3\n')).toEqual({ search: ['a.example', 'b.example'], ndots: 3 });
  });
});

describe('unit descriptions as systemctl shows them (unit files of this machine)', () => {
  it('Description= of the unit file, specifiers expanded for the instance, a drop-in without one keeps it', () => {
    expect(unitDescription('ssh.service', [unit('ssh.service')])).toBe('OpenBSD Secure Shell server');
    expect(unitDescription('avahi-daemon.service', [unit('avahi-daemon.service')])).toBe('Avahi mDNS/DNS-SD Stack');
    expect(unitDescription('getty@tty1.service', [unit('getty@.service')])).toBe('Getty on tty1');
    expect(unitDescription('user@1000.service', [unit('user@.service')])).toBe('User Manager for UID 1000');
    expect(unitDescription('systemd-fsck@dev-disk-by\\x2duuid-5d1c.service', [unit('systemd-fsck@.service')])).toBe('File System Check on /dev/disk/by-uuid/5d1c');
    expect(unitDescription('rc-local.service', [unit('rc-local.service'), unit('rc-local.service.d-debian.conf')])).toBe('/etc/rc.local Compatibility');
    expect(unitTemplate('getty@tty1.service')).toBe('getty@.service');
    expect(unitTemplate('ssh.service')).toBeUndefined();
  });

  it("a later drop-in's Description= wins, an empty one resets; only [Unit] counts; continuations, comments, %% and unknown specifiers", () => {
    const main = '[Unit]\nDescription=Web server\n[Service]\nDescription=not this one\n';
    expect(unitDescription('nginx.service', [main, '[Unit]\nDescription = Nginx for %H \\\n  (front end)\n'], 'web01')).toBe('Nginx for web01 (front end)');
    expect(unitDescription('nginx.service', [main, '[Unit]\nDescription=\n'])).toBeUndefined();
    expect(unitDescription('nginx.service', ['# Description=commented\n; Description=also\n[Unit]\nDescription=100%% busy %z\n'])).toBe('100% busy %z');
    expect(unitDescription('nginx.service', ['[Service]\nExecStart=/usr/sbin/nginx\n'])).toBeUndefined();
    expect(() => unitDescription('bad name;rm', ['[Unit]\nDescription=x\n'])).toThrow(/unit file/);
  });

  it('the descriptions reach the server as a tag, with the unit files as its provenance; the FQDN names its file', () => {
    const facts: HostFacts = {
      target: { name: 'web01', host: '10.0.0.5', port: 22, user: 'ops' },
      hostname: 'web01',
      fqdn: 'web01.corp.example',
      fqdnSource: '/etc/resolv.conf search',
      cpu: { vcpus: 2 },
      memoryMiB: 2048,
      blockDevices: [],
      fileSystems: [],
      interfaces: [],
      sockets: [],
      services: [{ unit: 'nginx.service', description: 'A high performance web server; and a reverse proxy' }, { unit: 'cron.service' }, { unit: 'ssh.service', description: 'OpenBSD Secure Shell server' }],
      warnings: [],
      discoveredAt: '2026-11-29T12:00:00.000Z',
      via: 'sftp',
    };
    const s = factsToServer(facts);
    expect(s.tags['ssh.services']).toBe('nginx, cron, ssh');
    expect(s.tags['ssh.services.descriptions']).toBe('nginx: A high performance web server, and a reverse proxy; ssh: OpenBSD Secure Shell server');
    expect(s.provenance['tags.ssh.services.descriptions']).toMatch(/^systemd unit files \(ssh ops@web01\)$/);
    expect(s.identity.fqdn).toBe('web01.corp.example');
    expect(s.provenance['identity.fqdn']).toMatch(/^\/etc\/resolv\.conf search \(ssh /);
  });
});

describe('fuzzed: the configuration parsers return a bounded result or throw the typed error', () => {
  const seeds = [proc('etc-hosts'), proc('etc-resolv.conf'), 'search corp.example\noptions ndots:2\n', unit('ssh.service'), unit('getty@.service'), '[Unit]\nDescription=a \\\n b %i %I %f\n'];
  const input = mutatedText(seeds);
  it('fqdnFromFiles and parseResolvConf', () => {
    fc.assert(
      fc.property(input, input, fc.string({ maxLength: 70 }), (a, b, host) => {
        const r = parseResolvConf(a);
        expect(r.search.length).toBeLessThanOrEqual(32);
        expect(r.ndots).toBeLessThanOrEqual(15);
        for (const hostname of [host, 'web01']) {
          const f = fqdnFromFiles({ hostname, hosts: b, etcHostname: a, resolvConf: a, domainname: b });
          if (f) expect(f.fqdn.length).toBeLessThanOrEqual(253);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('unitDescription', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 3 }), fc.constantFrom('ssh.service', 'getty@tty1.service', 'a@b\\x2dc.service', 'bad unit'), (texts, name) => {
        try {
          const d = unitDescription(name, texts, 'web01');
          if (d !== undefined) expect(d.length).toBeLessThanOrEqual(MAX_TEXT);
        } catch (e) {
          if (!isWorkbenchError(e, 'ssh-output-unreadable')) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});
