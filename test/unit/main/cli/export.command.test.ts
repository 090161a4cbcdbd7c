// Drives `mwb export …` through runCli, with the real validator and real files. Each in-process command builds its
// own services; they share one real validator engine (helpers/shared-cfn-validator.ts), which starts once per file.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runMwb as cli } from '../../../helpers/cli';
import { loadDemo } from '../../../helpers/plan-fixtures';
import { applyEdit } from '../../../../main/common/model/edits';
import { disposeSharedCfnValidator } from '../../../helpers/shared-cfn-validator';

vi.mock('../../../../main/services/cfn-validator.service', async (importOriginal) => (await import('../../../helpers/shared-cfn-validator')).withSharedCfnValidator(await importOriginal()));

let dir: string;
let project: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-cli-export-'));
  process.env.MWB_HOME = path.join(dir, 'home');
  project = path.join(dir, 'estate.mwb.json');
  await writeFile(project, JSON.stringify(applyEdit(loadDemo(), { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } })));
});
afterAll(async () => {
  disposeSharedCfnValidator();
  delete process.env.MWB_HOME;
  await rm(dir, { recursive: true, force: true });
});

// The first export starts AWS's CloudFormation validator (seconds on a quiet machine, more under load): a generous limit.
describe('mwb export', { timeout: 120_000 }, () => {
  it('cloudformation: writes a validated YAML template of the named application', async () => {
    const out = path.join(dir, 'webshop.yaml');
    const r = await cli(['export', 'cloudformation', '--project', project, '--app', 'WebShop', '--out', out]);
    expect(r.stderr).toContain('has no AMI yet');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(r.stdout).toMatch(/webshop\.cfn\.yaml: valid \(@aws\/cloudformation-validate/);
    expect(parseYaml(await readFile(out, 'utf8')).Resources.SHOPDB01.Type).toBe('AWS::EC2::Instance');
  });

  it('cloudformation --format json --wait wait-condition', async () => {
    const out = path.join(dir, 'webshop.json');
    const r = await cli(['export', 'cloudformation', '--project', project, '--app', 'app-webshop', '--format', 'json', '--wait', 'wait-condition', '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).Resources.LaunchGroup1ReadyHandle.Type).toBe('AWS::CloudFormation::WaitConditionHandle');
  });

  it('exits non-zero with the reasons when the plan is not exportable, writing nothing', async () => {
    const out = path.join(dir, 'payroll.yaml');
    const r = await cli(['export', 'cloudformation', '--project', project, '--app', 'payroll', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Payroll cannot be exported yet:\n- PAY-DB01 has no instance type/);
    await expect(stat(out)).rejects.toThrow();
  });

  it('without a target account and Region it refuses; --account and --region supply them for the run', async () => {
    const bare = path.join(dir, 'bare.mwb.json');
    await writeFile(bare, JSON.stringify(loadDemo()));
    const out = path.join(dir, 'bare.yaml');
    const r = await cli(['export', 'cloudformation', '--project', bare, '--app', 'WebShop', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/WebShop has no target AWS account[\s\S]*WebShop has no target AWS Region/);
    await expect(stat(out)).rejects.toThrow();
    const ok = await cli(['export', 'cloudformation', '--project', bare, '--app', 'WebShop', '--account', '111122223333', '--region', 'eu-west-1', '--out', out]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(await readFile(bare, 'utf8')).planning.defaults).toBeUndefined();
  });

  it('exits non-zero for an unknown application or a bad option', async () => {
    const r = await cli(['export', 'cloudformation', '--project', project, '--app', 'Nope', '--out', path.join(dir, 'x.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No application named "Nope".*WebShop, SharePoint Farm, Payroll/);
    const bad = await cli(['export', 'cloudformation', '--project', project, '--app', 'WebShop', '--format', 'xml', '--out', path.join(dir, 'x.yaml')]);
    expect(bad.code).toBe(2);
  });

  it('bundle: writes the hand-off folder', async () => {
    const out = path.join(dir, 'handoff');
    const r = await cli(['export', 'bundle', '--project', project, '--app', 'WebShop', '--out', out]);
    expect(r.code).toBe(0);
    expect(await readFile(path.join(out, 'RUNBOOK.md'), 'utf8')).toContain('# Runbook: WebShop');
    expect((await stat(path.join(out, 'templates', 'webshop.cfn.yaml'))).isFile()).toBe(true);
  });
});
