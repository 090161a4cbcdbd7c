// Staging key names of the S3 transport: every project id, server name and disk label gets a key segment of its own,
// so two servers (or disks) whose names differ only in characters a key cannot hold never share a prefix; names that
// are already key-safe keep their segment, so earlier keys of such names are today's.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { legacyStaging, stagingPrefix, stagingSegment } from '../../../../main/replication/engine/run-disk-s3';
import type { JournalRecord } from '../../../../main/replication/engine/journal';

describe('staging key segments', () => {
  it('keep key-safe names and make the others unique', () => {
    expect(stagingSegment('WEB_01')).toBe('WEB_01');
    expect(stagingSegment('db-01.prod')).toBe('db-01.prod');
    expect(stagingSegment('WEB/01')).toMatch(/^WEB_01\.[0-9a-f]{8}$/);
    expect(stagingSegment('web 01')).toMatch(/^web_01\.[0-9a-f]{8}$/);
    expect(stagingSegment('Hard disk 1')).toMatch(/^Hard_disk_1\.[0-9a-f]{8}$/);
    const pairs = [
      ['WEB/01', 'WEB_01'],
      ['web 01', 'web_01'],
      ['WEB/01', 'WEB\\01'],
      ['Sérveur', 'S_rveur'],
      ['a'.repeat(100) + 'x', 'a'.repeat(100) + 'y'],
      ['.', '_'],
      ['..', '__'],
      ['', '_'],
    ];
    for (const [a, b] of pairs) expect(stagingSegment(a!), `${a} / ${b}`).not.toBe(stagingSegment(b!));
    // A key-safe name that looks like a made-unique one is made unique too, so it cannot be another name's segment.
    const made = stagingSegment('WEB/01');
    expect(stagingSegment(made)).not.toBe(made);
    expect(stagingSegment('.')).not.toBe('.');
    expect(stagingSegment('..')).not.toMatch(/^\.+$/);
    expect(stagingSegment('x'.repeat(300))).toHaveLength(100);
    expect(stagingPrefix(undefined, { 'mwb:project': 'p1', 'mwb:server': 'WEB/01' }, 'Hard disk 1')).toMatch(/^mwb-staging\/p1\/WEB_01\.[0-9a-f]{8}\/Hard_disk_1\.[0-9a-f]{8}-$/);
    expect(stagingPrefix('x/', { 'mwb:project': 'p1', 'mwb:server': 'WEB_01' }, 'disk0')).toBe('x/p1/WEB_01/disk0-');
  });

  it('never give two names one segment, and stay within the key-safe characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120, unit: 'binary' }), fc.string({ maxLength: 120 }), (a, b) => {
        const sa = stagingSegment(a);
        expect(sa).toMatch(/^[A-Za-z0-9._-]{1,100}$/);
        expect(sa).not.toMatch(/^\.+$/);
        if (a !== b) expect(sa).not.toBe(stagingSegment(b));
      }),
      { numRuns: 200 },
    );
    // Names that the earlier sanitising mapped together, built on purpose.
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/), fc.constantFrom(' ', '/', '\\', ':', 'é', '*'), (base, ch) => {
        const a = base.replace(/_/g, ch);
        if (a !== base) expect(stagingSegment(a)).not.toBe(stagingSegment(base));
      }),
      { numRuns: 100 },
    );
  });

  it("finds the keys an earlier version's journal named under the prefix it used, only when that prefix differs", () => {
    const start = (run: string, key: string, disk = 'Hard disk 1', bucket = 'b'): JournalRecord => ({ t: 's3-start', run, disk, image: '/i.raw', fingerprint: [], bucket, key, partSize: 5, at: 'now' });
    const tags = { 'mwb:project': 'p1', 'mwb:server': 'WEB 02' };
    const today = stagingPrefix(undefined, tags, 'Hard disk 1');
    const records = [
      start('r1', 'mwb-staging/p1/WEB_02/Hard_disk_1-r1.raw'),
      start('r2', `${today}r2.raw`),
      start('r3', 'mwb-staging/p1/WEB_02/Hard_disk_1-r3.raw', 'Hard disk 2'),
      start('r4', 'mwb-staging/p1/WEB_02/Hard_disk_1-r4.raw', 'Hard disk 1', 'other'),
    ];
    expect(legacyStaging(records, { disk: 'Hard disk 1', bucket: 'b', tags })).toEqual({ prefix: 'mwb-staging/p1/WEB_02/Hard_disk_1-', keys: new Set(['mwb-staging/p1/WEB_02/Hard_disk_1-r1.raw']) });
    // Names that were already key-safe kept their prefix: nothing to migrate.
    expect(legacyStaging([start('r5', 'mwb-staging/p1/S1/disk0-r5.raw', 'disk0')], { disk: 'disk0', bucket: 'b', tags: { 'mwb:project': 'p1', 'mwb:server': 'S1' } }).keys.size).toBe(0);
  });
});
