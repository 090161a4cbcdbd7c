import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { writeXlsx } from '../../../../../main/services/inventory/xlsx.writer';
import { generateRvtools } from '../../../../helpers/rvtools-generator';
import { makeInventory, tempDir } from '../../../../helpers/inventory-fixtures';
import type { TaskProgress } from '../../../../../main/common/ipc/events';

describe('import progress and cancel', () => {
  it('reports progress while reading a 3,000-VM export, and a cancel leaves the project unchanged', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'big.xlsx');
    await writeFile(file, writeXlsx(generateRvtools(3000)));

    const ok = makeInventory();
    const seen: TaskProgress[] = [];
    ok.events.subscribe((e, p) => e === 'task.progress' && seen.push(p as TaskProgress));
    const report = await ok.inventory.import({ paths: [file], taskId: 't1' });
    expect(report.servers).toBe(3000);
    expect(seen.some((p) => p.state === 'running' && p.message?.startsWith('Reading big.xlsx: sheet vDisk'))).toBe(true);
    expect(seen.some((p) => p.state === 'running' && p.message?.startsWith('Joining') && p.total !== null && p.done > 0)).toBe(true);
    expect(seen.at(-1)?.state).toBe('done');

    const { inventory, project, tasks, events } = makeInventory();
    const before = project.document;
    events.subscribe((e, p) => {
      const pr = p as TaskProgress;
      if (e === 'task.progress' && pr.state === 'running' && pr.message?.startsWith('Joining') && pr.done > 0) tasks.cancel('t2');
    });
    const err = await inventory.import({ paths: [file], taskId: 't2' }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'cancelled')).toBe(true);
    expect(project.document).toBe(before);
    expect(project.meta().canUndo).toBe(false);
  }, 90_000); // two reads of a 3,000-VM workbook: about 6 s on a quiet machine, several times that on a loaded CI
});
