import { describe, expect, it } from 'vitest';
import { applyEdit, ProjectEditSchema } from '../../../../../main/common/model/edits';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { parseProjectText } from '../../../../../main/common/model/migrations';

const serializeProject = (doc: ProjectDocument) => JSON.stringify(doc, null, 2);
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { docWithServers } from '../../../../helpers/plan-fixtures';

function planned(): ProjectDocument {
  let doc = docWithServers(4);
  doc = applyEdit(doc, { type: 'wave.create', waveId: 'w1', name: 'Wave 1' });
  doc = applyEdit(doc, { type: 'wave.create', waveId: 'w2', name: 'Wave 2' });
  doc = applyEdit(doc, { type: 'wave.create', waveId: 'w3', name: 'Wave 3' });
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'Shop', waveId: 'w1', groups: [{ id: 'g1', name: 'All', serverIds: ['s1', 's2'] }] });
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a2', name: 'HR', groups: [{ id: 'g2', name: 'All', serverIds: ['s3'] }] });
  return doc;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isWorkbenchError(err) ? err.code : 'not-typed';
  }
  return undefined;
}

describe('wave edits', () => {
  it('sets and clears dates; refuses an end before the start, leaving the document as it was', () => {
    const doc = planned();
    const dated = applyEdit(doc, { type: 'wave.update', waveId: 'w1', patch: { startDate: '2027-03-01', endDate: '2027-03-14' } });
    expect(dated.planning.waves[0]).toMatchObject({ id: 'w1', name: 'Wave 1', startDate: '2027-03-01', endDate: '2027-03-14' });
    const cleared = applyEdit(dated, { type: 'wave.update', waveId: 'w1', patch: { endDate: null, name: 'Pilot' } });
    expect(cleared.planning.waves[0]).toEqual({ id: 'w1', name: 'Pilot', description: '', startDate: '2027-03-01' });
    const before = JSON.stringify(dated);
    expect(codeOf(() => applyEdit(dated, { type: 'wave.update', waveId: 'w1', patch: { endDate: '2027-02-28' } }))).toBe('invalid-input');
    expect(JSON.stringify(dated)).toBe(before);
    expect(codeOf(() => applyEdit(dated, { type: 'wave.update', waveId: 'nope', patch: { name: 'x' } }))).toBe('not-found');
  });

  it('checks dates at the boundary: only calendar days in YYYY-MM-DD', () => {
    const ok = ProjectEditSchema.safeParse({ type: 'wave.update', waveId: 'w1', patch: { startDate: '2028-02-29' } });
    expect(ok.success).toBe(true);
    for (const bad of ['2027-02-29', '2027-13-01', '1 March 2027', '2027-3-1', '2027-03-01T00:00:00Z']) {
      expect(ProjectEditSchema.safeParse({ type: 'wave.update', waveId: 'w1', patch: { startDate: bad } }).success, bad).toBe(false);
    }
    expect(ProjectEditSchema.safeParse({ type: 'wave.update', waveId: 'w1', patch: { colour: 'red' } }).success).toBe(false);
  });

  it('reorders waves (clamped), keeping every wave once', () => {
    const doc = planned();
    expect(applyEdit(doc, { type: 'wave.move', waveId: 'w3', toIndex: 0 }).planning.waves.map((w) => w.id)).toEqual(['w3', 'w1', 'w2']);
    expect(applyEdit(doc, { type: 'wave.move', waveId: 'w1', toIndex: 99 }).planning.waves.map((w) => w.id)).toEqual(['w2', 'w3', 'w1']);
    expect(codeOf(() => applyEdit(doc, { type: 'wave.move', waveId: 'w9', toIndex: 0 }))).toBe('not-found');
  });

  it('moves applications between waves and out of every wave', () => {
    const doc = planned();
    const moved = applyEdit(doc, { type: 'applications.setWave', applicationIds: ['a1', 'a2'], waveId: 'w2' });
    expect(moved.planning.applications.map((a) => a.waveId)).toEqual(['w2', 'w2']);
    const out = applyEdit(moved, { type: 'applications.setWave', applicationIds: ['a1'], waveId: null });
    expect('waveId' in out.planning.applications[0]!).toBe(false);
    expect(codeOf(() => applyEdit(doc, { type: 'applications.setWave', applicationIds: ['a1'], waveId: 'w9' }))).toBe('not-found');
    expect(codeOf(() => applyEdit(doc, { type: 'applications.setWave', applicationIds: ['zz'], waveId: 'w1' }))).toBe('not-found');
  });

  it('creates several waves with their applications in one edit', () => {
    const doc = planned();
    const next = applyEdit(doc, { type: 'waves.createMany', waves: [{ waveId: 'w4', name: 'Imported A', applicationIds: ['a2'] }, { waveId: 'w5', name: 'Imported B', applicationIds: [] }] });
    expect(next.planning.waves.map((w) => w.name)).toEqual(['Wave 1', 'Wave 2', 'Wave 3', 'Imported A', 'Imported B']);
    expect(next.planning.applications.find((a) => a.id === 'a2')!.waveId).toBe('w4');
    expect(codeOf(() => applyEdit(doc, { type: 'waves.createMany', waves: [{ waveId: 'w1', name: 'Dup', applicationIds: [] }] }))).toBe('invalid-input');
  });

  it('keeps a document without wave dates byte-identical on round trip, and reads dates back', () => {
    const doc = planned();
    const text = serializeProject(doc);
    expect(serializeProject(parseProjectText(text).document)).toBe(text);
    expect(text).not.toContain('startDate');
    const dated = applyEdit(doc, { type: 'wave.update', waveId: 'w2', patch: { startDate: '2027-04-01', endDate: '2027-04-15' } });
    expect(parseProjectText(serializeProject(dated)).document.planning.waves[1]).toMatchObject({ startDate: '2027-04-01', endDate: '2027-04-15' });
  });

  it('refuses a project file whose wave date is not a day, with a typed error', () => {
    const doc = applyEdit(planned(), { type: 'wave.update', waveId: 'w1', patch: { startDate: '2027-03-01' } });
    const text = serializeProject(doc).replace('"2027-03-01"', '"next Tuesday"');
    expect(codeOf(() => parseProjectText(text))).toBe('file-invalid');
  });
});
