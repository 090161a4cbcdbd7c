import { describe, expect, it } from 'vitest';
import { assessProject } from '../../../../../main/common/assess/assess';
import { importedWaveNames, waveDates, waveLanes, waveOfApplication } from '../../../../../main/common/assess/waves';
import { applyEdit } from '../../../../../main/common/model/edits';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { docWithServers, loadDemo, makeServer } from '../../../../helpers/plan-fixtures';
import { loadReference } from '../../../../helpers/assess-fixtures';

const ref = loadReference();

function planned(): ProjectDocument {
  let doc = docWithServers(4);
  // s4 is bigger and blocked (a shared disk), so sums and readiness are not all the same value.
  doc = { ...doc, inventory: { ...doc.inventory, servers: [...doc.inventory.servers.slice(0, 3), makeServer('s4', { cpu: { vcpus: 8 }, memoryMiB: 32768, disks: [{ label: 'Hard disk 1', capacityMiB: 1024 * 1024, shared: true }] })] } };
  doc = applyEdit(doc, { type: 'wave.create', waveId: 'w1', name: 'Pilot' });
  doc = applyEdit(doc, { type: 'wave.create', waveId: 'w2', name: 'Main' });
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'Shop', waveId: 'w2', groups: [{ id: 'g1', name: 'All', serverIds: ['s1', 's4'] }] });
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a2', name: 'HR', waveId: 'w2', groups: [{ id: 'g2', name: 'All', serverIds: ['s2'] }] });
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a3', name: 'Wiki', groups: [{ id: 'g3', name: 'All', serverIds: ['s3'] }] });
  return doc;
}

describe('wave lanes', () => {
  it('lists waves in plan order with their applications and sizes, then the applications in no wave', () => {
    const lanes = waveLanes(planned());
    expect(lanes.map((l) => [l.wave?.name ?? null, l.number, l.applications.map((a) => a.name)])).toEqual([
      ['Pilot', 1, []],
      ['Main', 2, ['Shop', 'HR']],
      [null, null, ['Wiki']],
    ]);
    expect(lanes[1]!.totals).toMatchObject({ applications: 2, servers: 3, vcpu: 2 + 8 + 2, memoryGiB: 8 + 32 + 8, monthlyUsd: null });
    expect(lanes[1]!.totals.storageTiB).toBeCloseTo((50 + 1024 + 50) / 1024, 2);
    expect(lanes[0]!.totals).toMatchObject({ applications: 0, servers: 0, vcpu: 0, storageTiB: 0 });
  });

  it('takes readiness and monthly cost from the assessment, equal to its per-wave totals', () => {
    const doc = planned();
    const result = assessProject(doc, ref);
    const lanes = waveLanes(doc, result);
    const main = lanes[1]!.totals;
    expect(main.readiness['not-ready']).toBe(1);
    expect(main.readiness.ready + main.readiness.conditional + main.readiness.unknown + main.readiness['not-ready']).toBe(3);
    expect(main.monthlyUsd).toBe(result.byWave.find((w) => w.id === 'w2')!.monthlyUsd);
    expect(main.monthlyUsd).toBeGreaterThan(0);
  });

  it('agrees with the assessment on the demo estate for every wave', () => {
    const doc = loadDemo();
    const result = assessProject(doc, ref);
    const lanes = waveLanes(doc, result);
    for (const w of result.byWave) {
      const lane = lanes.find((l) => l.wave?.id === w.id)!;
      expect(lane.totals.servers, w.name).toBe(w.servers);
      expect(lane.totals.monthlyUsd, w.name).toBeCloseTo(w.monthlyUsd, 1);
    }
  });

  it('counts an application whose wave was removed behind its back as in no wave', () => {
    const doc = planned();
    const broken = { ...doc, planning: { ...doc.planning, waves: doc.planning.waves.filter((w) => w.id !== 'w2') } };
    expect(waveLanes(broken).at(-1)!.applications.map((a) => a.name)).toEqual(['Shop', 'HR', 'Wiki']);
  });

  it('names an application\'s wave, its number and its neighbours', () => {
    const doc = planned();
    expect(waveOfApplication(doc, doc.planning.applications[0]!)).toMatchObject({ number: 2, of: 2, others: ['HR'], wave: { name: 'Main' } });
    expect(waveOfApplication(doc, doc.planning.applications[2]!)).toBeNull();
  });

  it('writes wave dates as days', () => {
    expect(waveDates({ startDate: '2027-03-01', endDate: '2027-03-14' })).toBe('1 Mar 2027 – 14 Mar 2027');
    expect(waveDates({ startDate: '2027-03-01' })).toBe('from 1 Mar 2027');
    expect(waveDates({ endDate: '2027-03-14' })).toBe('until 14 Mar 2027');
    expect(waveDates({})).toBe('');
  });

  it('finds wave names imported as server tags that are not waves yet, with the applications wholly in them', () => {
    let doc = planned();
    const tag = (id: string, wave: string) => ({ ...doc.inventory.servers.find((s) => s.id === id)!, tags: { wave } });
    doc = { ...doc, inventory: { ...doc.inventory, servers: [tag('s1', 'Main'), tag('s2', 'Wave 7'), tag('s3', 'wave 7 '), tag('s4', 'Wave 8')] } };
    // "Main" exists; a3 (Wiki, in no wave) has all its servers tagged "wave 7"; a1 and a2 have waves already.
    expect(importedWaveNames(doc)).toEqual([
      { name: 'Wave 7', applicationIds: ['a3'] },
      { name: 'Wave 8', applicationIds: [] },
    ]);
  });
});
