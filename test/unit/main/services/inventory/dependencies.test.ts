import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { ProjectDocumentSchema } from '../../../../../main/common/model/project';
import { importCommand } from '../../../../../main/cli/import.command';
import { makeInventory, tempDir, writeWorkbook } from '../../../../helpers/inventory-fixtures';

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

/** Servers as Azure Migrate's import template lists them (names, IPs). */
const SERVERS = csv([
  ['*Server name', 'IP addresses', '*Cores', '*Memory (In MB)', '*OS name', 'FQDN'],
  ['WEB01', '10.0.0.11', '2', '4096', 'Ubuntu 22.04', 'web01.corp.example.com'],
  ['APP01', '10.0.0.21', '4', '8192', 'Ubuntu 22.04', ''],
  ['DB01', '10.0.0.31', '8', '32768', 'Windows Server 2019', ''],
  ['DC01', '10.0.0.2', '2', '4096', 'Windows Server 2019', ''],
]);

/** The agentless dependency export (columns as learn.microsoft.com lists them, plus Source IP that real exports carry). */
const HEAD = ['Timeslot', 'Source server name', 'Source IP', 'Source application', 'Source process', 'Destination server name', 'Destination IP', 'Destination application', 'Destination process', 'Destination port'];
const DEPS = csv([
  HEAD,
  ['11/20/2026 00:00 - 11/20/2026 06:00', 'web01.corp.example.com', '10.0.0.11', 'nginx', 'nginx', 'APP01', '10.0.0.21', 'Tomcat', 'java', '8080'],
  ['11/20/2026 06:00 - 11/20/2026 12:00', 'web01.corp.example.com', '10.0.0.11', 'nginx', 'nginx', 'APP01', '10.0.0.21', 'Tomcat', 'java', '8080'],
  ['11/20/2026 00:00 - 11/20/2026 06:00', 'app01', '10.0.0.21', 'Tomcat', 'java', '', '10.0.0.31', '', 'Unknown process', '1433'],
  ['11/20/2026 00:00 - 11/20/2026 06:00', 'APP01', '10.0.0.21', '', 'java', 'DC01', '10.0.0.2', '', 'lsass', '389'],
  ['11/20/2026 00:00 - 11/20/2026 06:00', 'APP01', '10.0.0.21', '', 'java', '', '52.1.2.3', '', '', '443'],
  ['11/20/2026 00:00 - 11/20/2026 06:00', 'APP01', '10.0.0.21', '', 'java', 'DB01', '10.0.0.31', '', '', 'https'],
]);

async function files() {
  const dir = await tempDir();
  const servers = path.join(dir, 'azure-servers.csv');
  const deps = path.join(dir, 'dependencies.csv');
  await writeFile(servers, SERVERS);
  await writeFile(deps, DEPS);
  return { dir, servers, deps };
}

describe('Azure Migrate agentless dependency export', () => {
  it('reads dependencies, folds time slots, matches endpoints by FQDN, short name and IP, and reports the rest', async () => {
    const { servers, deps } = await files();
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [servers] });
    const report = await inventory.import({ paths: [deps] });
    expect(report.files).toEqual([{ path: deps, kind: 'azure-migrate-dependencies', servers: 0 }]);
    expect(report).toMatchObject({ servers: 0, added: 0, connections: 4, connectionsAdded: 4, skippedTotal: 1 });
    expect(report.skipped[0]).toMatchObject({ file: 'dependencies.csv', row: 7, column: 'Destination port (J)', value: 'https' });
    expect(report.warnings.join('\n')).toMatch(/1 dependency endpoint match no server.*52\.1\.2\.3 ×1/);
    const doc = ProjectDocumentSchema.parse(project.document);
    const id = (n: string) => doc.inventory.servers.find((s) => s.name === n)!.id;
    const c = doc.inventory.connections;
    expect(c).toHaveLength(4);
    expect(c[0]).toMatchObject({ source: { serverId: id('WEB01'), process: 'nginx', application: 'nginx' }, destination: { serverId: id('APP01'), process: 'java' }, port: 8080, count: 2, file: 'dependencies.csv', row: 2, importId: report.importId });
    expect(c[0]!.firstSeen).toBe(new Date('11/20/2026 00:00').toISOString());
    expect(c[0]!.lastSeen).toBe(new Date('11/20/2026 12:00').toISOString());
    expect(c[1]).toMatchObject({ destination: { serverId: id('DB01'), ip: '10.0.0.31' }, port: 1433 });
    expect(c[1]!.destination.process).toBeUndefined(); // "Unknown process" is no process name
    expect(c[3]!.destination).toEqual({ ip: '52.1.2.3' });
    expect(doc.inventory.imports.at(-1)).toMatchObject({ kind: 'azure-migrate-dependencies', connections: 4 });

    // Re-importing the same export merges: nothing duplicated, counts not doubled.
    const again = await inventory.import({ paths: [deps] });
    expect(again).toMatchObject({ connections: 4, connectionsAdded: 0 });
    expect(project.document.inventory.connections).toHaveLength(4);
    expect(project.document.inventory.connections[0]!.count).toBe(2);
  });

  it('matches endpoints once the servers arrive after the dependency export', async () => {
    const { servers, deps } = await files();
    const { inventory, project } = makeInventory();
    const first = await inventory.import({ paths: [deps] });
    expect(first.warnings.join()).toMatch(/5 dependency endpoints match no server/);
    expect(project.document.inventory.connections.every((c) => !c.source.serverId)).toBe(true);
    await inventory.import({ paths: [servers] });
    expect(project.document.inventory.connections.filter((c) => c.source.serverId && c.destination.serverId)).toHaveLength(3);
  });

  it('reads the export saved as an Excel workbook, by headers in any order', async () => {
    const { dir, servers } = await files();
    const rows = DEPS.trim().split('\r\n').map((l) => l.split(','));
    const reordered = rows.map((r) => [r[9]!, ...r.slice(0, 9)]);
    const xlsx = await writeWorkbook(dir, 'deps.xlsx', { Dependencies: reordered });
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [servers] });
    const report = await inventory.import({ paths: [xlsx] });
    expect(report).toMatchObject({ connections: 4, skippedTotal: 1 });
    expect(report.skipped[0]).toMatchObject({ sheet: 'Dependencies', column: 'Destination port (A)' });
    expect(project.document.inventory.connections[0]!.port).toBe(8080);
  });

  it('reads every dependency CSV of a zip (one export per appliance), with the member named in provenance', async () => {
    const { dir, servers } = await files();
    const lines = DEPS.trim().split('\r\n');
    const zip = path.join(dir, 'exports.zip');
    await writeFile(zip, zipSync({ 'appliance-a.csv': strToU8([lines[0], lines[1], lines[2]].join('\r\n')), 'appliance-b.csv': strToU8([lines[0], lines[3], lines[4]].join('\r\n')) }));
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [servers] });
    const report = await inventory.import({ paths: [zip] });
    expect(report).toMatchObject({ connections: 3, skippedTotal: 0 });
    expect(project.document.inventory.connections.map((c) => [c.file, c.port])).toEqual([['exports.zip/appliance-a.csv', 8080], ['exports.zip/appliance-b.csv', 1433], ['exports.zip/appliance-b.csv', 389]]);
  });

  it('bad input: no usable row, a duplicated key column, or a file without a port column changes nothing', async () => {
    const { dir, servers } = await files();
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [servers] });
    const cases: [string, string, string, RegExp][] = [
      ['bad-ports.csv', csv([HEAD, ['', 'A', '', '', '', 'B', '', '', '', '99999'], ['', '', '', '', '', 'B', '', '', '', '80']]), 'import-nothing-read', /No server or dependency could be read.*2 rows skipped/],
      ['dup.csv', csv([[...HEAD, 'Destination port'], ['', 'A', '', '', '', 'B', '', '', '', '80', '81']]), 'import-duplicate-columns', /"Destination port" appears 2 times/],
      ['noport.csv', csv([['Source server name', 'Destination server name'], ['A', 'B']]), 'import-unrecognized', /not an inventory export the workbench reads/],
      ['header-only.csv', csv([HEAD]), 'import-empty', /no dependencies/],
    ];
    for (const [name, text, code, message] of cases) {
      await writeFile(path.join(dir, name), text);
      const before = project.document;
      const err = await inventory.import({ paths: [path.join(dir, name)] }).catch((e: unknown) => e);
      expect(isWorkbenchError(err), `${name}: ${String(err)}`).toBe(true);
      expect((err as { code: string }).code, name).toBe(code);
      expect((err as Error).message).toMatch(message);
      expect(project.document).toBe(before);
    }
  });

  it('mwb import --json counts the dependencies', async () => {
    const { dir, servers, deps } = await files();
    const projectFile = path.join(dir, 'p.mwb.json');
    let stdout = '';
    const stderr = new PassThrough();
    expect(await importCommand([servers, deps], { project: projectFile, json: true, dataDir: dir }, { stdout: (s) => (stdout += s), stderr })).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ servers: 4, added: 4, connections: 4, connectionsAdded: 4, connectionsInProject: 4 });
    const saved = ProjectDocumentSchema.parse(JSON.parse(await readFile(projectFile, 'utf8')));
    expect(saved.inventory.connections.filter((c) => c.source.serverId && c.destination.serverId)).toHaveLength(3);
  });
});
