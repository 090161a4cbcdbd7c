import { describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { LAUNCH_SETTINGS_COLUMNS, launchSettingsSheet, readLaunchSettingsSheet } from '../../../../../main/common/export/launch-settings-table';
import { toCsv } from '../../../../../main/common/export/csv';
import { applyEdit } from '../../../../../main/common/model/edits';
import { loadDemo } from '../../../../helpers/plan-fixtures';

const headers = LAUNCH_SETTINGS_COLUMNS.map((c) => c.header);
const col = (h: string) => headers.indexOf(h);

describe('launch settings sheet', () => {
  it('round trip through CSV without edits changes nothing', () => {
    const doc = loadDemo();
    const sheet = launchSettingsSheet(doc);
    expect(sheet[0]).toEqual(headers);
    expect(sheet.length - 1).toBe(doc.planning.applications.reduce((n, a) => n + a.groups.reduce((m, g) => m + g.serverIds.length, 0), 0));
    const [head, ...rows] = parseCsv(toCsv(headers, sheet.slice(1)), { relax_column_count: true }) as string[][];
    const r = readLaunchSettingsSheet(doc, head!, rows);
    expect(r.problems.filter((p) => !/not in any application/.test(p.message))).toEqual([]);
    expect(r.changes).toEqual([]);
    expect(r.entries).toEqual([]);
    expect(r.unchanged).toBe(rows.length);
  });

  it('edited cells become one patch per server with a readable diff; empty cells clear; applying it is one edit', () => {
    const doc = loadDemo();
    const sheet = launchSettingsSheet(doc, 'app-webshop');
    const row = sheet[1]!;
    const id = String(row[col('server_id')]);
    row[col('instance_type')] = 'r6i.4xlarge';
    row[col('security_group_ids')] = 'sg-0000000000000000a; sg-0000000000000000b';
    row[col('subnet_id')] = '';
    row[col('public_ip')] = 'No';
    row[col('tags')] = 'Owner=ops;CostCentre=42';
    const r = readLaunchSettingsSheet(doc, sheet[0]!.map(String), sheet.slice(1));
    expect(r.problems).toEqual([]);
    expect(r.entries).toEqual([{ serverId: id, patch: { instanceType: 'r6i.4xlarge', subnetId: null, securityGroupIds: ['sg-0000000000000000a', 'sg-0000000000000000b'], associatePublicIp: false, tags: { Owner: 'ops', CostCentre: '42' } } }]);
    expect(r.changes.map((c) => [c.field, c.before, c.after])).toEqual([
      ['Instance type', 'r6i.2xlarge', 'r6i.4xlarge'],
      ['Subnet', 'subnet-0a1b2c3d4e5f60002', ''],
      ['Security groups', 'sg-0123456789abcdef0', 'sg-0000000000000000a;sg-0000000000000000b'],
      ['Public IP', '', 'no'],
      ['Tags', '', 'Owner=ops;CostCentre=42'],
    ]);
    const next = applyEdit(doc, { type: 'launchSettings.setEach', entries: r.entries });
    expect(next.planning.launchSettings[id]).toMatchObject({ instanceType: 'r6i.4xlarge', associatePublicIp: false });
    expect(next.planning.launchSettings[id]!.subnetId).toBeUndefined();
    expect(readLaunchSettingsSheet(next, sheet[0]!.map(String), sheet.slice(1)).changes).toEqual([]);
  });

  it('bad cells and unknown servers are named with their row and left out; good cells of the same row still apply', () => {
    const doc = loadDemo();
    const sheet = launchSettingsSheet(doc, 'app-webshop');
    sheet[1]![col('volume_size_gib')] = 'big';
    sheet[1]![col('elastic_ip')] = 'maybe';
    sheet[1]![col('volume_type')] = 'ssd';
    sheet[1]![col('key_name')] = 'ops-key';
    sheet[2]![col('server_id')] = 'no-such-server';
    const r = readLaunchSettingsSheet(doc, sheet[0]!.map(String), sheet.slice(1));
    expect(r.problems.map((p) => [p.row, p.column])).toEqual([[2, 'elastic_ip'], [2, 'volume_size_gib'], [2, 'volume_type'], [3, undefined]]);
    expect(r.problems[2]!.message).toMatch(/Volume type: "ssd" is not accepted/);
    expect(r.problems[1]!.message).toMatch(/"big" is not a whole number/);
    expect(r.problems[3]!.message).toMatch(/server_id "no-such-server" is not in this project/);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]!.patch).toEqual({ keyName: 'ops-key' });
  });

  it('a sheet without an identifying column is refused with the reason; formula guards are taken off', () => {
    const doc = loadDemo();
    expect(readLaunchSettingsSheet(doc, ['instance_type'], [['m6i.large']]).problems[0]!.message).toMatch(/neither a server_id nor a server_name/);
    const sheet = launchSettingsSheet(doc, 'app-webshop');
    sheet[1]![col('key_name')] = "'-ops";
    expect(readLaunchSettingsSheet(doc, sheet[0]!.map(String), sheet.slice(1)).entries[0]!.patch).toEqual({ keyName: '-ops' });
  });
});
