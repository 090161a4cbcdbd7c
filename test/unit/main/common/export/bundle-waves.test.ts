import { describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { cmfIntakeCsv, runbookMarkdown } from '../../../../../main/common/export/bundle';
import { buildCloudFormation } from '../../../../../main/common/export/cloudformation.builder';
import { withProjectDefaults } from '../../../../../main/common/assess/project-defaults';
import { applyEdit } from '../../../../../main/common/model/edits';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { loadDemo } from '../../../../helpers/plan-fixtures';

function runbook(doc: ProjectDocument, appId: string): string {
  const e = withProjectDefaults(doc);
  const app = e.planning.applications.find((a) => a.id === appId)!;
  const templates = buildCloudFormation(e, app.id, { format: 'yaml', waitStrategy: 'depends-on' });
  return runbookMarkdown({ doc: e, app, templates, reports: [], options: { format: 'yaml', waitStrategy: 'depends-on' } });
}

function cmf(doc: ProjectDocument, appId: string): Record<string, string>[] {
  const e = withProjectDefaults(doc);
  return parseCsv(cmfIntakeCsv(e, e.planning.applications.find((a) => a.id === appId)!), { columns: true, bom: true }) as Record<string, string>[];
}

/** The demo with its waves planned on the board: wave 3 moved first, dated, SharePoint joining it. */
function planned(): ProjectDocument {
  let doc = loadDemo();
  doc = applyEdit(doc, { type: 'wave.move', waveId: 'wave-3', toIndex: 0 });
  doc = applyEdit(doc, { type: 'wave.update', waveId: 'wave-3', patch: { name: 'Finance first', startDate: '2027-03-01', endDate: '2027-03-14' } });
  doc = applyEdit(doc, { type: 'applications.setWave', applicationIds: ['app-sharepoint'], waveId: 'wave-3' });
  return doc;
}

describe('the hand-off files follow the wave plan', () => {
  it('the runbook names the wave, its place in the plan, its dates and the applications moving with it', () => {
    const before = runbook(loadDemo(), 'app-payroll');
    expect(before).toContain('moves in wave 3 of 3, **Wave 3 — finance**, no dates set yet.');
    const md = runbook(planned(), 'app-payroll');
    expect(md).toContain('Wave: 1 of 3, Finance first (1 Mar 2027 – 14 Mar 2027).');
    expect(md).toContain('Payroll moves in wave 1 of 3, **Finance first**, 1 Mar 2027 – 14 Mar 2027.');
    expect(md).toContain('Moving in the same wave: SharePoint Farm.');
    // The whole plan in order, this wave marked.
    const table = md.slice(md.indexOf('| Wave | Name |'), md.indexOf('## Contents'));
    expect(table.trim().split('\n').slice(2)).toEqual([
      '| **1** | **Finance first** | 2027-03-01 | 2027-03-14 | SharePoint Farm, Payroll |',
      '| 2 | Wave 1 — pilot |  |  | WebShop |',
      '| 3 | Wave 2 — collaboration |  |  |  |',
    ]);
  });

  it('the runbook says when an application is in no wave yet', () => {
    const doc = applyEdit(loadDemo(), { type: 'applications.setWave', applicationIds: ['app-webshop'], waveId: null });
    const md = runbook(doc, 'app-webshop');
    expect(md).toContain('WebShop is not in a wave yet');
    expect(md).not.toMatch(/^Project: .*Wave:/m);
  });

  it('the CMF intake form carries the wave name and its dates in CMF\'s wave attributes', () => {
    const rows = cmf(planned(), 'app-sharepoint');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.wave_name === 'Finance first' && r.wave_start_time === '2027-03-01' && r.wave_end_time === '2027-03-14')).toBe(true);
    const undated = cmf(loadDemo(), 'app-webshop');
    expect(undated.every((r) => r.wave_name === 'Wave 1 — pilot' && r.wave_start_time === '' && r.wave_end_time === '')).toBe(true);
    expect(Object.keys(undated[0]!).slice(0, 4)).toEqual(['wave_name', 'wave_start_time', 'wave_end_time', 'app_name']);
  });
});
