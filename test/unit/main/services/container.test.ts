import { afterEach, describe, expect, it, vi } from 'vitest';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createServices } from '../../../../main/services/container';
import { CfnValidatorService } from '../../../../main/services/cfn-validator.service';
import { MemorySettingsStore } from '../../../../main/platform/settings';
import { silentLogger } from '../../../../main/platform/logger';
import { tempDir } from '../../../helpers/temp-dir';

const dirs: string[] = [];
const graph = async (cfnValidator?: CfnValidatorService) => {
  const dir = await tempDir('mwb-container-');
  dirs.push(dir);
  return createServices({ shell: 'browser', settings: new MemorySettingsStore(), logger: silentLogger, dataDir: path.join(dir, 'appdata'), ...(cfnValidator ? { cfnValidator } : {}) });
};

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('createServices: the CloudFormation validator', () => {
  it('builds its own validator and disposes it with the graph', async () => {
    const dispose = vi.spyOn(CfnValidatorService.prototype, 'dispose');
    const a = await graph();
    const b = await graph();
    expect(a.cfnValidator).toBeInstanceOf(CfnValidatorService);
    expect(a.cfnValidator).not.toBe(b.cfnValidator);
    a.dispose();
    expect(dispose.mock.contexts).toEqual([a.cfnValidator]);
    b.dispose();
  });

  it('uses a validator the caller owns, for the export service too, and leaves it running when the graph is disposed', async () => {
    const shared = new CfnValidatorService();
    const dispose = vi.spyOn(shared, 'dispose');
    const validate = vi.spyOn(shared, 'validate').mockRejectedValue(new Error('validated by the shared engine'));
    const a = await graph(shared);
    const b = await graph(shared);
    expect(a.cfnValidator).toBe(shared);
    expect(b.cfnValidator).toBe(shared);
    a.dispose();
    // The other graph's exporter still validates through the shared validator.
    await b.project.openDemo();
    const app = b.project.document!.planning.applications[0]!;
    await expect(b.exporter.preview({ applicationId: app.id, format: 'yaml', waitStrategy: 'depends-on' })).rejects.toThrow('validated by the shared engine');
    expect(validate).toHaveBeenCalled();
    b.dispose();
    expect(dispose).not.toHaveBeenCalled();
    shared.dispose();
  });
});
