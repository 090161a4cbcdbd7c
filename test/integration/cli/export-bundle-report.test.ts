import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/temp-dir';
import { loadDemo } from '../../helpers/plan-fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

/* `mwb export bundle` as a user runs it (the built CLI): the bundle carries the assessment report, PDF by Debian's Chromium. */
describe('mwb export bundle with the assessment report (built CLI)', () => {
  it('writes the workbook and the printed PDF; without Chromium the manifest says the PDF was left out and why', async () => {
    const dir = await tempDir('mwb-bundle-report-');
    try {
      const project = path.join(dir, 'estate.mwb.json');
      await writeFile(project, JSON.stringify(loadDemo()));
      const args = (out: string) => [path.join(ROOT, 'out/main/cli.mjs'), 'export', 'bundle', '--project', project, '--app', 'WebShop', '--account', '111122223333', '--region', 'eu-west-1', '--out', out];
      const env = { ...process.env, MWB_HOME: path.join(dir, 'home') };

      const out = path.join(dir, 'bundle');
      const r = await run(process.execPath, args(out), { cwd: ROOT, timeout: 170_000, env });
      expect(r.stdout).toContain(`wrote ${path.join(out, 'assessment', 'assessment-report.pdf')}`);
      const pdf = await readFile(path.join(out, 'assessment', 'assessment-report.pdf'));
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
      const xlsx = await readFile(path.join(out, 'assessment', 'assessment-report.xlsx'));
      expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
      const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ omitted: [], reportPrintedBy: 'Chromium (headless)' });

      const without = path.join(dir, 'without');
      await run(process.execPath, args(without), { cwd: ROOT, timeout: 170_000, env: { ...env, MWB_CHROMIUM: path.join(dir, 'no-chromium-here') } });
      const m2 = JSON.parse(await readFile(path.join(without, 'manifest.json'), 'utf8'));
      expect(m2.omitted).toEqual([{ path: 'assessment/assessment-report.pdf', reason: `PDF needs Chromium at ${path.join(dir, 'no-chromium-here')} (apt-get install chromium, or set MWB_CHROMIUM).` }]);
      await expect(readFile(path.join(without, 'assessment', 'assessment-report.pdf'))).rejects.toThrow();
      expect((await readFile(path.join(without, 'assessment', 'assessment-report.xlsx'))).length).toBeGreaterThan(1000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 360_000);
});
