import { describe, expect, it } from 'vitest';
import { migrateProject, parseProjectText } from '../../../../../main/common/model/migrations';
import { CURRENT_SCHEMA_VERSION } from '../../../../../main/common/model/project';
import { isWorkbenchError } from '../../../../../main/common/model/errors';

const v1 = {
  format: 'migration-workbench-project',
  schemaVersion: 1,
  id: 'p1',
  name: 'Old project',
  createdAt: '2026-01-01T00:00:00Z',
  modifiedAt: '2026-01-02T00:00:00Z',
  servers: [
    {
      id: 's1',
      name: 'web01',
      source: { kind: 'manual', name: 'hand' },
      vmManager: { type: 'vsphere' },
      state: { power: 'poweredOn' },
      os: { family: 'linux', configured: 'Ubuntu 22.04' },
      firmware: { type: 'bios' },
      cpu: { vcpus: 2 },
      memoryMB: 4096,
    },
  ],
  applications: [{ id: 'a1', name: 'Shop', tiers: [['s1'], []] }],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isWorkbenchError(err) ? err.code : 'not-typed';
  }
  return undefined;
}

describe('project migrations', () => {
  it('upgrades a v1 document to the current version', () => {
    const { document, migratedFrom } = migrateProject(structuredClone(v1));
    expect(migratedFrom).toBe(1);
    expect(document.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(document.inventory.servers[0]?.memoryMiB).toBe(4096);
    expect(document.planning.applications[0]?.groups.map((g) => g.serverIds)).toEqual([['s1'], []]);
    expect(document.planning.applications[0]?.groups[0]?.name).toBe('Group 1');
    expect('servers' in document).toBe(false);
  });

  it('leaves a current document as it is', () => {
    const { document } = migrateProject(structuredClone(v1));
    const again = migrateProject(JSON.parse(JSON.stringify(document)));
    expect(again.migratedFrom).toBeUndefined();
    expect(again.document).toEqual(document);
  });

  it('refuses a future version with a typed error', () => {
    expect(codeOf(() => migrateProject({ ...v1, schemaVersion: 99 }))).toBe('file-future-version');
  });

  it('names what is wrong with a damaged, truncated or foreign file', () => {
    const text = JSON.stringify(v1);
    expect(codeOf(() => parseProjectText(text.slice(0, text.length / 2)))).toBe('file-truncated');
    expect(codeOf(() => parseProjectText(''))).toBe('file-truncated');
    expect(codeOf(() => parseProjectText('hello'))).toBe('file-not-json');
    expect(codeOf(() => parseProjectText('{"name": "x"}'))).toBe('file-not-project');
    expect(codeOf(() => parseProjectText('[1,2]'))).toBe('file-not-project');
    expect(codeOf(() => parseProjectText(JSON.stringify({ ...v1, servers: 'nope' })))).toBe('file-invalid');
  });
});
