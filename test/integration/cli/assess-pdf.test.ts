import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/temp-dir';
import { loadDemo } from '../../helpers/plan-fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

/* `mwb assess --out report.pdf` as a user runs it (the built CLI, Debian's Chromium printing the report page). */
describe('mwb assess --out report.pdf (built CLI)', () => {
  it('prints the report with its charts to PDF, with the region override, and leaves the project untouched', async () => {
    const dir = await tempDir('mwb-assess-pdf-');
    try {
      const project = path.join(dir, 'estate.mwb.json');
      const text = JSON.stringify(loadDemo());
      await writeFile(project, text);
      const out = path.join(dir, 'report.pdf');
      const r = await run(process.execPath, [path.join(ROOT, 'out/main/cli.mjs'), 'assess', '--project', project, '--region', 'eu-west-1', '--out', out], { cwd: ROOT, timeout: 170_000, env: { ...process.env, MWB_HOME: path.join(dir, 'home') } });
      expect(r.stderr).toContain(`wrote ${out}`);
      expect(r.stdout).toContain('eu-west-1');
      const pdf = await readFile(out);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // Several pages: summary, charts, costs, findings (a page that never loaded prints as one small page).
      expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
      expect(pdf.length).toBeGreaterThan(50_000);
      expect(await readFile(project, 'utf8')).toBe(text);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
