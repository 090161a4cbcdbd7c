import type { ProjectDocument } from '../model/project';
import type { LaunchSettings } from '../model/planning';
import { emptyLaunchSettings, placementsByServer } from '../model/planning';
import { LaunchSettingsPatchSchema, type LaunchSettingsPatch } from '../model/planning-edits';

/**
 * Launch settings as a spreadsheet (CSV or xlsx): one row per planned server, edited in Excel and read back
 * with validation and a diff before anything changes. Only the server's own values are written (project
 * defaults are not copied into every row). Configuration scripts are not in the sheet (multi-line code does
 * not survive spreadsheets well); they stay as they are.
 */
type Kind = 'text' | 'list' | 'bool' | 'int' | 'tags';
interface Column {
  header: string;
  /** Undefined for the read-only identification columns. */
  key?: keyof LaunchSettingsPatch & keyof LaunchSettings;
  kind: Kind;
  label: string;
}

export const LAUNCH_SETTINGS_COLUMNS: readonly Column[] = [
  { header: 'server_id', kind: 'text', label: 'Server ID' },
  { header: 'server_name', kind: 'text', label: 'Server' },
  { header: 'application', kind: 'text', label: 'Application' },
  { header: 'launch_group', kind: 'text', label: 'Launch group' },
  { header: 'logical_id', key: 'logicalId', kind: 'text', label: 'Logical ID' },
  { header: 'instance_type', key: 'instanceType', kind: 'text', label: 'Instance type' },
  { header: 'ami_id', key: 'amiId', kind: 'text', label: 'AMI ID' },
  { header: 'key_name', key: 'keyName', kind: 'text', label: 'Key pair' },
  { header: 'subnet_id', key: 'subnetId', kind: 'text', label: 'Subnet' },
  { header: 'security_group_ids', key: 'securityGroupIds', kind: 'list', label: 'Security groups' },
  { header: 'test_subnet_id', key: 'testSubnetId', kind: 'text', label: 'Test subnet' },
  { header: 'test_security_group_ids', key: 'testSecurityGroupIds', kind: 'list', label: 'Test security groups' },
  { header: 'private_ip', key: 'privateIpAddress', kind: 'text', label: 'Private IP' },
  { header: 'public_ip', key: 'associatePublicIp', kind: 'bool', label: 'Public IP' },
  { header: 'elastic_ip', key: 'elasticIp', kind: 'bool', label: 'Elastic IP' },
  { header: 'iam_instance_profile', key: 'iamInstanceProfile', kind: 'text', label: 'IAM instance profile' },
  { header: 'volume_type', key: 'volumeType', kind: 'text', label: 'Volume type' },
  { header: 'volume_size_gib', key: 'volumeSizeGiB', kind: 'int', label: 'Volume size (GiB)' },
  { header: 'volume_iops', key: 'volumeIops', kind: 'int', label: 'IOPS' },
  { header: 'volume_encrypted', key: 'volumeEncrypted', kind: 'bool', label: 'Encrypted' },
  { header: 'volume_kms_key_id', key: 'volumeKmsKeyId', kind: 'text', label: 'KMS key' },
  { header: 'tenancy', key: 'tenancy', kind: 'text', label: 'Tenancy' },
  { header: 'tags', key: 'tags', kind: 'tags', label: 'Tags' },
];

export type SheetCell = string | number | boolean | null | undefined;

function cellOut(kind: Kind, v: unknown): SheetCell {
  if (v === undefined || v === null) return undefined;
  if (kind === 'list') return (v as string[]).join(';');
  if (kind === 'bool') return v ? 'yes' : 'no';
  if (kind === 'tags') return Object.entries(v as Record<string, string>).map(([k, x]) => `${k}=${x}`).join(';');
  return v as string | number;
}

/** The sheet: header row, then one row per planned server in application and launch order (or one application's). */
export function launchSettingsSheet(doc: ProjectDocument, applicationId?: string): SheetCell[][] {
  const servers = new Map(doc.inventory.servers.map((s) => [s.id, s]));
  const rows: SheetCell[][] = [LAUNCH_SETTINGS_COLUMNS.map((c) => c.header)];
  for (const app of doc.planning.applications) {
    if (applicationId && app.id !== applicationId) continue;
    for (const g of app.groups) {
      for (const id of g.serverIds) {
        const server = servers.get(id);
        if (!server) continue;
        const s = doc.planning.launchSettings[id] ?? emptyLaunchSettings();
        rows.push(LAUNCH_SETTINGS_COLUMNS.map((c) => (c.key ? cellOut(c.kind, c.key === 'tags' && Object.keys(s.tags).length === 0 ? undefined : (c.kind === 'list' && (s[c.key] as string[]).length === 0 ? undefined : s[c.key])) : c.header === 'server_id' ? id : c.header === 'server_name' ? server.name : c.header === 'application' ? app.name : g.name)));
      }
    }
  }
  return rows;
}

/** One changed value, for the preview. */
export interface LaunchSettingsChange {
  serverId: string;
  serverName: string;
  field: string;
  before: string;
  after: string;
}

/** A cell (or row) that could not be read; it is left out, the rest still applies. */
export interface LaunchSettingsSheetProblem {
  row: number;
  column?: string;
  message: string;
}

export interface LaunchSettingsImport {
  changes: LaunchSettingsChange[];
  entries: { serverId: string; patch: LaunchSettingsPatch }[];
  problems: LaunchSettingsSheetProblem[];
  /** Rows read (servers matched). */
  rows: number;
  unchanged: number;
}

const norm = (h: string) => h.toLowerCase().replace(/[^a-z0-9]+/g, '');
const SHOWN_MAX = 80;

function text(c: SheetCell): string {
  if (c === null || c === undefined) return '';
  let s = String(c).trim();
  // Our CSV writer guards formula-looking text with a leading quote; take it off again.
  if (/^'[=+\-@]/.test(s)) s = s.slice(1);
  return s;
}

function show(kind: Kind, v: unknown): string {
  const out = cellOut(kind, v);
  const s = out === undefined || out === null ? '' : String(out);
  return s.length > SHOWN_MAX ? `${s.slice(0, SHOWN_MAX)}…` : s;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Parses one cell into the patch value (`null` clears); a string return is the problem. */
function parseCell(kind: Kind, raw: string): { value: unknown } | string {
  if (raw === '') return { value: kind === 'list' ? [] : kind === 'tags' ? {} : null };
  switch (kind) {
    case 'text':
      return { value: raw };
    case 'list':
      return { value: raw.split(/[\s,;]+/).filter(Boolean) };
    case 'bool': {
      const v = raw.toLowerCase();
      if (['yes', 'y', 'true', '1'].includes(v)) return { value: true };
      if (['no', 'n', 'false', '0'].includes(v)) return { value: false };
      return `"${raw.slice(0, SHOWN_MAX)}" is not yes or no`;
    }
    case 'int': {
      const n = Number(raw);
      return Number.isInteger(n) && n > 0 ? { value: n } : `"${raw.slice(0, SHOWN_MAX)}" is not a whole number`;
    }
    case 'tags': {
      const out: Record<string, string> = {};
      for (const part of raw.split(';').map((p) => p.trim()).filter(Boolean)) {
        const i = part.indexOf('=');
        if (i <= 0) return `"${part.slice(0, SHOWN_MAX)}" is not key=value`;
        out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
      }
      return { value: out };
    }
  }
}

/**
 * Reads an edited sheet back: rows matched to servers by `server_id` (else by a unique `server_name`), every
 * editable column compared with the server's own settings. Columns missing from the sheet are left as they
 * are; an empty cell clears the value. Bad cells are reported with their row and left out.
 */
export function readLaunchSettingsSheet(doc: ProjectDocument, headers: readonly string[], rows: readonly (readonly SheetCell[])[], rowNumbers?: readonly number[]): LaunchSettingsImport {
  const problems: LaunchSettingsSheetProblem[] = [];
  const at = new Map<string, number>();
  headers.forEach((h, i) => at.set(norm(h), i));
  const col = (c: Column) => at.get(norm(c.header)) ?? at.get(norm(c.label));
  const idCol = col(LAUNCH_SETTINGS_COLUMNS[0]!);
  const nameCol = col(LAUNCH_SETTINGS_COLUMNS[1]!);
  if (idCol === undefined && nameCol === undefined) {
    return { changes: [], entries: [], problems: [{ row: 1, message: 'The sheet has neither a server_id nor a server_name column, so no row can be matched to a server.' }], rows: 0, unchanged: 0 };
  }
  const editable = LAUNCH_SETTINGS_COLUMNS.filter((c) => c.key && col(c) !== undefined);
  const byId = new Map(doc.inventory.servers.map((s) => [s.id, s]));
  const byName = new Map<string, string | null>();
  for (const s of doc.inventory.servers) byName.set(s.name.toLowerCase(), byName.has(s.name.toLowerCase()) ? null : s.id);
  const planned = placementsByServer(doc.planning);
  const changes: LaunchSettingsChange[] = [];
  const entries: LaunchSettingsImport['entries'] = [];
  const seen = new Set<string>();
  let matched = 0;
  let unchanged = 0;
  rows.forEach((cells, i) => {
    const rowNo = rowNumbers?.[i] ?? i + 2;
    if (cells.every((c) => text(c) === '')) return;
    const idText = idCol !== undefined ? text(cells[idCol]) : '';
    const nameText = nameCol !== undefined ? text(cells[nameCol]) : '';
    const byNameId = nameText ? byName.get(nameText.toLowerCase()) : undefined;
    const serverId = idText && byId.has(idText) ? idText : !idText && byNameId ? byNameId : undefined;
    if (!serverId) {
      const what = idText ? `server_id "${idText.slice(0, SHOWN_MAX)}"` : nameText ? `server "${nameText.slice(0, SHOWN_MAX)}"` : 'a row without server_id or server_name';
      problems.push({ row: rowNo, message: byNameId === null && !idText ? `${what} names more than one server: add its server_id.` : `${what} is not in this project; the row is skipped.` });
      return;
    }
    if (seen.has(serverId)) {
      problems.push({ row: rowNo, message: `${byId.get(serverId)!.name} appears twice; only its first row is used.` });
      return;
    }
    seen.add(serverId);
    if (!planned.has(serverId)) problems.push({ row: rowNo, message: `${byId.get(serverId)!.name} is not in any application; its settings are kept but not exported until it is planned.` });
    matched++;
    const current = doc.planning.launchSettings[serverId] ?? emptyLaunchSettings();
    const patch: Record<string, unknown> = {};
    const changed: { c: Column; before: unknown; after: unknown }[] = [];
    for (const c of editable) {
      const parsed = parseCell(c.kind, text(cells[col(c)!]));
      if (typeof parsed === 'string') {
        problems.push({ row: rowNo, column: c.header, message: `${c.label}: ${parsed}; the cell is skipped.` });
        continue;
      }
      const before = current[c.key!];
      const after = parsed.value === null ? undefined : parsed.value;
      // Unchanged cells hold what the project already has: nothing to check or apply.
      if (same(before, after)) continue;
      patch[c.key!] = parsed.value;
      changed.push({ c, before, after });
    }
    // One schema check per changed row; only a row that fails is checked cell by cell, to name the cell.
    if (changed.length && !LaunchSettingsPatchSchema.safeParse(patch).success) {
      for (const { c } of [...changed]) {
        const check = LaunchSettingsPatchSchema.safeParse({ [c.key!]: patch[c.key!] });
        if (check.success) continue;
        problems.push({ row: rowNo, column: c.header, message: `${c.label}: "${text(cells[col(c)!]).slice(0, SHOWN_MAX)}" is not accepted (${check.error.issues[0]?.message ?? 'invalid'}); the cell is skipped.` });
        delete patch[c.key!];
        changed.splice(changed.findIndex((x) => x.c === c), 1);
      }
    }
    for (const { c, before, after } of changed) changes.push({ serverId, serverName: byId.get(serverId)!.name, field: c.label, before: show(c.kind, before), after: show(c.kind, after) });
    if (Object.keys(patch).length) entries.push({ serverId, patch: patch as LaunchSettingsPatch });
    else unchanged++;
  });
  return { changes, entries, problems, rows: matched, unchanged };
}
