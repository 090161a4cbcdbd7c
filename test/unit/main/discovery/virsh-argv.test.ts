import { describe, expect, it, vi } from 'vitest';

const calls: { file: string; args: string[]; opts: Record<string, unknown> }[] = [];
vi.mock('node:child_process', () => ({
  execFile: (file: string, args: string[], opts: Record<string, unknown>, cb: (err: Error | null, out: string, err2: string) => void) => {
    calls.push({ file, args, opts });
    const cmd = args[4];
    if (cmd === 'list') cb(null, '-rf\nweb 01\n', '');
    else if (cmd === 'dumpxml') cb(null, `<domain type='kvm'><name>${args.at(-1)}</name><memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`, '');
    else if (cmd === 'domstate') cb(null, 'running\n', '');
    else cb(Object.assign(new Error('exit 1'), { code: 1 }), '', 'error: unsupported\n');
    return {} as never;
  },
}));

const { discoverLibvirt, checkUri, parseBlkInfo, memoryKiB } = await import('../../../../main/discovery/libvirt/libvirt-discovery');
const { parseXml } = await import('../../../../main/discovery/xml');

describe('virsh argv', () => {
  it('runs virsh without a shell, read-only, with -c URI first and -- before every domain name', async () => {
    calls.length = 0;
    const r = await discoverLibvirt({ uri: 'qemu+ssh://ops@kvm01/system' });
    expect(r.domains.map((d) => [d.name, d.memoryKiB, d.state])).toEqual([['-rf', 524288, 'running'], ['web 01', 524288, 'running']]);
    expect(calls.map((c) => c.args)).toEqual([
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'list', '--all', '--name'],
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'dumpxml', '--', '-rf'],
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'domstate', '--', '-rf'],
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'domblkinfo', '--all', '--', '-rf'],
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'dumpxml', '--', 'web 01'],
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'domstate', '--', 'web 01'],
      ['-q', '-r', '-c', 'qemu+ssh://ops@kvm01/system', 'domblkinfo', '--all', '--', 'web 01'],
    ]);
    expect(calls.every((c) => c.file === 'virsh' && c.opts.shell === undefined && typeof c.opts.timeout === 'number')).toBe(true);
  });

  it('refuses a URI that is not one (an option, spaces, no scheme)', () => {
    for (const bad of ['--help', '-c x', 'qemu:///system; rm -rf /', 'kvm01', '']) expect(() => checkUri(bad)).toThrow(expect.objectContaining({ code: 'discovery-unreachable' }));
    expect(checkUri(' qemu:///system ')).toBe('qemu:///system');
  });

  it('reads domblkinfo and memory units', () => {
    expect(parseBlkInfo(' vda   1073741824   65536   65536\n hdc   -   -   -\n')).toEqual(new Map([['vda', { capacityBytes: 1073741824, allocationBytes: 65536 }]]));
    expect(memoryKiB(parseXml("<memory unit='GiB'>8</memory>"))).toBe(8 * 1024 * 1024);
    expect(memoryKiB(parseXml('<memory>1024</memory>'))).toBe(1024);
    expect(memoryKiB(parseXml("<memory unit='MB'>1000</memory>"))).toBe(Math.round(1e9 / 1024));
  });
});
