// Which transport a replication job's run uses: a job started from the screen takes the user's choice in Connection
// settings (EBS direct, or S3 with the bucket) when it is queued, a resume keeps it, the job view says it, and a CLI
// job's own --transport wins over the preference. The engine is replaced by a recorder: only the request is checked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import { docWithServers } from '../../../helpers/plan-fixtures';
import type { Services } from '../../../../main/services/container';
import type { ReplicateRequest, ReplicateResult } from '../../../../main/services/replication.service';

let dir: string;
let services: Services;
let requests: ReplicateRequest[];

beforeEach(async () => {
  dir = await tempDir();
  services = testServices(dir);
  const file = path.join(dir, 'p.mwb.json');
  await fs.writeFile(file, JSON.stringify(docWithServers(1)));
  await services.project.open(file);
  requests = [];
  services.replication.replicate = (req: ReplicateRequest): Promise<ReplicateResult> => {
    requests.push(req);
    return Promise.resolve({ serverId: 's1', server: 'S1', status: 'completed', amiId: null, encrypted: true, disks: [] });
  };
});
afterEach(async () => {
  services.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('replication jobs: the transport of a run', () => {
  it('uses EBS direct by default, then the S3 bucket chosen in Connection settings for the next run', async () => {
    const jobs = services.replicationJobs;
    const first = jobs.start({ kind: 'server', id: 's1' });
    expect(first.transport).toBe('ebs');
    await jobs.settled(first.id);
    expect(requests[0]!.transport).toMatchObject({ kind: 'ebs' });

    jobs.setPrefs({ transport: 's3', s3Bucket: 'mwb-staging', ami: 'import', region: 'eu-west-1' });
    const again = jobs.runNow(first.id);
    expect(again).toMatchObject({ transport: 's3', s3Bucket: 'mwb-staging' });
    await jobs.settled(first.id);
    expect(requests[1]).toMatchObject({ ami: 'import', transport: { kind: 's3', bucket: 'mwb-staging', region: 'eu-west-1' } });
    expect(jobs.get(first.id)).toMatchObject({ transport: 's3', s3Bucket: 'mwb-staging' });
  });

  it("the job's state events carry the transport of its run (the Dashboard's jobs table shows it)", async () => {
    const jobs = services.replicationJobs;
    const events: Array<{ state: string; transport?: string }> = [];
    const off = services.events.subscribe('replication.job', (e) => events.push({ state: e.state, ...(e.transport ? { transport: e.transport } : {}) }));
    try {
      const job = jobs.start({ kind: 'server', id: 's1' });
      await jobs.settled(job.id);
      jobs.setPrefs({ transport: 's3', s3Bucket: 'mwb-staging', ami: 'import' });
      jobs.runNow(job.id);
      await jobs.settled(job.id);
    } finally {
      off();
    }
    expect(events).toEqual([
      { state: 'queued', transport: 'ebs' },
      { state: 'running', transport: 'ebs' },
      { state: 'completed', transport: 'ebs' },
      { state: 'queued', transport: 's3' },
      { state: 'running', transport: 's3' },
      { state: 'completed', transport: 's3' },
    ]);
  });

  it('a paused run resumes with the transport it was queued with, whatever the preference says meanwhile', async () => {
    const jobs = services.replicationJobs;
    // The first run waits until it is paused (aborted), as a worker would.
    services.replication.replicate = (req: ReplicateRequest): Promise<ReplicateResult> => {
      requests.push(req);
      if (requests.length > 1) return Promise.resolve({ serverId: 's1', server: 'S1', status: 'completed', amiId: null, encrypted: true, disks: [] });
      return new Promise((_, reject) => req.signal!.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    jobs.setPrefs({ transport: 's3', s3Bucket: 'mwb-staging' });
    const job = jobs.start({ kind: 'server', id: 's1' });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    jobs.pause(job.id);
    await vi.waitFor(() => expect(jobs.get(job.id).state).toBe('paused'));
    jobs.setPrefs({ transport: 'ebs' });
    jobs.resume(job.id);
    await jobs.settled(job.id);
    expect(requests.map((r) => r.transport.kind)).toEqual(['s3', 's3']);
    expect(jobs.get(job.id)).toMatchObject({ state: 'completed', transport: 's3', s3Bucket: 'mwb-staging' });
  });

  it("a CLI job's own transport wins over the preference", async () => {
    const jobs = services.replicationJobs;
    jobs.setPrefs({ transport: 's3', s3Bucket: 'mwb-staging' });
    const ebs = jobs.start({ kind: 'server', id: 's1' }, { once: true, run: { transport: 'ebs', ami: 'none' } });
    await jobs.settled(ebs.id);
    expect(requests[0]!.transport).toMatchObject({ kind: 'ebs' });
    const s3 = jobs.start({ kind: 'server', id: 's1' }, { once: true, run: { transport: 's3', s3Bucket: 'other-bucket', ami: 'none' } });
    await jobs.settled(s3.id);
    expect(requests[1]!.transport).toMatchObject({ kind: 's3', bucket: 'other-bucket' });
  });
});
