// The replication channels through the same dispatch every shell uses: preferences stay out of the project, bad input
// is a typed error that changes nothing, the picker's inspect answers for a real image and refuses a missing one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { dispatch } from '../../../../main/ipc/dispatch';
import { createHandlers, type Handlers } from '../../../../main/ipc/handlers';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import { docWithServers } from '../../../helpers/plan-fixtures';
import type { Services } from '../../../../main/services/container';

let dir: string;
let services: Services;
let handlers: Handlers;
beforeAll(async () => {
  dir = await tempDir();
  services = testServices(dir);
  handlers = createHandlers(services);
  const file = path.join(dir, 'p.mwb.json');
  await fs.writeFile(file, JSON.stringify(docWithServers(2)));
  await services.project.open(file);
});
afterAll(async () => {
  services.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('replication channels', () => {
  it('keeps profile, Region, endpoint and limits in the user preferences, not in the project', async () => {
    const before = JSON.stringify(services.project.document);
    const set = await dispatch(handlers, 'replication.prefs.set', { profile: 'migration', region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9', bandwidthBytesPerSecond: 1048576, maxConcurrent: 3 });
    expect(set).toMatchObject({ ok: true, value: { profile: 'migration', region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9', bandwidthBytesPerSecond: 1048576, maxConcurrent: 3, maxPerDatastore: 1 } });
    expect(await dispatch(handlers, 'replication.prefs.get', {})).toEqual(set);
    expect(JSON.stringify(services.project.document)).toBe(before);
    const bad = await dispatch(handlers, 'replication.prefs.set', { endpointUrl: 'ftp://x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('http(s) URL') } });
    const cleared = await dispatch(handlers, 'replication.prefs.set', { endpointUrl: null, profile: '' });
    expect(cleared.ok && cleared.value).toEqual({ region: 'eu-west-1', bandwidthBytesPerSecond: 1048576, maxConcurrent: 3, maxPerDatastore: 1 });
    expect(await dispatch(handlers, 'replication.prefs.set', { maxConcurrent: 99 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('keeps the transport and the S3 bucket in the user preferences; a bad bucket, S3 without one, or S3 with RegisterImage is refused and nothing is saved', async () => {
    const before = JSON.stringify(services.project.document);
    const prefs = await dispatch(handlers, 'replication.prefs.get', {});
    const badName = await dispatch(handlers, 'replication.prefs.set', { transport: 's3', s3Bucket: 'My_Bucket' });
    expect(badName).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('no capital letters') } });
    const reserved = await dispatch(handlers, 'replication.prefs.set', { transport: 's3', s3Bucket: 'xn--staging' });
    expect(reserved).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('reserved by AWS') } });
    const none = await dispatch(handlers, 'replication.prefs.set', { transport: 's3' });
    expect(none).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('needs the bucket') } });
    const register = await dispatch(handlers, 'replication.prefs.set', { transport: 's3', s3Bucket: 'mwb-staging', ami: 'register' });
    expect(register).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('RegisterImage needs EBS snapshots') } });
    expect(await dispatch(handlers, 'replication.prefs.get', {})).toEqual(prefs);
    const s3 = await dispatch(handlers, 'replication.prefs.set', { transport: 's3', s3Bucket: 'mwb-staging', ami: 'import' });
    expect(s3).toMatchObject({ ok: true, value: { transport: 's3', s3Bucket: 'mwb-staging', ami: 'import' } });
    // Back to EBS: the bucket is remembered for the next time S3 is chosen; clearing it while S3 is chosen is refused.
    const ebs = await dispatch(handlers, 'replication.prefs.set', { transport: 'ebs' });
    expect(ebs).toMatchObject({ ok: true, value: { transport: 'ebs', s3Bucket: 'mwb-staging' } });
    await dispatch(handlers, 'replication.prefs.set', { transport: 's3' });
    expect(await dispatch(handlers, 'replication.prefs.set', { s3Bucket: null })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('needs the bucket') } });
    expect(await dispatch(handlers, 'replication.prefs.set', { transport: null, ami: null })).toMatchObject({ ok: true });
    expect(JSON.stringify(services.project.document)).toBe(before);
  });

  it('maps a disk and a schedule into the project; a missing image or a bad schedule changes nothing', async () => {
    const image = path.join(dir, 's1.raw');
    await fs.writeFile(image, Buffer.alloc(1024 * 1024, 1));
    const inspected = await dispatch(handlers, 'replication.inspectImage', { path: image });
    expect(inspected).toMatchObject({ ok: true, value: { size: 1024 * 1024, chain: [{ format: 'raw' }] } });
    const missing = await dispatch(handlers, 'replication.inspectImage', { path: path.join(dir, 'gone.vmdk') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const before = JSON.stringify(services.project.document);
    expect(await dispatch(handlers, 'replication.configure', { serverId: 's1', disks: [{ disk: 'Hard disk 1', image: path.join(dir, 'gone.raw') }] })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(handlers, 'replication.configure', { serverId: 's1', everyHours: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.stringify(services.project.document)).toBe(before);
    const ok = await dispatch(handlers, 'replication.configure', { serverId: 's1', disks: [{ disk: 'Hard disk 1', image }], everyHours: 6 });
    expect(ok).toMatchObject({ ok: true, value: { serverId: 's1', disks: [{ disk: 'Hard disk 1', image }], everyHours: 6 } });
    const oneTime = await dispatch(handlers, 'replication.configure', { serverId: 's1', everyHours: null });
    expect(oneTime.ok && (oneTime.value as { everyHours?: number }).everyHours).toBeUndefined();
    expect(services.project.document.replication?.servers[0]?.disks).toHaveLength(1);
  });

  it('refuses jobs for unknown servers and unknown job ids', async () => {
    expect(await dispatch(handlers, 'replication.start', { kind: 'server', id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(handlers, 'replication.pause', { jobId: 'server:nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(handlers, 'replication.start', { kind: 'vm', id: 's1' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await dispatch(handlers, 'replication.jobs', {})).toEqual({ ok: true, value: [] });
  });
});
