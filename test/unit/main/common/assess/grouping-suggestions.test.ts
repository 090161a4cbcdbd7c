import { describe, expect, it } from 'vitest';
import { namePrefix, suggestApplications, tagKeys } from '../../../../../main/common/assess/grouping-suggestions';
import { loadDemo, makeServer } from '../../../../helpers/plan-fixtures';

describe('grouping suggestions', () => {
  it('by naming pattern, with tiers in launch order', () => {
    const servers = ['SHOP-WEB01', 'SHOP-DB01', 'SHOP-APP01', 'SHOP-APP02', 'HR-FS01'].map((n) => makeServer(n.toLowerCase(), { name: n }));
    const [shop] = suggestApplications(servers, 'name');
    expect(shop).toMatchObject({ name: 'SHOP', serverCount: 4 });
    expect(shop!.groups.map((g) => [g.name, g.serverIds])).toEqual([['Database', ['shop-db01']], ['Application', ['shop-app01', 'shop-app02']], ['Web', ['shop-web01']]]);
    expect(suggestApplications(servers, 'name').map((s) => s.name)).toEqual(['SHOP']); // HR has one server only
    expect(namePrefix('az-web-01')).toBe('AZ');
  });

  it('by folder and by tag, skipping servers already placed', () => {
    const demo = loadDemo();
    const placed = new Set(demo.planning.applications.flatMap((a) => a.groups.flatMap((g) => g.serverIds)));
    const byTag = suggestApplications(demo.inventory.servers, 'tag', { tagKey: 'Application' });
    expect(byTag.map((s) => s.name)).toEqual(['WebShop', 'SharePoint', 'Payroll']);
    expect(byTag[0]!.groups.map((g) => g.name)).toEqual(['Database', 'Application', 'Web']);
    expect(suggestApplications(demo.inventory.servers, 'tag', { tagKey: 'Application', placed })).toEqual([]);
    const byFolder = suggestApplications(demo.inventory.servers, 'folder', { placed });
    expect(byFolder.length).toBeGreaterThan(0);
    expect(byFolder.every((s) => s.groups.every((g) => g.serverIds.every((id) => !placed.has(id))))).toBe(true);
    expect(tagKeys(demo.inventory.servers)[0]).toBe('Environment');
  });
});
