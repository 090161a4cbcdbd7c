import { z } from 'zod';
import { WorkbenchError } from './errors';
import { CURRENT_SCHEMA_VERSION, PROJECT_FORMAT, ProjectDocumentSchema, type ProjectDocument } from './project';

/**
 * Numbered migrations: MIGRATIONS[n] turns a version-n document into version n+1.
 * They work on plain JSON (the older shapes have no live types) and must be pure.
 */
type Json = Record<string, unknown>;
type Migration = (doc: Json) => Json;

/**
 * v1 (the first prototype) kept servers at the top level with `memoryMB`, and applications
 * with anonymous `tiers: string[][]`. v2 moves servers under `inventory`, says MiB (what
 * vSphere reports), and names the launch groups.
 */
const V1ServerSchema = z.looseObject({ memoryMB: z.number().optional() });
const V1DocSchema = z.looseObject({
  servers: z.array(V1ServerSchema).default([]),
  applications: z
    .array(z.looseObject({ id: z.string(), name: z.string(), tiers: z.array(z.array(z.string())).default([]) }))
    .default([]),
});

const v1ToV2: Migration = (input) => {
  const v1 = V1DocSchema.parse(input);
  const { servers, applications, ...rest } = v1;
  return {
    ...rest,
    schemaVersion: 2,
    inventory: {
      servers: servers.map(({ memoryMB, ...server }) => ({ ...server, memoryMiB: memoryMB ?? 0 })),
      imports: [],
    },
    planning: {
      waves: [],
      launchSettings: {},
      applications: applications.map(({ tiers, ...app }) => ({
        ...app,
        groups: tiers.map((serverIds, i) => ({ id: `${app.id}-g${i + 1}`, name: `Group ${i + 1}`, serverIds })),
      })),
    },
    verification: { records: [] },
  };
};

export const MIGRATIONS: Record<number, Migration> = { 1: v1ToV2 };

/** Turns parsed JSON of any known version into a validated current document, or throws a typed error. */
export function migrateProject(raw: unknown): { document: ProjectDocument; migratedFrom?: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WorkbenchError('file-not-project', 'This file is JSON but not a Migration Workbench project.');
  }
  let doc = raw as Json;
  if (doc.format !== PROJECT_FORMAT) {
    throw new WorkbenchError(
      'file-not-project',
      'This file is not a Migration Workbench project (it has no "format": "migration-workbench-project").',
    );
  }
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new WorkbenchError('file-invalid', 'The project file has no valid schemaVersion.');
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new WorkbenchError(
      'file-future-version',
      `This project was saved by a newer Migration Workbench (file version ${version}, this app reads up to ${CURRENT_SCHEMA_VERSION}). Update the app to open it; the file was left untouched.`,
      { version, supported: CURRENT_SCHEMA_VERSION },
    );
  }
  for (let v = version; v < CURRENT_SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new WorkbenchError('internal', `No migration from project version ${v}.`);
    try {
      doc = step(doc);
    } catch (err) {
      throw new WorkbenchError('file-invalid', `The version ${v} project could not be upgraded: ${String(err)}`);
    }
  }
  const parsed = ProjectDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new WorkbenchError('file-invalid', `The project file is damaged: ${first.join('; ')}`, {
      issues: parsed.error.issues.slice(0, 20),
    });
  }
  return version < CURRENT_SCHEMA_VERSION
    ? { document: parsed.data, migratedFrom: version }
    : { document: parsed.data };
}

/** Parses file text: distinguishes "not JSON", "cut off" and "JSON but wrong". */
export function parseProjectText(text: string): { document: ProjectDocument; migratedFrom?: number } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.length === 0) throw new WorkbenchError('file-truncated', 'The project file is empty.');
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    const looksLikeProject = trimmed.startsWith('{') && trimmed.includes(`"${PROJECT_FORMAT}"`);
    if (looksLikeProject && !trimmed.endsWith('}')) {
      throw new WorkbenchError(
        'file-truncated',
        'The project file is cut off (truncated), probably by an interrupted copy or a full disk. Open the .bak file next to it to recover the previous save.',
      );
    }
    throw new WorkbenchError(
      looksLikeProject ? 'file-invalid' : 'file-not-json',
      looksLikeProject
        ? 'The project file is corrupt (it is not valid JSON). Open the .bak file next to it to recover the previous save.'
        : 'This file is not a Migration Workbench project (it is not JSON).',
    );
  }
  return migrateProject(raw);
}
