import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importCommand } from '../../../../main/cli/import.command';
import { ProjectDocumentSchema } from '../../../../main/common/model/project';
import { sample, tempDir } from '../../../helpers/inventory-fixtures';

async function run(files: string[], opts: { project: string; json?: boolean }, dataDir: string) {
  let stdout = '';
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await importCommand(files, { ...opts, dataDir }, { stdout: (s) => (stdout += s), stderr });
  return { code, stdout, stderr: err };
}

describe('mwb import', () => {
  it('creates the project, imports, saves, and prints a JSON summary; re-import updates in place', async () => {
    const dir = await tempDir();
    const project = path.join(dir, 'estate');
    const r1 = await run([sample('rvtools_mjvincent_rvtools-small-complete.xlsx')], { project, json: true }, dir);
    expect(r1.code).toBe(0);
    const summary = JSON.parse(r1.stdout);
    expect(summary).toMatchObject({ project: `${project}.mwb.json`, servers: 3, added: 3, updated: 0, skipped: [], warnings: [] });
    const saved = ProjectDocumentSchema.parse(JSON.parse(await readFile(`${project}.mwb.json`, 'utf8')));
    expect(saved.inventory.servers.map((s) => s.name)).toEqual(['sample-web-01', 'sample-db-01', 'sample-archive-01']);
    expect(saved.inventory.imports).toHaveLength(1);

    const r2 = await run([sample('rvtools_mjvincent_rvtools-small-complete.xlsx')], { project: `${project}.mwb.json`, json: true }, dir);
    expect(JSON.parse(r2.stdout)).toMatchObject({ servers: 3, added: 0, unchanged: 3, totalInProject: 3 });
  });

  it('exits non-zero when nothing could be read, and leaves the project file as it was', async () => {
    const dir = await tempDir();
    const project = path.join(dir, 'p.mwb.json');
    await run([sample('cmf_intake_test_valid.csv')], { project }, dir);
    const before = await readFile(project);
    const r = await run([sample('sms_get-servers_empty-catalog_response.json')], { project, json: true }, dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('import-empty');
    expect(r.stderr).toContain('lists no servers');
    expect(await readFile(project)).toEqual(before);
  });

  it('prints skipped rows with file, row, column, value and reason', async () => {
    const dir = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'az.csv'), '*Server name,*Cores,*Memory (In MB),*OS name\nok,2,4096,Windows\nbad,two,4096,Linux\n');
    const r = await run([path.join(dir, 'az.csv')], { project: path.join(dir, 'p') }, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Imported 2 servers');
    expect(r.stdout).toContain('skipped: az.csv row 3 column *Cores (B) value "two": Cores is not a non-negative number; left empty');
  });
});
