// MGN tracking against the FAKE MGN endpoint (test/fakes/mgn.fake.ts) through @aws-sdk/client-mgn as the service
// sends it (restJson1 POST /DescribeSourceServers and /DescribeJobs, paged), the saved-file path, the IPC contract
// and `mwb mgn status` (in-process, as the bin runs it).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { makeServer, docWithServers } from '../../helpers/plan-fixtures';
import { testServices } from '../../helpers/services';
import { runMwb } from '../../helpers/cli';
import { sharedPath } from '../../helpers/shared';
import { mgnSampleResponses, startFakeMgn, type FakeMgn } from '../../fakes/mgn.fake';
import { MgnService } from '../../../main/services/mgn.service';
import { dispatch } from '../../../main/ipc/dispatch';
import { createHandlers } from '../../../main/ipc/handlers';
import type { ProjectDocument } from '../../../main/common/model/project';

let dir: string;
let fake: FakeMgn;
let doc: ProjectDocument;
let project: string;
const saved: Record<string, string | undefined> = {};
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key', AWS_EC2_METADATA_DISABLED: 'true' };

beforeAll(async () => {
  dir = await tempDir('mwb-mgn-');
  const env = { ...AWS_ENV, AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'), MWB_HOME: path.join(dir, 'home') };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  fake = await startFakeMgn(mgnSampleResponses());
  doc = docWithServers(0);
  doc.inventory.servers = [
    makeServer('web', { name: 'WEB01' }),
    makeServer('db', { name: 'FRA-DB', identity: { instanceUuid: '4211AAAA-BBBB-CCCC-DDDD-EEEEFFFF0001' } }),
    makeServer('app', { name: 'FRA-APP', nics: [{ ipv4: ['10.0.0.31'], ipv6: [] }] }),
  ];
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(doc));
});
afterEach(() => fake.failWith(null));
afterAll(async () => {
  await fake.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(dir, { recursive: true, force: true });
});

const service = () => new MgnService({ project: { document: doc }, now: () => new Date('2026-11-20T10:00:00Z') });

describe('MgnService against the fake MGN endpoint', () => {
  it('reads every page of DescribeSourceServers and DescribeJobs with the SDK and matches the inventory', async () => {
    const before = fake.requests.length;
    const st = await service().fromAws({ region: 'eu-central-1', endpointUrl: fake.url });
    const sent = fake.requests.slice(before);
    // 4 servers and 2 jobs at 2 a page: 2 + 1 requests, each asking for up to 1,000.
    expect(sent.map((r) => r.path)).toEqual(['/DescribeSourceServers', '/DescribeSourceServers', '/DescribeJobs']);
    expect(sent[1]!.body).toMatchObject({ nextToken: '2', maxResults: 1000, filters: {} });
    expect(st.source).toEqual({ kind: 'aws', name: `MGN at ${fake.url}`, region: 'eu-central-1' });
    expect(st.servers.map((s) => [s.id, s.serverName, s.match])).toEqual([
      ['s-1111111111111111a', 'WEB01', 'hostname'],
      ['s-2222222222222222b', 'FRA-DB', 'vmware-uuid'],
      ['s-3333333333333333c', 'FRA-APP', 'ip'],
      ['s-4444444444444444d', null, 'none'],
    ]);
    expect(st.jobs).toHaveLength(2);
    expect(st.servers[0]!.lastJob).toMatchObject({ id: 'mgnjob-2222222222222222b', status: 'STARTED' });
  });

  it('says what to fix when AWS refuses, when MGN is not initialized, and for a Region that is not one', async () => {
    fake.failWith({ status: 403, type: 'AccessDeniedException', message: 'User is not authorized' });
    await expect(service().fromAws({ region: 'eu-central-1', endpointUrl: fake.url })).rejects.toMatchObject({ code: 'discovery-auth-failed', message: expect.stringContaining('mgn:DescribeSourceServers') });
    fake.failWith({ status: 400, type: 'UninitializedAccountException', message: 'Account not initialized' });
    await expect(service().fromAws({ region: 'eu-central-1', endpointUrl: fake.url })).rejects.toMatchObject({ code: 'discovery-failed', message: expect.stringContaining('not initialized') });
    await expect(service().fromAws({ region: 'Frankfurt', endpointUrl: fake.url })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('an endpoint that does not answer is "unreachable", not a crash', async () => {
    const gone = await startFakeMgn({ sourceServers: [], jobs: [] });
    const url = gone.url;
    await gone.close();
    await expect(service().fromAws({ region: 'eu-central-1', endpointUrl: url })).rejects.toMatchObject({ code: 'discovery-unreachable' });
  }, 60_000);
});

describe('saved responses (offline)', () => {
  it('reads the CLI outputs of describe-source-servers and describe-jobs as two files, and the SMS sample', async () => {
    const s = mgnSampleResponses();
    const a = path.join(dir, 'servers.json');
    const b = path.join(dir, 'jobs.json');
    await writeFile(a, JSON.stringify({ items: s.sourceServers }));
    await writeFile(b, JSON.stringify({ items: s.jobs }));
    const st = await service().fromFiles([a, b, sharedPath('samples', 'sms_get-replication-jobs_response.json')]);
    expect(st.source).toMatchObject({ kind: 'file', region: null });
    expect(st.servers.filter((x) => x.service === 'mgn')).toHaveLength(4);
    expect(st.servers.filter((x) => x.service === 'sms')).toHaveLength(2);
    expect(st.jobs).toHaveLength(2);
  });

  it('refuses a missing file, non-JSON and other JSON with typed errors that do not quote the content', async () => {
    const svc = service();
    await expect(svc.fromFiles([path.join(dir, 'nope.json')])).rejects.toMatchObject({ code: 'not-found' });
    const text = path.join(dir, 'notes.json');
    await writeFile(text, 'password=hunter2 not json');
    await expect(svc.fromFiles([text])).rejects.toMatchObject({ code: 'file-not-json' });
    await expect(svc.fromFiles([text])).rejects.not.toMatchObject({ message: expect.stringContaining('hunter2') });
    const other = path.join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ Reservations: [{ secret: 'hunter2' }] }));
    await expect(svc.fromFiles([other])).rejects.toMatchObject({ code: 'import-unrecognized', message: expect.not.stringContaining('hunter2') });
    expect(svc.latest()).toBeNull();
  });
});

describe('over the IPC contract', () => {
  it('mgn.readFiles reads and matches against the open project; bad arguments are refused by zod', async () => {
    const services = testServices(dir);
    try {
      await services.project.open(project);
      const handlers = createHandlers(services);
      const f = path.join(dir, 'both.json');
      const s = mgnSampleResponses();
      await writeFile(f, JSON.stringify({ DescribeSourceServers: { items: s.sourceServers }, DescribeJobs: { items: s.jobs } }));
      const ok = await dispatch(handlers, 'mgn.readFiles', { paths: [f] });
      expect(ok).toMatchObject({ ok: true, value: { matched: 3, unmatched: 1 } });
      expect(await dispatch(handlers, 'mgn.latest', {})).toMatchObject({ ok: true, value: { matched: 3 } });
      expect(await dispatch(handlers, 'mgn.readFiles', { paths: [] })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await dispatch(handlers, 'mgn.readAws', { region: 'eu-central-1', endpointUrl: 'file:///etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    } finally {
      services.dispose();
    }
  });
});

describe('mwb mgn status', () => {
  it('--region with --endpoint-url reads the fake MGN and prints JSON; the project is not changed', async () => {
    const before = await readFile(project, 'utf8');
    const r = await runMwb(['mgn', 'status', '--project', project, '--region', 'eu-central-1', '--endpoint-url', fake.url, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.matched).toBe(3);
    expect(out.servers[0]).toMatchObject({ name: 'web01', serverName: 'WEB01', lifeCycle: 'READY_FOR_TEST' });
    expect(await readFile(project, 'utf8')).toBe(before);
  });

  it('--from-json prints one line per server in words', async () => {
    const r = await runMwb(['mgn', 'status', '--project', project, '--from-json', sharedPath('samples', 'sms_get-replication-jobs_response.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sms_get-replication-jobs_response\.json: 2 source servers, 0 matched/);
    expect(r.stdout).toContain('SMS sms-job-23456789  win2k12  → not in the inventory  Active, Converting');
  });

  it('usage errors exit 2; an unreadable file exits 1', async () => {
    expect((await runMwb(['mgn', 'status', '--project', project])).code).toBe(2);
    expect((await runMwb(['mgn', 'status', '--project', project, '--region', 'eu-central-1', '--from-json', 'x.json'])).code).toBe(2);
    expect((await runMwb(['mgn', 'status', '--project', project, '--region', 'eu-central-1', '--endpoint-url', 'ftp://x'])).code).toBe(2);
    const r = await runMwb(['mgn', 'status', '--project', project, '--from-json', path.join(dir, 'missing.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.json does not exist');
  });
});
