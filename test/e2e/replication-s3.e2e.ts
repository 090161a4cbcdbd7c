// The S3 + VM Import transport chosen in Connection settings: the disk is staged in Ceph radosgw
// (/work/shared/peers/start-radosgw.sh, on ports and a folder of this story's own) and the strict fake's EC2 imports it
// (reading the object from radosgw). The app has one endpoint override for EBS, EC2 and S3, so a loopback router here
// sends the bucket's paths to radosgw and the rest to the fake, as test/integration/cli/mwb-replicate-s3-ami-kill.test.ts does.
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { test, expect } from './fixtures';
import { openReplication, runThroughVmImport, screens, shopDb01RawDisk } from './replication-story';
import { startFakeEbs } from '../fakes/ebs-direct.fake';
import { startPeer, stopPeer } from '../helpers/peers';
import { startS3Ec2Router, type S3Ec2Router } from '../helpers/s3-ec2-router';
import { peerPort } from '../helpers/ports';

const BUCKET = 'mwb-e2e-staging';
const KEYS = { AWS_ACCESS_KEY_ID: 'TESTACCESSKEY', AWS_SECRET_ACCESS_KEY: 'TESTSECRETKEY' };

test('a consultant chooses S3 + VM Import with a bucket, runs SHOP-DB01 with no AMI and then with VM Import, and sees the AMI and what became of the staged disks', async ({ page, workbench }) => {
  test.setTimeout(600_000);
  const saved = { ...process.env };
  // The AWS SDK's default chain finds radosgw's test keys in the environment; the real configuration is never read.
  Object.assign(process.env, KEYS, { AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' });
  const rgwEnv = { RGW_PORT: String(await peerPort()), RGW_MON_PORT: String(await peerPort()), RGW_DIR: path.join(workbench.dir, 'rgw'), RGW_PIDFILE: path.join(workbench.dir, 'rgw.pid'), RGW_MEM_GIB: '1' };
  let s3: S3Client | undefined;
  let router: S3Ec2Router | undefined;
  let releaseImport!: () => void;
  const importingSeen = new Promise<void>((r) => { releaseImport = r; });
  const fake = await startFakeEbs({
    importSteps: 1,
    // VM Import's status checks wait until the story has seen the importing stage (a fast machine would finish first).
    beforeEc2: async (action) => {
      if (action === 'DescribeImportImageTasks') await importingSeen;
    },
    s3Object: async (bucket, key) => {
      if (bucket !== BUCKET || !s3) throw new Error('no such bucket');
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    },
  });
  try {
    const rgw = await startPeer('start-radosgw.sh', ['start'], rgwEnv, 480_000);
    s3 = new S3Client({ region: 'us-east-1', endpoint: rgw, forcePathStyle: true, credentials: { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    router = await startS3Ec2Router(BUCKET, rgw, fake.url);
    const objects = async () => ((await s3!.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!);

    // A 16 MiB raw disk, every other 512 KiB block holding data, where RVTools says SHOP-DB01's disk is.
    const { image } = await shopDb01RawDisk(workbench, 32, 2);
    await openReplication(page, workbench);

    // Connection settings: the S3 transport needs a bucket that follows S3's naming rules.
    await page.getByRole('button', { name: 'Connection settings…' }).click();
    const settings = page.getByRole('dialog', { name: 'Replication connection settings' });
    await expect(settings.getByRole('radio', { name: 'EBS direct snapshots (block level, incremental)' })).toBeChecked();
    await expect(settings.getByLabel(/^S3 bucket for staging/)).toHaveCount(0);
    await settings.getByLabel(/^Endpoint override/).fill(router.url);
    await settings.getByLabel(/^Default Region/).fill('us-east-1');
    await settings.getByRole('radio', { name: 'S3 bucket + VM Import (whole disk each run)' }).check();
    await expect(settings.getByRole('radio', { name: 'S3 bucket + VM Import (whole disk each run)' })).toHaveAccessibleDescription(/staging object is deleted after the import/);
    const bucket = settings.getByLabel(/^S3 bucket for staging/);
    await bucket.fill('Migration_Staging');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toBeVisible();
    await expect(bucket).toHaveAttribute('aria-invalid', 'true');
    await expect(bucket).toBeFocused();
    await expect(bucket).toHaveAccessibleDescription('An S3 bucket name has no capital letters.');
    await screens(page, 'replication-s3-bucket-error');
    // Keyboard only: the bucket, then the AMI step (RegisterImage is not offered with S3).
    await bucket.fill(BUCKET);
    await expect(settings.getByRole('alert')).toHaveCount(0);
    const ami = settings.getByLabel('After each completed run');
    await expect(ami.getByRole('option')).toHaveText(['Keep the staged disk in the bucket (no AMI)', 'Make an AMI with VM Import (drivers injected)']);
    await ami.selectOption({ label: 'Keep the staged disk in the bucket (no AMI)' });
    await screens(page, 'replication-s3-settings');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toHaveCount(0);
    await expect(page.getByTestId('replication-target')).toContainText(`staged in S3 bucket ${BUCKET}`);

    // Map the disk to the image by typing its path.
    const card = page.getByRole('article', { name: 'Server SHOP-DB01' });
    await card.getByRole('button', { name: 'Choose image… (SHOP-DB01, Hard disk 1)' }).click();
    const picker = page.getByRole('dialog', { name: 'Disk image of SHOP-DB01 · Hard disk 1' });
    await picker.getByLabel('Image file on the workbench machine').fill(image);
    await picker.getByRole('button', { name: 'Check' }).click();
    await expect(picker.getByTestId('image-info')).toContainText('Raw · 16 MiB disk');
    await picker.getByRole('button', { name: 'Use this image' }).click();
    await expect(picker).toHaveCount(0);

    // Run 1, no AMI: the staged disk stays in the bucket as the run's output, and the card says so.
    await card.getByRole('button', { name: 'Start replication of SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-state')).toHaveText('Completed', { timeout: 120_000 });
    await expect(card.getByTestId('replication-transport')).toHaveText(`S3 bucket + VM Import (bucket ${BUCKET})`);
    const notice = card.getByTestId('replication-notice');
    await expect(notice).toContainText(`stays in the bucket as this run's output (no AMI was asked for) until the next S3 run replaces it: s3://${BUCKET}/`);
    const output = await objects();
    expect(output).toHaveLength(1);
    expect(fake.importTasks.size).toBe(0);

    // Run 2, VM Import: the disk is staged again, imported, and the first run's object is deleted.
    await page.getByRole('button', { name: 'Connection settings…' }).click();
    await expect(settings.getByRole('radio', { name: 'S3 bucket + VM Import (whole disk each run)' })).toBeChecked();
    await expect(settings.getByLabel(/^S3 bucket for staging/)).toHaveValue(BUCKET);
    await settings.getByLabel('After each completed run').selectOption({ label: 'Make an AMI with VM Import (drivers injected)' });
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toHaveCount(0);
    await card.getByRole('button', { name: 'Run now: SHOP-DB01' }).click();
    await expect(card.getByTestId('replication-state')).not.toHaveText('Completed', { timeout: 10_000 });
    const amiId = await runThroughVmImport(page, card, fake, 'replication-s3-importing', releaseImport);
    await expect(card).toContainText(amiId); // AMIs kept
    await expect(notice).toContainText(`Deleted a staging object of earlier runs that nothing needs any more: s3://${BUCKET}/${output[0]}.`);
    await expect(notice).toContainText(`The staged disk was deleted from the bucket once VM Import had made the AMI: s3://${BUCKET}/`);
    // Nothing is left in the bucket: the import's object went after the AMI was made, the first run's by the sweep.
    expect(await objects()).toEqual([]);
    await screens(page, 'replication-s3-done', card);

    // The Dashboard's jobs of this session and its recent runs say how each run travelled.
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Dashboard' }).click();
    const jobs = page.getByRole('table', { name: 'Workbench replication jobs in this session' });
    await expect(jobs.getByRole('row', { name: /SHOP-DB01/ }).getByRole('cell').nth(2)).toHaveText('S3 bucket + VM Import');
    const runs = page.getByRole('table', { name: 'Recent replication runs' });
    const newest = runs.getByRole('row').nth(1);
    await expect(newest).toContainText('SHOP-DB01');
    await expect(newest).toContainText('S3 bucket + VM Import');
    await expect(newest).toContainText(amiId);
    // Runs recorded before runs kept their transport: the server's last run says the server's (the demo's are EBS).
    await expect(runs.getByRole('row', { name: /SHOP-DB02/ })).toContainText('EBS direct snapshots');
    await screens(page, 'replication-s3-dashboard', runs);
  } finally {
    releaseImport();
    await router?.close();
    s3?.destroy();
    await fake.close();
    await stopPeer('start-radosgw.sh', rgwEnv).catch(() => undefined);
    for (const k of Object.keys(KEYS).concat(['AWS_EC2_METADATA_DISABLED', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'])) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});
