// The replication journal and block manifests: a file cut at any byte (what a SIGKILL mid-write leaves) still reads
// as a prefix of the records, and appending after a torn tail starts on a clean line; damaged manifests are refused.
import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers/temp-dir';
import { decodeJournal, diskState, encodeRecord, Journal, type JournalRecord } from '../../../../main/replication/engine/journal';
import { ManifestError, readManifest, writeManifest } from '../../../../main/replication/engine/manifest';

const records: JournalRecord[] = [
  { t: 'start', run: 'r1', disk: 'disk0', image: '/i.raw', fingerprint: [{ path: '/i.raw', size: 10, mtimeMs: 1 }], parentSnapshotId: null, parentManifest: null, at: 'now' },
  { t: 'snapshot', run: 'r1', disk: 'disk0', snapshotId: 'snap-1' },
  { t: 'blocks', run: 'r1', disk: 'disk0', idx: [0, 2, 4] },
  { t: 'blocks', run: 'r1', disk: 'disk0', idx: [6] },
  { t: 'complete', run: 'r1', disk: 'disk0', snapshotId: 'snap-1', manifest: 'm.bin', changed: 4, blocksTotal: 8, at: 'now' },
];

describe('replication journal', () => {
  it('cut at every byte, it reads as the records wholly written before the cut', () => {
    const text = Buffer.from(records.map(encodeRecord).join(''));
    const ends: number[] = [];
    let acc = 0;
    for (const r of records) ends.push((acc += Buffer.byteLength(encodeRecord(r))));
    for (let cut = 0; cut <= text.length; cut++) {
      const { records: got, validLength } = decodeJournal(text.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length;
      expect(got).toEqual(records.slice(0, whole));
      expect(validLength).toBe(whole ? ends[whole - 1] : 0);
    }
  });

  it('a corrupted record ends the readable part (its checksum fails)', () => {
    const text = Buffer.from(records.map(encodeRecord).join(''));
    const bad = Buffer.from(text);
    bad.writeUInt8(bad.readUInt8(Buffer.byteLength(encodeRecord(records[0]!)) + 5) ^ 0x01, Buffer.byteLength(encodeRecord(records[0]!)) + 5);
    expect(decodeJournal(bad).records).toEqual(records.slice(0, 1));
  });

  it('open cuts a torn tail off, so the next record starts on a clean line', async () => {
    const file = path.join(await tempDir(), 'job', 'journal.log');
    const j = await Journal.open(file);
    await j.append(records[0]!, records[1]!);
    await j.close();
    await fs.appendFile(file, encodeRecord(records[2]!).slice(0, 20));
    const again = await Journal.open(file);
    expect(again.records).toEqual(records.slice(0, 2));
    await again.append(records[3]!);
    await again.close();
    expect(await Journal.read(file)).toEqual([records[0], records[1], records[3]]);
  });

  it('folds into the open run (snapshot, finished blocks) and the last completed run', () => {
    const open = diskState(records.slice(0, 4), 'disk0');
    expect(open.open?.snapshotId).toBe('snap-1');
    expect([...open.open!.done].sort((a, b) => a - b)).toEqual([0, 2, 4, 6]);
    expect(open.lastCompleted).toBeUndefined();
    const done = diskState(records, 'disk0');
    expect(done.open).toBeUndefined();
    expect(done.lastCompleted?.snapshotId).toBe('snap-1');
    expect(diskState(records, 'disk1')).toEqual({});
  });
});

describe('block manifest', () => {
  it('round-trips and refuses a damaged file', async () => {
    const file = path.join(await tempDir(), 'm.bin');
    const digests = Buffer.alloc(3 * 32, 7);
    await writeManifest(file, { size: 3 * 524288, blockSize: 524288, blockCount: 3, digests });
    expect(await readManifest(file)).toEqual({ size: 3 * 524288, blockSize: 524288, blockCount: 3, digests });
    const data = await fs.readFile(file);
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 1, data.length - 1);
    await fs.writeFile(file, data);
    await expect(readManifest(file)).rejects.toBeInstanceOf(ManifestError);
    await fs.writeFile(file, data.subarray(0, data.length - 10));
    await expect(readManifest(file)).rejects.toBeInstanceOf(ManifestError);
  });

  it('a manifest with XXH3-128s (format 2) reads back with them; a damaged one is refused; format 1 still reads', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'manifest-v2.bin');
    const digests = Buffer.alloc(3 * 32, 7);
    const fast = Buffer.alloc(3 * 16, 9);
    await writeManifest(file, { size: 3 * 524288, blockSize: 524288, blockCount: 3, digests, fast });
    expect(await readManifest(file)).toEqual({ size: 3 * 524288, blockSize: 524288, blockCount: 3, digests, fast });
    const data = await fs.readFile(file);
    expect(data.subarray(0, data.indexOf(0x0a)).toString()).toContain('"format":"mwb-block-manifest/2"');
    // A flipped bit in the XXH3-128s (the file's last bytes) is caught by the header's checksum.
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 1, data.length - 1);
    await fs.writeFile(file, data);
    await expect(readManifest(file)).rejects.toBeInstanceOf(ManifestError);
    // A format-2 header over a format-1 body (no XXH3-128s) is refused.
    const v1 = path.join(dir, 'manifest-v1.bin');
    await writeManifest(v1, { size: 3 * 524288, blockSize: 524288, blockCount: 3, digests });
    const body = await fs.readFile(v1);
    expect(await readManifest(v1)).toEqual({ size: 3 * 524288, blockSize: 524288, blockCount: 3, digests });
    await fs.writeFile(v1, Buffer.from(body.toString('latin1').replace('mwb-block-manifest/1', 'mwb-block-manifest/2'), 'latin1'));
    await expect(readManifest(v1)).rejects.toBeInstanceOf(ManifestError);
  });
});
