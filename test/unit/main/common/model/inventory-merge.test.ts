import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mergeInventory } from '../../../../../main/common/model/inventory-import';
import { blankServer } from '../../../../../main/services/inventory/importer';
import { makeInventory, tempDir, writeWorkbook } from '../../../../helpers/inventory-fixtures';

const vinfo = (rows: (string | number)[][]) => [['VM', 'Powerstate', 'CPUs', 'Memory', 'VM UUID'], ...rows];

describe('re-import merges by identity', () => {
  it('keeps ids and user tags, reports updated/added/gone, never duplicates', async () => {
    const dir = await tempDir();
    const first = await writeWorkbook(dir, 'export.xlsx', { vInfo: vinfo([['a', 'poweredOn', 2, 4096, 'u-a'], ['b', 'poweredOn', 2, 4096, 'u-b'], ['c', 'poweredOff', 1, 1024, 'u-c']]) });
    const { inventory, project } = makeInventory();
    const r1 = await inventory.import({ paths: [first] });
    expect([r1.added, r1.updated, r1.gone.length]).toEqual([3, 0, 0]);
    const ids = project.document.inventory.servers.map((s) => s.id);
    const a = project.document.inventory.servers[0]!;
    project.edit({ type: 'server.setTags', serverId: a.id, tags: { owner: 'alice' } });

    // Same file again: nothing changes except the import record.
    const r2 = await inventory.import({ paths: [first] });
    expect([r2.added, r2.updated, r2.unchanged]).toEqual([0, 0, 3]);
    expect(project.document.inventory.servers.map((s) => s.id)).toEqual(ids);

    // Next month: a renamed (same UUID), b grew, c gone, d new.
    await writeFile(path.join(dir, 'export.xlsx'), new Uint8Array());
    const second = await writeWorkbook(dir, 'export.xlsx', { vInfo: vinfo([['a-renamed', 'poweredOn', 2, 4096, 'u-a'], ['b', 'poweredOn', 4, 8192, 'u-b'], ['d', 'poweredOn', 1, 2048, 'u-d']]) });
    const r3 = await inventory.import({ paths: [second] });
    expect([r3.added, r3.updated, r3.unchanged]).toEqual([1, 2, 0]);
    expect(r3.gone).toEqual([{ id: ids[2], name: 'c' }]);
    const servers = project.document.inventory.servers;
    expect(servers).toHaveLength(4);
    expect(servers[0]).toMatchObject({ id: ids[0], name: 'a-renamed', tags: { owner: 'alice' } });
    expect(servers[1]).toMatchObject({ id: ids[1], memoryMiB: 8192, cpu: { vcpus: 4 } });

    // Asked to, the gone server is removed; undo brings it back.
    const r4 = await inventory.import({ paths: [second], removeGone: true });
    expect(r4.removed).toBe(1);
    expect(project.document.inventory.servers.map((s) => s.name)).toEqual(['a-renamed', 'b', 'd']);
    project.undo();
    expect(project.document.inventory.servers).toHaveLength(4);
  });

  it('next month\'s export under another file name finds the gone VMs of the same vCenter only', async () => {
    const dir = await tempDir();
    const head = ['VM', 'Powerstate', 'CPUs', 'Memory', 'VM UUID', 'VI SDK Server'];
    const nov = await writeWorkbook(dir, 'RVTools_2026-11.xlsx', { vInfo: [head, ['a', 'poweredOn', 1, 1024, 'u-a', 'vc1'], ['b', 'poweredOn', 1, 1024, 'u-b', 'vc1']] });
    const other = await writeWorkbook(dir, 'RVTools_vc2.xlsx', { vInfo: [head, ['x', 'poweredOn', 1, 1024, 'u-x', 'vc2']] });
    const dec = await writeWorkbook(dir, 'RVTools_2026-12.xlsx', { vInfo: [head, ['a', 'poweredOn', 2, 1024, 'u-a', 'vc1']] });
    const { inventory } = makeInventory();
    await inventory.import({ paths: [nov, other] });
    const r = await inventory.import({ paths: [dec] });
    expect(r.gone.map((g) => g.name)).toEqual(['b']);
    expect(r.updated).toBe(1);
  });

  it('a second source enriches servers it shares by name instead of duplicating them', () => {
    const rv = { ...blankServer('web01', { kind: 'rvtools', name: 'rv.xlsx' }), id: 'S1', memoryMiB: 4096, cpu: { vcpus: 2 } };
    const cmf = blankServer('WEB01', { kind: 'cmf-intake-csv', name: 'intake.csv' });
    cmf.identity.fqdn = 'web01.corp';
    cmf.tags = { wave: 'Wave 1' };
    cmf.provenance = { 'tags.wave': 'wave_name r2' };
    const m = mergeInventory([rv], [cmf], { newId: () => 'new' });
    expect(m.added).toBe(0);
    expect(m.servers).toHaveLength(1);
    expect(m.servers[0]).toMatchObject({ id: 'S1', memoryMiB: 4096, cpu: { vcpus: 2 }, identity: { fqdn: 'web01.corp' }, tags: { wave: 'Wave 1' } });
    expect(m.gone).toEqual([]);
  });
});
