// Drives `mwb assess` through runCli with the demo estate as a project file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { runMwb as cli } from '../../../helpers/cli';
import { loadDemo } from '../../../helpers/plan-fixtures';
import { readXlsx } from '../../../../main/services/inventory/xlsx.reader';

let dir: string;
let project: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-cli-assess-'));
  process.env.MWB_HOME = path.join(dir, 'home');
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(loadDemo()));
});
afterAll(async () => {
  delete process.env.MWB_HOME;
  await rm(dir, { recursive: true, force: true });
});

describe('mwb assess', () => {
  it('--json prints per-server readiness, findings, proposed type and monthly cost, and the totals', async () => {
    const before = await readFile(project, 'utf8');
    const r = await cli(['assess', '--project', project, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.servers).toHaveLength(250);
    const db = out.servers.find((s: { name: string }) => s.name === 'SHOP-DB01');
    expect(db).toMatchObject({ readiness: 'ready', approach: 'rehost-block', costed: true });
    expect(db.proposedType).toMatch(/\./);
    expect(db.monthlyUsd).toBeGreaterThan(0);
    const sum = out.servers.reduce((n: number, s: { monthlyUsd: number }) => n + s.monthlyUsd, 0);
    expect(out.totals.estate.monthlyUsd).toBeCloseTo(sum, 1);
    expect(out.servers.some((s: { findings: unknown[] }) => s.findings.length > 0)).toBe(true);
    expect(out.assumptions.region).toBe('us-east-1');
    expect(await readFile(project, 'utf8')).toBe(before); // read only
  });

  it('--region prices in another region; a region without prices is a usage error', async () => {
    const eu = JSON.parse((await cli(['assess', '--project', project, '--json', '--region', 'eu-west-1'])).stdout);
    const us = JSON.parse((await cli(['assess', '--project', project, '--json'])).stdout);
    expect(eu.assumptions.region).toBe('eu-west-1');
    expect(eu.totals.estate.monthlyUsd).not.toBe(us.totals.estate.monthlyUsd);
    const bad = await cli(['assess', '--project', project, '--region', 'mars-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--region must be one of us-east-1, eu-west-1/);
  });

  it('prints a short summary without --json', async () => {
    const r = await cli(['assess', '--project', project]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/250 servers assessed/);
    expect(r.stdout).toMatch(/Readiness: Ready \d+, Ready with conditions \d+/);
    expect(r.stdout).toMatch(/EC2 estimate for \d+ servers: \$[\d,]+\.\d\d\/month/);
  });

  it('--out writes the workbook: summary, servers, findings, volumes, costs, as values', async () => {
    const out = path.join(dir, 'report.xlsx');
    const r = await cli(['assess', '--project', project, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${out}`);
    const bytes = new Uint8Array(await readFile(out));
    const wb = readXlsx(bytes, 'report.xlsx');
    expect(wb.sheetNames).toEqual(['Summary', 'Servers', 'Findings', 'Volumes', 'Costs']);
    const servers = wb.tables.find((s) => s.name === 'Servers')!;
    expect(servers.rows.length).toBe(250);
    const zip = unzipSync(bytes);
    for (const [name, data] of Object.entries(zip)) if (name.startsWith('xl/worksheets/')) expect(strFromU8(data)).not.toContain('<f>');
    // Human labels, never internal codes.
    const text = Object.values(zip).map((d) => strFromU8(d)).join('');
    expect(text).toContain('Ready with conditions');
    expect(text).not.toMatch(/>rehost-block<|>not-ready<|>conditional</);
  });

  it('fails clearly on a missing project and on an --out that is neither .xlsx nor .pdf, writing nothing', async () => {
    const missing = await cli(['assess', '--project', path.join(dir, 'nope.mwb.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mwb assess: /);
    const txt = path.join(dir, 'r.txt');
    const bad = await cli(['assess', '--project', project, '--out', txt]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--out must name an \.xlsx or a \.pdf file/);
    await expect(stat(txt)).rejects.toThrow();
    const junk = path.join(dir, 'junk.mwb.json');
    await writeFile(junk, '{"not": "a project"}');
    const r = await cli(['assess', '--project', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr.length).toBeLessThan(400);
  });
});
