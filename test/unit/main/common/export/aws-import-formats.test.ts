// Pins our AWS import-file columns to lists copied by hand from AWS's documentation (read 2026-11-22):
// a failing test here means a column changed; change it only after re-reading the pages named below.
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  MGN_FIXED_PARAMETERS, MIGRATION_HUB_EXPORT_COLUMNS, MIGRATION_HUB_IDENTIFYING_FIELDS, MIGRATION_HUB_TEMPLATE_FIELDS,
  isDocumentedMgnParameter, mgnBootVolume, mgnPlatform, mgnServerAddress, mgnUserProvidedIds,
} from '../../../../../main/common/export/aws-import-formats';
import { mgnImportCsv } from '../../../../../main/common/export/bundle';
import { applyEdit } from '../../../../../main/common/model/edits';
import type { Server } from '../../../../../main/common/model/server';
import { loadDemo } from '../../../../helpers/plan-fixtures';

/** docs.aws.amazon.com/application-discovery/latest/userguide/discovery-import.html, "Migration Hub import template". */
const DOC_MIGRATION_HUB_FIELDS = [
  'ExternalId', 'SMBiosId', 'IPAddress', 'MACAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId', 'CPU.NumberOfProcessors',
  'CPU.NumberOfCores', 'CPU.NumberOfLogicalCores', 'OS.Name', 'OS.Version', 'VMware.VMName', 'RAM.TotalSizeInMB', 'RAM.UsedSizeInMB.Avg',
  'RAM.UsedSizeInMB.Max', 'CPU.UsagePct.Avg', 'CPU.UsagePct.Max', 'DiskReadsPerSecondInKB.Avg', 'DiskWritesPerSecondInKB.Avg',
  'DiskReadsPerSecondInKB.Max', 'DiskWritesPerSecondInKB.Max', 'DiskReadsOpsPerSecond.Avg', 'DiskWritesOpsPerSecond.Avg',
  'DiskReadsOpsPerSecond.Max', 'DiskWritesOpsPerSecond.Max', 'NetworkReadsPerSecondInKB.Avg', 'NetworkWritesPerSecondInKB.Avg',
  'NetworkReadsPerSecondInKB.Max', 'NetworkWritesPerSecondInKB.Max', 'Applications', 'ApplicationWave', 'Tags', 'ServerId',
];
/** The asterisked ("required": at least one per record) fields of that table. */
const DOC_MIGRATION_HUB_REQUIRED = ['ExternalId', 'IPAddress', 'MACAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId'];

/** docs.aws.amazon.com/mgn/latest/ug/import-main.html, "Import parameters" (example keys as the page gives them). */
const DOC_MGN_PARAMETERS = [
  'mgn:account-id', 'mgn:app:description', 'mgn:app:name', 'mgn:app:tag:appkey1', 'mgn:launch:iam-instance-profile:name',
  'mgn:launch:instance-type', 'mgn:launch:nic:0:network-interface-id', 'mgn:launch:nic:0:private-ip:0', 'mgn:launch:nic:0:security-group-id:0',
  'mgn:launch:nic:0:subnet-id', 'mgn:launch:placement:host-id', 'mgn:launch:placement:operating-system-licensing', 'mgn:launch:placement:tenancy',
  'mgn:launch:tag:instance:key1', 'mgn:launch:volume:/dev/sda:type', 'mgn:region', 'mgn:server:fqdn-for-action-framework', 'mgn:server:platform',
  'mgn:server:tag:serverkey1', 'mgn:server:user-provided-id', 'mgn:wave:description', 'mgn:wave:name', 'mgn:wave:tag:appkey1',
  'mgn:launch:transfer-server-tags',
];

describe('AWS import formats match the documentation', () => {
  it('Migration Hub: the template fields, their order, and the identifying ones', () => {
    expect([...MIGRATION_HUB_TEMPLATE_FIELDS]).toEqual(DOC_MIGRATION_HUB_FIELDS);
    expect([...MIGRATION_HUB_IDENTIFYING_FIELDS]).toEqual(DOC_MIGRATION_HUB_REQUIRED);
    expect([...MIGRATION_HUB_EXPORT_COLUMNS]).toEqual(DOC_MIGRATION_HUB_FIELDS.filter((f) => f !== 'ServerId'));
  });

  it('MGN: every documented parameter is recognised, and made-up ones are not', () => {
    for (const p of DOC_MGN_PARAMETERS) expect(isDocumentedMgnParameter(p), p).toBe(true);
    expect([...MGN_FIXED_PARAMETERS].every((p) => DOC_MGN_PARAMETERS.includes(p))).toBe(true);
    for (const p of ['mgn:server:tag', 'mgn:launch:volume:/dev/sda1', 'mgn:server:id-for-agent', 'mgn:launch:subnet-id', 'mgn:server:hostname']) {
      expect(isDocumentedMgnParameter(p), p).toBe(false);
    }
  });

  it('MGN values follow the page: platform spelling, example volume names, an address on every server', () => {
    expect([mgnPlatform('linux'), mgnPlatform('windows'), mgnPlatform('other')]).toEqual(['Linux', 'Windows', undefined]);
    expect([mgnBootVolume('linux'), mgnBootVolume('windows')]).toEqual(['/dev/sda', 'c:0']);
    const base = loadDemo().inventory.servers[0]!;
    const noFqdn: Server = { ...base, identity: { ...base.identity, fqdn: undefined } };
    expect(mgnServerAddress(base)).toBe('shop-db01.corp.example.com');
    // Never an IP: the host name, else the server name.
    expect(mgnServerAddress(noFqdn)).toBe(base.identity.hostName ?? base.name);
    expect(mgnServerAddress({ ...noFqdn, identity: { ...noFqdn.identity, hostName: '10.20.30.20' }, name: '10.20.30.20' })).toBeUndefined();
  });

  it('MGN user-provided ids are unique in a file even when two servers share a name', () => {
    const [a, b, c] = loadDemo().inventory.servers;
    const twin: Server = { ...b!, name: a!.name.toLowerCase() };
    const ids = mgnUserProvidedIds([a!, twin, c!]);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual([a!.id, twin.id, c!.name]);
  });

  it('the bundle MGN CSV writes documented parameters only, pinned header, one identified row per server', () => {
    let doc = loadDemo();
    doc = applyEdit(doc, { type: 'application.update', applicationId: 'app-webshop', patch: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } });
    const app = doc.planning.applications.find((a) => a.id === 'app-webshop')!;
    const rows = parse(mgnImportCsv(doc, app), { bom: true }) as string[][];
    const header = rows[0]!;
    for (const h of header) expect(isDocumentedMgnParameter(h), h).toBe(true);
    expect(header).toEqual([
      'mgn:account-id', 'mgn:region', 'mgn:wave:name', 'mgn:app:name', 'mgn:app:description', 'mgn:server:user-provided-id', 'mgn:server:platform',
      'mgn:server:fqdn-for-action-framework', 'mgn:launch:instance-type', 'mgn:launch:nic:0:subnet-id', 'mgn:launch:nic:0:security-group-id:0',
      'mgn:launch:nic:0:private-ip:0', 'mgn:launch:placement:tenancy', 'mgn:launch:placement:operating-system-licensing',
      'mgn:launch:iam-instance-profile:name', ...header.filter((h) => h.startsWith('mgn:launch:volume:')), ...header.filter((h) => h.startsWith('mgn:launch:tag:instance:')),
    ]);
    expect(header.filter((h) => h.startsWith('mgn:launch:volume:')).every((h) => ['mgn:launch:volume:/dev/sda:type', 'mgn:launch:volume:c:0:type'].includes(h))).toBe(true);
    const body = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
    expect(body).toHaveLength(7);
    // "Server entries must include either the server IP address, or the FQDN"; servers are matched by user-provided id.
    for (const r of body) expect(r['mgn:server:fqdn-for-action-framework']).not.toBe('');
    expect(new Set(body.map((r) => r['mgn:server:user-provided-id'])).size).toBe(7);
    expect(body.every((r) => ['Linux', 'Windows'].includes(r['mgn:server:platform']!))).toBe(true);
  });

  it('the bundle maps the application license choice to MGN operating-system-licensing (LI / BYOL)', () => {
    const doc = loadDemo();
    const app = doc.planning.applications.find((a) => a.id === 'app-webshop')!;
    const col = (licenseType: 'AWS' | 'BYOL' | 'Auto') => {
      const rows = parse(mgnImportCsv(doc, { ...app, replication: { ...app.replication, licenseType } }), { bom: true, columns: true }) as Record<string, string>[];
      return rows[0]!['mgn:launch:placement:operating-system-licensing'];
    };
    expect([col('AWS'), col('BYOL'), col('Auto')]).toEqual(['LI', 'BYOL', '']);
  });
});
