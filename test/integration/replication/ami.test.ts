// AMIs from replication runs, through the replication service against the strict fake (EBS direct + the EC2 Query
// API): ImportImage polled through its states, its failure path, RegisterImage, retention, encryption (on by default,
// off only explicitly), the integrity check, and the latest AMI reaching the CloudFormation export.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { testServices } from '../../helpers/services';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs, type FakeEbs } from '../../fakes/ebs-direct.fake';
import type { Services } from '../../../main/services/container';
import type { ProjectDocument } from '../../../main/common/model/project';
import { withProjectDefaults } from '../../../main/common/assess/project-defaults';
import { buildCloudFormation } from '../../../main/common/export/cloudformation.builder';
import { validateApplication } from '../../../main/common/assess/plan-validation';
import { runbookMarkdown } from '../../../main/common/export/bundle';

const BLOCK = 512 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const POLL = { initialMs: 5, maxMs: 20 };

let fake: FakeEbs;
let dir: string;
let services: Services;
let content: Buffer;
let image: string;

function project(over: { amisToKeep?: number; kmsKeyId?: string } = {}): ProjectDocument {
  const doc = docWithServers(2);
  const servers = doc.inventory.servers.map((s, i) => (i === 0 ? { ...s, name: 'web01', firmware: { type: 'efi' as const } } : s));
  return {
    ...doc,
    inventory: { ...doc.inventory, servers },
    planning: {
      ...doc.planning,
      applications: [
        {
          id: 'a1',
          name: 'Shop',
          description: '',
          tags: {},
          replication: { frequency: 'one-time', amisToKeep: over.amisToKeep ?? 2, licenseType: 'BYOL', encrypted: false, ...(over.kmsKeyId ? { kmsKeyId: over.kmsKeyId } : {}) },
          groups: [{ id: 'g1', name: 'Web', serverIds: ['s1'] }],
        },
      ],
    },
  };
}

async function openProject(doc: ProjectDocument): Promise<void> {
  const file = path.join(dir, `p-${randomBytes(4).toString('hex')}.mwb.json`);
  await fs.writeFile(file, JSON.stringify(doc));
  await services.project.open(file);
  services.replication.configure('web01', { disks: [{ disk: 'Hard disk 1', image }], region: 'us-east-1' });
}

async function change(index: number): Promise<void> {
  const b = randomBytes(BLOCK);
  b.copy(content, index * BLOCK);
  const fh = await fs.open(image, 'r+');
  await fh.write(b, 0, BLOCK, index * BLOCK);
  await fh.close();
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  fake = await startFakeEbs({ importSteps: 3 });
  dir = await tempDir('mwb-ami-');
  services = testServices(dir);
  image = path.join(dir, 'web01.raw');
  content = Buffer.alloc(24 * BLOCK);
  for (const i of [0, 1, 5, 9, 17, 23]) randomBytes(BLOCK).copy(content, i * BLOCK);
  await fs.writeFile(image, content);
});
afterEach(() => {
  fake.options.importFailure = undefined;
  fake.options.corruptBlock = undefined;
});
afterAll(async () => {
  services.dispose();
  await fake.close();
});

const transport = () => ({ kind: 'ebs' as const, endpointUrl: fake.url });

describe('AMIs from replication runs (strict fake: EBS direct + EC2 Query API)', () => {
  it('ImportImage from the snapshot: polled through active to completed, encrypted by default, tagged; the AMI reaches the export', async () => {
    await openProject(project());
    const stages: string[] = [];
    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL, onProgress: (p) => stages.push(p.stage) });
    expect(r).toMatchObject({ status: 'completed', encrypted: true });
    expect(r.amiId).toMatch(/^ami-[0-9a-f]+$/);
    expect(r.disks[0]!.verified).toEqual({ listed: 6, sampled: 6 });
    expect(stages).toContain('verifying');
    expect(stages).toContain('importing-image');
    const img = fake.images.get(r.amiId!)!;
    expect(img).toMatchObject({ source: 'import', encrypted: true, licenseType: 'BYOL', platform: 'Linux', bootMode: 'uefi', state: 'available' });
    expect(Object.fromEntries(img.tags)).toMatchObject({ 'mwb:server': 'web01', 'mwb:project': 'p1' });
    // The import went through its active states before completing (3 describes answered active).
    const describes = fake.ec2Calls.filter((c) => c.action === 'DescribeImportImageTasks');
    expect(describes.length).toBe(4);
    // The AMI's disk is the image's content.
    expect(sha(fake.read(img.snapshotIds[0]!, content.length))).toBe(sha(content));
    // The snapshot itself was started encrypted (the account's default key: no KMS key named).
    const start = [...fake.snapshots.values()].find((s) => s.id === r.disks[0]!.snapshotId);
    expect(start?.encrypted).toBe(true);

    // Recorded in the project, and the export's AMI parameter defaults to it (no missing-AMI warning).
    const doc = services.project.document;
    expect(doc.replication!.servers[0]!.lastRun).toMatchObject({ amiId: r.amiId, encrypted: true, status: 'completed' });
    const [tpl] = buildCloudFormation(withProjectDefaults(doc), 'a1', { format: 'json', waitStrategy: 'depends-on' });
    const params = tpl!.template.Parameters as Record<string, { Type: string; Default?: string }>;
    const ami = Object.entries(params).find(([, p]) => p.Type === 'AWS::EC2::Image::Id')!;
    expect(ami[1].Default).toBe(r.amiId);
    const issues = validateApplication(doc, doc.planning.applications[0]!, {});
    expect(issues.map((i) => i.code)).not.toContain('missing-ami');
    expect(issues.map((i) => i.code)).not.toContain('invalid-id-format');
    expect(issues.map((i) => i.code)).not.toContain('unencrypted-replication');
    // A launch setting the user typed wins over the replicated AMI.
    const typed = { ...doc, planning: { ...doc.planning, launchSettings: { s1: { amiId: 'ami-0123456789abcdef0', securityGroupIds: [], testSecurityGroupIds: [], tags: {} } } } };
    const [tpl2] = buildCloudFormation(withProjectDefaults(typed), 'a1', { format: 'json', waitStrategy: 'depends-on' });
    expect(Object.values(tpl2!.template.Parameters as Record<string, { Type: string; Default?: string }>).find((p) => p.Type === 'AWS::EC2::Image::Id')!.Default).toBe('ami-0123456789abcdef0');
  }, 60_000);

  it('retention keeps the N most recent AMIs of the server and deletes the older ones with their snapshots', async () => {
    await openProject(project({ amisToKeep: 2 }));
    const amis: string[] = [];
    for (let k = 0; k < 3; k++) {
      await change(3 + k);
      const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL });
      expect(r.status).toBe('completed');
      amis.push(r.amiId!);
    }
    const mine = [...fake.images.values()].filter((i) => i.tags.get('mwb:server') === 'web01' && i.state === 'available').map((i) => i.id);
    expect(mine.sort()).toEqual(amis.slice(-2).sort());
    // Every AMI older than those two is deregistered and its snapshots are gone.
    const gone = [...fake.images.values()].filter((i) => i.tags.get('mwb:server') === 'web01' && i.state === 'deregistered');
    expect(gone.length).toBeGreaterThanOrEqual(2);
    for (const g of gone) for (const sid of g.snapshotIds) expect(fake.snapshots.has(sid)).toBe(false);
    // The newest AMI holds the newest content.
    const newest = fake.images.get(amis[2]!)!;
    expect(sha(fake.read(newest.snapshotIds[0]!, content.length))).toBe(sha(content));
  }, 90_000);

  it('a failed VM Import task is a typed failure: the snapshots stay complete, no AMI is recorded', async () => {
    await openProject(project());
    await change(7);
    fake.options.importFailure = 'ClientError: Unknown OS / Missing OS files.';
    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL });
    expect(r).toMatchObject({ status: 'failed', amiId: null });
    expect(r.message).toContain('(import-failed)');
    expect(r.message).toContain('Unknown OS / Missing OS files');
    expect(r.disks[0]!.status).toBe('completed');
    const last = services.project.document.replication!.servers[0]!.lastRun!;
    expect(last.status).toBe('failed');
    expect(last.amiId).toBeUndefined();
    // The next run is incremental from that completed snapshot and makes its AMI.
    fake.options.importFailure = undefined;
    const again = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'import', amiPoll: POLL });
    expect(again).toMatchObject({ status: 'completed' });
    expect(again.disks[0]).toMatchObject({ parentSnapshotId: r.disks[0]!.snapshotId, blocksSent: 0 });
  }, 60_000);

  it('RegisterImage straight from the snapshot when the drivers are there (ENA, hvm, boot mode)', async () => {
    await openProject(project());
    await change(11);
    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'register' });
    expect(r.status).toBe('completed');
    const img = fake.images.get(r.amiId!)!;
    expect(img).toMatchObject({ source: 'register', enaSupport: true, bootMode: 'uefi', encrypted: true, snapshotIds: [r.disks[0]!.snapshotId] });
    expect(sha(fake.read(r.disks[0]!.snapshotId!, content.length))).toBe(sha(content));
    // A KMS key named by alias cannot be given to EBS direct: refused before anything is sent.
    await openProject(project({ kmsKeyId: 'alias/migration' }));
    const puts = fake.puts.length;
    await expect(services.replication.replicate({ server: 'web01', transport: transport(), ami: 'register' })).rejects.toThrow(/key ARN/);
    expect(fake.puts.length).toBe(puts);
  }, 60_000);

  it('encryption is off only when the user says so; the plan and the runbook then say it', async () => {
    await openProject(project());
    await change(13);
    const r = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'register', encrypted: false });
    expect(r).toMatchObject({ status: 'completed', encrypted: false });
    expect(fake.snapshots.get(r.disks[0]!.snapshotId!)!.encrypted).toBe(false);
    expect(fake.images.get(r.amiId!)!.encrypted).toBe(false);
    const doc = services.project.document;
    expect(doc.replication!.servers[0]!.encrypted).toBe(false);
    const issues = validateApplication(doc, doc.planning.applications[0]!, {});
    expect(issues.find((i) => i.code === 'unencrypted-replication')?.message).toContain('NOT encrypted');
    const effective = withProjectDefaults(doc);
    const templates = buildCloudFormation(effective, 'a1', { format: 'json', waitStrategy: 'depends-on' });
    const runbook = runbookMarkdown({ doc: effective, app: effective.planning.applications[0]!, templates, reports: [], options: { format: 'json', waitStrategy: 'depends-on' } });
    expect(runbook).toContain('**Not encrypted**');
    expect(runbook).toContain('web01');
    // The choice is kept: the next run (no flag) stays unencrypted until turned back on.
    await change(14);
    const next = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none' });
    expect(next.encrypted).toBe(false);
    const on = await services.replication.replicate({ server: 'web01', transport: transport(), ami: 'none', encrypted: true });
    expect(on.encrypted).toBe(true);
    expect(fake.snapshots.get(on.disks[0]!.snapshotId!)!.encrypted).toBe(true);
  }, 60_000);

  it('the integrity check reads blocks back: a store that corrupts a block fails the run, and no AMI is made from it', async () => {
    // A server of its own with 4 data blocks: the check reads back 8 blocks at random, so all of these (web01's disk
    // holds more than 8 by now, and a sample could miss the bad one).
    await openProject(project());
    const small = Buffer.alloc(24 * BLOCK);
    for (const i of [2, 8, 19, 21]) randomBytes(BLOCK).copy(small, i * BLOCK);
    const smallImage = path.join(dir, 's2.raw');
    await fs.writeFile(smallImage, small);
    services.replication.configure('s2', { disks: [{ disk: 'Hard disk 1', image: smallImage }], region: 'us-east-1' });
    fake.options.corruptBlock = (_sid, index) => index === 19;
    const images = fake.images.size;
    const r = await services.replication.replicate({ server: 's2', transport: transport(), ami: 'register' });
    expect(r).toMatchObject({ status: 'failed', amiId: null });
    expect(r.disks[0]!.message).toMatch(/integrity check failed: block 19 read back differs/);
    expect(fake.images.size).toBe(images);
    // The next run does not build on the bad snapshot: it starts again and sends the block again.
    fake.options.corruptBlock = undefined;
    const again = await services.replication.replicate({ server: 's2', transport: transport(), ami: 'none' });
    expect(again.status).toBe('completed');
    expect(again.disks[0]!.parentSnapshotId).not.toBe(r.disks[0]!.snapshotId);
    expect(sha(fake.read(again.disks[0]!.snapshotId!, small.length))).toBe(sha(small));
  }, 60_000);
});
