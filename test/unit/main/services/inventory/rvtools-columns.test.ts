import { describe, expect, it } from 'vitest';
import { RVTOOLS_4_VINFO_COLUMNS, readRvtoolsTables } from '../../../../../main/services/inventory/rvtools.importer';
import type { Table } from '../../../../../main/services/inventory/table';

function vinfo(headers: string[], row: (string | number)[]): Table {
  return { name: 'vInfo', file: 'x.xlsx', headers, rows: [row], rowNumbers: [2], formulaCells: 0 };
}

describe('RVTools 4.x vInfo columns', () => {
  it('every column RVTools 4.x writes is standard, not a custom attribute (FT Sec. Latency among them)', async () => {
    const headers = [...RVTOOLS_4_VINFO_COLUMNS.slice(0, 30), 'Network #1', 'Network #2', ...RVTOOLS_4_VINFO_COLUMNS.slice(30)];
    const row = headers.map((h) => (h === 'VM' ? 'web-01' : h === 'Powerstate' ? 'poweredOn' : h === 'CPUs' ? 2 : h === 'Memory' ? 4096 : `v-${h}`));
    const batch = await readRvtoolsTables([vinfo(headers, row)], 'RVTools_export_all.xlsx');
    expect(batch.servers[0]!.tags).toEqual({});
    expect(batch.warnings.join('\n')).not.toMatch(/custom attributes/);
  });

  it('custom attributes stay tags; fields other products keep in vCenter (SCVMM, com.vmware.*) are neither', async () => {
    const headers = ['VM', 'Powerstate', 'FT Sec. Latency', 'Annotation', 'Backup status', 'ClusterInvariantVMMId', 'com.vmware.vcenter.cluster.edrs.upgradeHostAdded', 'Last backup', 'Datacenter'];
    const row = ['db-01', 'poweredOn', '0', 'note', 'Success', '6c1f0a52-1f4e-4d3a-9a55-3e0f5a1b2c3d', 'x', '2026-11-20', 'DC1'];
    const batch = await readRvtoolsTables([vinfo(headers, row)], 'RVTools_export_all.xlsx');
    expect(batch.servers[0]!.tags).toEqual({ 'Backup status': 'Success', 'Last backup': '2026-11-20' });
    expect(batch.warnings).toContain('vInfo custom attributes kept as tags: Backup status, Last backup.');
  });
});
