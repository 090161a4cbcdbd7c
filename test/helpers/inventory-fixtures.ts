import { zipSync, strToU8 } from 'fflate';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeXlsx, type OutCell } from '../../main/services/inventory/xlsx.writer';
import { ProjectStore } from '../../main/services/project-store.service';
import { TaskService } from '../../main/services/tasks.service';
import { InventoryService } from '../../main/services/inventory/inventory.service';
import { EventHub } from '../../main/platform/events';
import { MemorySettingsStore } from '../../main/platform/settings';
import { silentLogger } from '../../main/platform/logger';

import { sharedPath } from './shared';

export const sample = (name: string) => path.join(process.env.MWB_SAMPLES ?? sharedPath('samples'), name);

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'mwb-inv-'));
}

/** Writes a workbook of the given sheets (first row = headers) and returns its path. */
export async function writeWorkbook(dir: string, name: string, sheets: Record<string, OutCell[][]>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, writeXlsx(Object.entries(sheets).map(([n, rows]) => ({ name: n, rows }))));
  return file;
}

/** A workbook whose single sheet XML is given verbatim (formulas, odd cells). */
export function rawWorkbook(sheetName: string, sheetXml: string, sharedStrings?: string[]): Uint8Array {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'xl/workbook.xml': strToU8(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetXml}</sheetData></worksheet>`),
  };
  if (sharedStrings) files['xl/sharedStrings.xml'] = strToU8(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${sharedStrings.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`);
  return zipSync(files);
}

export function makeInventory() {
  const events = new EventHub();
  const tasks = new TaskService(events);
  const project = new ProjectStore({ settings: new MemorySettingsStore(), events, logger: silentLogger, demoPath: '/nonexistent', recoveryDir: path.join(os.tmpdir(), 'mwb-recovery-test') });
  const inventory = new InventoryService({ project, tasks });
  return { events, tasks, project, inventory };
}
