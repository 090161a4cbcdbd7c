import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cheapestFit } from '../../../../../main/common/assess/right-size';
import { InstanceCatalogSchema } from '../../../../../main/common/model/instance-types';
import { applyEdit } from '../../../../../main/common/model/edits';
import { docWithServers, makeServer } from '../../../../helpers/plan-fixtures';

const catalog = InstanceCatalogSchema.parse(JSON.parse(readFileSync(new URL('../../../../../assets/data/ec2-instance-types.json', import.meta.url), 'utf8')));

describe('cheapest fitting instance type', () => {
  it('has the vCPUs and memory of the source, on its architecture, and is the cheapest such type for its OS', () => {
    const linux = makeServer('l', { cpu: { vcpus: 4 }, memoryMiB: 16 * 1024 });
    const fit = cheapestFit(linux, catalog)!;
    expect(fit.vcpu).toBeGreaterThanOrEqual(4);
    expect(fit.memoryGiB).toBeGreaterThanOrEqual(16);
    expect(fit.arch).toBe('x86_64');
    const cheaper = catalog.filter((c) => (c.generation ?? 0) >= 5 && c.arch === 'x86_64' && c.vcpu >= 4 && c.memoryGiB >= 16 && c.priceUsdHour['us-east-1'].linux !== null && c.priceUsdHour['us-east-1'].linux! < fit.priceUsdHour['us-east-1'].linux!);
    expect(cheaper).toEqual([]);
    const windows = makeServer('w', { cpu: { vcpus: 4 }, memoryMiB: 16 * 1024, os: { configured: 'Microsoft Windows Server 2019 (64-bit)', family: 'windows' } });
    expect(cheapestFit(windows, catalog)!.priceUsdHour['us-east-1'].windows).not.toBeNull();
    expect(cheapestFit(makeServer('huge', { cpu: { vcpus: 4096 } }), catalog)).toBeUndefined();
  });

  it('sets a different type per server in one undoable edit', () => {
    let doc = docWithServers(2);
    doc = applyEdit(doc, { type: 'launchSettings.setEach', entries: [{ serverId: 's1', patch: { instanceType: 'm6i.large' } }, { serverId: 's2', patch: { instanceType: 'r6i.large' } }] });
    expect([doc.planning.launchSettings.s1!.instanceType, doc.planning.launchSettings.s2!.instanceType]).toEqual(['m6i.large', 'r6i.large']);
    expect(() => applyEdit(doc, { type: 'launchSettings.setEach', entries: [{ serverId: 'nope', patch: {} }] })).toThrow(/not in the inventory/);
  });
});
