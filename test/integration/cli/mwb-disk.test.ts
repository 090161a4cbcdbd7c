import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { runMwb } from '../../helpers/cli';
import { qemuImg, qemuIo, qemuRawSha256 } from '../../helpers/disk-images';

/* `mwb disk` as a consultant uses it on images made by qemu-img: what is in the file, and its content hash. */
let dir = '';
const f = (n: string) => path.join(dir, n);

beforeAll(async () => {
  dir = await tempDir('mwb-cli-disk-');
  await qemuImg('create', '-q', '-f', 'qcow2', f('base.qcow2'), '16M');
  await qemuIo('qcow2', f('base.qcow2'), 'write -q -P 0x5a 1M 1M');
  await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', f('top.qcow2'));
  await qemuIo('qcow2', f('top.qcow2'), 'write -q -P 0x6b 8M 512k');
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('mwb disk', () => {
  it('shows the format, the backing chain, the size and what is allocated', async () => {
    const r = await runMwb(['disk', f('top.qcow2')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`image   qcow2 v3  ${f('top.qcow2')}`);
    expect(r.stdout).toContain(`backing qcow2 v3  ${f('base.qcow2')}`);
    expect(r.stdout).toContain('size      0.02 GiB (16777216 bytes)');
    expect(r.stdout).toContain('allocated 0.00 GiB (1572864 bytes) (9.4 %)');
  });

  it('--hash --json gives the SHA-256 qemu-img convert gives and the blocks holding data', async () => {
    const r = await runMwb(['disk', f('top.qcow2'), '--hash', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { chain: unknown[]; hash: { sha256: string; blocks: number; dataBlocks: number } };
    expect(out.chain).toHaveLength(2);
    expect(out.hash.sha256).toBe(await qemuRawSha256(f('top.qcow2'), 'qcow2', dir));
    expect(out.hash).toMatchObject({ blocks: 32, dataBlocks: 3 });
  });

  it('a damaged image fails with its reason (exit 1); a missing file or an unknown format is a usage error (exit 2)', async () => {
    const bad = Buffer.alloc(4096);
    bad.write('QFI\xfb', 0, 'latin1');
    bad.writeUInt32BE(3, 4);
    bad.writeUInt32BE(40, 20); // cluster bits out of range
    await writeFile(f('bad.qcow2'), bad);
    const r = await runMwb(['disk', f('bad.qcow2')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the qcow2 cluster size is out of range (corrupt-header)');
    expect((await runMwb(['disk', f('none.qcow2')])).code).toBe(2);
    const wrong = await runMwb(['disk', f('top.qcow2'), '--format', 'vdi']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown format "vdi"');
  });
});
