import { z } from 'zod';
import { WorkbenchError } from './errors';
import type { ProjectDocument } from './project';
import {
  IsoDateSchema,
  ConfigScriptSchema,
  EbsVolumeTypeSchema,
  ExportPathsSchema,
  KnownNetworkSchema,
  ReplicationSettingsSchema,
  TenancySchema,
  emptyLaunchSettings,
  type Application,
  type LaunchSettings,
  type Planning,
  type Wave,
} from './planning';

const id = z.string().min(1).max(200);
const name = z.string().trim().min(1).max(200);
const tags = z.record(z.string().min(1).max(128), z.string().max(256));
/** Hundreds of servers move at once; the cap only stops absurd payloads. */
const serverIds = z.array(id).min(1).max(100_000);

/** A change to launch settings: a value sets, `null` clears, an absent key leaves as is. */
export const LaunchSettingsPatchSchema = z
  .object({
    logicalId: z.string().max(255).nullable(),
    instanceType: z.string().max(64).nullable(),
    amiId: z.string().max(64).nullable(),
    keyName: z.string().max(255).nullable(),
    subnetId: z.string().max(64).nullable(),
    securityGroupIds: z.array(z.string().max(64)).max(16),
    testSubnetId: z.string().max(64).nullable(),
    testSecurityGroupIds: z.array(z.string().max(64)).max(16),
    privateIpAddress: z.string().max(45).nullable(),
    associatePublicIp: z.boolean().nullable(),
    elasticIp: z.boolean().nullable(),
    iamInstanceProfile: z.string().max(2048).nullable(),
    volumeType: EbsVolumeTypeSchema.nullable(),
    volumeSizeGiB: z.number().int().positive().max(65536).nullable(),
    volumeIops: z.number().int().min(100).max(256_000).nullable(),
    volumeEncrypted: z.boolean().nullable(),
    volumeKmsKeyId: z.string().max(2048).nullable(),
    tenancy: TenancySchema.nullable(),
    configScript: ConfigScriptSchema.extend({ content: z.string().max(1_000_000) }).nullable(),
    tags,
  })
  .partial()
  .strict();
export type LaunchSettingsPatch = z.infer<typeof LaunchSettingsPatchSchema>;

export const ApplicationPatchSchema = z
  .object({
    name,
    description: z.string().max(10_000),
    waveId: id.nullable(),
    vpcId: z.string().max(64).nullable(),
    cloudFormationRole: z.string().max(2048).nullable(),
    awsAccountId: z.string().max(12).nullable(),
    awsRegion: z.string().max(32).nullable(),
    tags,
    replication: ReplicationSettingsSchema,
    exportPaths: ExportPathsSchema.extend({ templatePath: z.string().max(4096).optional(), bundlePath: z.string().max(4096).optional() }).strict().nullable(),
  })
  .partial()
  .strict();
export type ApplicationPatch = z.infer<typeof ApplicationPatchSchema>;

const awsId = z.string().trim().max(64);
/** Formats are not enforced here: a wrong value is kept and named by plan validation, like any other field. */
export const ProjectDefaultsEditSchema = z
  .object({
    awsAccountId: awsId,
    awsRegion: awsId,
    vpcId: awsId,
    subnetId: awsId,
    securityGroupIds: z.array(awsId).max(16),
    testSubnetId: awsId,
    testSecurityGroupIds: z.array(awsId).max(16),
  })
  .partial()
  .strict();

const GroupInitSchema = z.object({ id, name, serverIds: z.array(id).max(100_000).default([]) });

/** A change to a wave: a value sets, `null` clears a date, an absent key leaves as is. */
export const WavePatchSchema = z
  .object({ name, description: z.string().max(10_000), startDate: IsoDateSchema.nullable(), endDate: IsoDateSchema.nullable() })
  .partial()
  .strict();
export type WavePatch = z.infer<typeof WavePatchSchema>;

/** Where servers go: a group (at an index within it), or out of every group. */
export const ServerTargetSchema = z.union([
  z.object({ applicationId: id, groupId: id, index: z.number().int().nonnegative().optional() }).strict(),
  z.null(),
]);

/** Edits of waves, applications, launch groups and launch settings. IDs come from the caller so edits stay pure. */
export const PlanningEditSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('wave.create'), waveId: id, name, description: z.string().max(10_000).optional() }).strict(),
  z.object({ type: z.literal('wave.rename'), waveId: id, name }).strict(),
  z.object({ type: z.literal('wave.delete'), waveId: id }).strict(),
  z.object({ type: z.literal('wave.update'), waveId: id, patch: WavePatchSchema }).strict(),
  /** Waves run in array order: moves one to a new position. */
  z.object({ type: z.literal('wave.move'), waveId: id, toIndex: z.number().int().nonnegative() }).strict(),
  /** Several new waves at once, each with the applications that join it (wave names imported as server tags). */
  z.object({ type: z.literal('waves.createMany'), waves: z.array(z.object({ waveId: id, name, applicationIds: z.array(id).max(100_000).default([]) }).strict()).min(1).max(1000) }).strict(),
  /** Puts applications into a wave (or out of every wave with `null`) in one undoable step. */
  z.object({ type: z.literal('applications.setWave'), applicationIds: z.array(id).min(1).max(100_000), waveId: id.nullable() }).strict(),
  z.object({ type: z.literal('application.create'), applicationId: id, name, waveId: id.optional(), groups: z.array(GroupInitSchema).max(1000).optional() }).strict(),
  z.object({ type: z.literal('application.rename'), applicationId: id, name }).strict(),
  z.object({ type: z.literal('application.update'), applicationId: id, patch: ApplicationPatchSchema }).strict(),
  z.object({ type: z.literal('application.delete'), applicationId: id }).strict(),
  z.object({ type: z.literal('group.create'), applicationId: id, groupId: id, name, index: z.number().int().nonnegative().optional() }).strict(),
  z.object({ type: z.literal('group.rename'), applicationId: id, groupId: id, name }).strict(),
  z.object({ type: z.literal('group.delete'), applicationId: id, groupId: id }).strict(),
  z.object({ type: z.literal('group.move'), applicationId: id, groupId: id, toIndex: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('servers.move'), serverIds, target: ServerTargetSchema }).strict(),
  z.object({ type: z.literal('launchSettings.set'), serverIds, patch: LaunchSettingsPatchSchema }).strict(),
  z.object({ type: z.literal('network.set'), network: KnownNetworkSchema }).strict(),
  /** Project-wide target account, region and network (replaces the previous defaults; empty fields are left out). */
  z.object({ type: z.literal('defaults.set'), defaults: ProjectDefaultsEditSchema }).strict(),
  /** A different change per server in one undoable step (e.g. each server sized to fit). */
  z.object({ type: z.literal('launchSettings.setEach'), entries: z.array(z.object({ serverId: id, patch: LaunchSettingsPatchSchema }).strict()).min(1).max(100_000) }).strict(),
]);
export type PlanningEdit = z.infer<typeof PlanningEditSchema>;

function withPlanning(doc: ProjectDocument, planning: Planning): ProjectDocument {
  return { ...doc, planning };
}

function findApplication(doc: ProjectDocument, applicationId: string): Application {
  const app = doc.planning.applications.find((a) => a.id === applicationId);
  if (!app) throw new WorkbenchError('not-found', `No application with id ${applicationId} in this project.`);
  return app;
}

function mapApplication(doc: ProjectDocument, applicationId: string, fn: (a: Application) => Application): ProjectDocument {
  findApplication(doc, applicationId);
  const applications = doc.planning.applications.map((a) => (a.id === applicationId ? fn(a) : a));
  return withPlanning(doc, { ...doc.planning, applications });
}

function assertGroup(app: Application, groupId: string): void {
  if (!app.groups.some((g) => g.id === groupId)) throw new WorkbenchError('not-found', `Application ${app.name} has no launch group with id ${groupId}.`);
}

function assertServersExist(doc: ProjectDocument, ids: readonly string[]): void {
  const known = new Set(doc.inventory.servers.map((s) => s.id));
  const missing = ids.filter((s) => !known.has(s));
  if (missing.length) {
    throw new WorkbenchError('not-found', `${missing.length} server(s) are not in the inventory (first: ${missing[0]}).`, { missing: missing.slice(0, 20) });
  }
}

function assertUniqueId(ids: Iterable<string>, candidate: string, what: string): void {
  for (const existing of ids) if (existing === candidate) throw new WorkbenchError('invalid-input', `A ${what} with id ${candidate} already exists.`);
}

/** Removes the given servers from every group, then inserts them into the target group (in their given order). */
function moveServers(doc: ProjectDocument, ids: readonly string[], target: z.infer<typeof ServerTargetSchema>): ProjectDocument {
  const unique = [...new Set(ids)];
  assertServersExist(doc, unique);
  const moving = new Set(unique);
  if (target) assertGroup(findApplication(doc, target.applicationId), target.groupId);
  const applications = doc.planning.applications.map((app) => {
    const touches = app.id === target?.applicationId || app.groups.some((g) => g.serverIds.some((s) => moving.has(s)));
    if (!touches) return app;
    const groups = app.groups.map((g) => {
      const isTarget = target !== null && app.id === target.applicationId && g.id === target.groupId;
      if (!isTarget && !g.serverIds.some((s) => moving.has(s))) return g;
      // The insertion index counts the servers that stay, so a drop position means the same before and after removal.
      const staying: string[] = [];
      let insertAt = -1;
      g.serverIds.forEach((s, i) => {
        if (isTarget && target.index !== undefined && i === target.index && insertAt < 0) insertAt = staying.length;
        if (!moving.has(s)) staying.push(s);
      });
      if (!isTarget) return { ...g, serverIds: staying };
      if (insertAt < 0) insertAt = staying.length;
      return { ...g, serverIds: [...staying.slice(0, insertAt), ...unique, ...staying.slice(insertAt)] };
    });
    return { ...app, groups };
  });
  return withPlanning(doc, { ...doc.planning, applications });
}

function patchLaunchSettings(current: LaunchSettings, patch: LaunchSettingsPatch): LaunchSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = Array.isArray(value) ? [...value] : typeof value === 'object' ? { ...value } : value;
  }
  return next as LaunchSettings;
}

function setLaunchSettings(doc: ProjectDocument, ids: readonly string[], patch: LaunchSettingsPatch): ProjectDocument {
  const unique = [...new Set(ids)];
  assertServersExist(doc, unique);
  if (patch.logicalId && unique.length > 1) {
    throw new WorkbenchError('invalid-input', 'A logical ID names one server: set it on a single server, not on a selection.');
  }
  const launchSettings = { ...doc.planning.launchSettings };
  for (const s of unique) launchSettings[s] = patchLaunchSettings(launchSettings[s] ?? emptyLaunchSettings(), patch);
  return withPlanning(doc, { ...doc.planning, launchSettings });
}

function patchApplication(app: Application, patch: ApplicationPatch): Application {
  const next: Record<string, unknown> = { ...app };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as Application;
}

function clampIndex(i: number, length: number): number {
  return Math.max(0, Math.min(i, length));
}

export function applyPlanningEdit(doc: ProjectDocument, edit: PlanningEdit): ProjectDocument {
  const p = doc.planning;
  switch (edit.type) {
    case 'wave.create':
      assertUniqueId(p.waves.map((w) => w.id), edit.waveId, 'wave');
      return withPlanning(doc, { ...p, waves: [...p.waves, { id: edit.waveId, name: edit.name, description: edit.description ?? '' }] });
    case 'wave.rename':
      if (!p.waves.some((w) => w.id === edit.waveId)) throw new WorkbenchError('not-found', `No wave with id ${edit.waveId}.`);
      return withPlanning(doc, { ...p, waves: p.waves.map((w) => (w.id === edit.waveId ? { ...w, name: edit.name } : w)) });
    case 'wave.delete': {
      if (!p.waves.some((w) => w.id === edit.waveId)) throw new WorkbenchError('not-found', `No wave with id ${edit.waveId}.`);
      const applications = p.applications.map((a) => {
        if (a.waveId !== edit.waveId) return a;
        const { waveId: _dropped, ...rest } = a;
        return rest;
      });
      return withPlanning(doc, { ...p, waves: p.waves.filter((w) => w.id !== edit.waveId), applications });
    }
    case 'wave.update': {
      const wave = p.waves.find((w) => w.id === edit.waveId);
      if (!wave) throw new WorkbenchError('not-found', `No wave with id ${edit.waveId}.`);
      const next: Record<string, unknown> = { ...wave };
      for (const [key, value] of Object.entries(edit.patch)) {
        if (value === undefined) continue;
        if (value === null) delete next[key];
        else next[key] = value;
      }
      const updated = next as Wave;
      if (updated.startDate && updated.endDate && updated.endDate < updated.startDate) {
        throw new WorkbenchError('invalid-input', `Wave ${updated.name} would end (${updated.endDate}) before it starts (${updated.startDate}).`);
      }
      return withPlanning(doc, { ...p, waves: p.waves.map((w) => (w.id === edit.waveId ? updated : w)) });
    }
    case 'wave.move': {
      const from = p.waves.findIndex((w) => w.id === edit.waveId);
      if (from < 0) throw new WorkbenchError('not-found', `No wave with id ${edit.waveId}.`);
      const waves = [...p.waves];
      const [moved] = waves.splice(from, 1);
      waves.splice(clampIndex(edit.toIndex, waves.length), 0, moved!);
      return withPlanning(doc, { ...p, waves });
    }
    case 'waves.createMany': {
      const ids = new Set(p.waves.map((w) => w.id));
      const known = new Set(p.applications.map((a) => a.id));
      const join = new Map<string, string>();
      for (const w of edit.waves) {
        assertUniqueId(ids, w.waveId, 'wave');
        ids.add(w.waveId);
        for (const a of w.applicationIds) {
          if (!known.has(a)) throw new WorkbenchError('not-found', `No application with id ${a} in this project.`);
          join.set(a, w.waveId);
        }
      }
      const waves = [...p.waves, ...edit.waves.map((w) => ({ id: w.waveId, name: w.name, description: '' }))];
      const applications = p.applications.map((a) => (join.has(a.id) ? { ...a, waveId: join.get(a.id)! } : a));
      return withPlanning(doc, { ...p, waves, applications });
    }
    case 'applications.setWave': {
      if (edit.waveId && !p.waves.some((w) => w.id === edit.waveId)) throw new WorkbenchError('not-found', `No wave with id ${edit.waveId}.`);
      const ids = new Set(edit.applicationIds);
      const known = new Set(p.applications.map((a) => a.id));
      const missing = [...ids].filter((a) => !known.has(a));
      if (missing.length) throw new WorkbenchError('not-found', `${missing.length} application(s) are not in this project (first: ${missing[0]}).`);
      const applications = p.applications.map((a) => {
        if (!ids.has(a.id)) return a;
        if (edit.waveId) return { ...a, waveId: edit.waveId };
        const { waveId: _dropped, ...rest } = a;
        return rest;
      });
      return withPlanning(doc, { ...p, applications });
    }
    case 'application.create': {
      assertUniqueId(p.applications.map((a) => a.id), edit.applicationId, 'application');
      if (edit.waveId && !p.waves.some((w) => w.id === edit.waveId)) throw new WorkbenchError('not-found', `No wave with id ${edit.waveId}.`);
      const groups = edit.groups ?? [];
      const groupIds = new Set<string>();
      for (const g of groups) {
        if (groupIds.has(g.id)) throw new WorkbenchError('invalid-input', `Two launch groups have the id ${g.id}.`);
        groupIds.add(g.id);
      }
      const app: Application = {
        id: edit.applicationId,
        name: edit.name,
        description: '',
        ...(edit.waveId ? { waveId: edit.waveId } : {}),
        tags: {},
        replication: { frequency: 'one-time', amisToKeep: 3, licenseType: 'Auto', encrypted: false },
        groups: groups.map((g) => ({ id: g.id, name: g.name, serverIds: [] })),
      };
      let next = withPlanning(doc, { ...p, applications: [...p.applications, app] });
      for (const g of groups) if (g.serverIds.length) next = moveServers(next, g.serverIds, { applicationId: app.id, groupId: g.id });
      return next;
    }
    case 'application.rename':
      return mapApplication(doc, edit.applicationId, (a) => ({ ...a, name: edit.name }));
    case 'application.update':
      if (edit.patch.waveId && !p.waves.some((w) => w.id === edit.patch.waveId)) throw new WorkbenchError('not-found', `No wave with id ${edit.patch.waveId}.`);
      return mapApplication(doc, edit.applicationId, (a) => patchApplication(a, edit.patch));
    case 'application.delete':
      findApplication(doc, edit.applicationId);
      return withPlanning(doc, { ...p, applications: p.applications.filter((a) => a.id !== edit.applicationId) });
    case 'group.create':
      return mapApplication(doc, edit.applicationId, (a) => {
        assertUniqueId(a.groups.map((g) => g.id), edit.groupId, 'launch group');
        const at = clampIndex(edit.index ?? a.groups.length, a.groups.length);
        const groups = [...a.groups];
        groups.splice(at, 0, { id: edit.groupId, name: edit.name, serverIds: [] });
        return { ...a, groups };
      });
    case 'group.rename':
      return mapApplication(doc, edit.applicationId, (a) => {
        assertGroup(a, edit.groupId);
        return { ...a, groups: a.groups.map((g) => (g.id === edit.groupId ? { ...g, name: edit.name } : g)) };
      });
    case 'group.delete':
      return mapApplication(doc, edit.applicationId, (a) => {
        assertGroup(a, edit.groupId);
        return { ...a, groups: a.groups.filter((g) => g.id !== edit.groupId) };
      });
    case 'group.move':
      return mapApplication(doc, edit.applicationId, (a) => {
        assertGroup(a, edit.groupId);
        const from = a.groups.findIndex((g) => g.id === edit.groupId);
        const groups = [...a.groups];
        const [moved] = groups.splice(from, 1);
        groups.splice(clampIndex(edit.toIndex, groups.length), 0, moved!);
        return { ...a, groups };
      });
    case 'servers.move':
      return moveServers(doc, edit.serverIds, edit.target);
    case 'launchSettings.set':
      return setLaunchSettings(doc, edit.serverIds, edit.patch);
    case 'network.set':
      return withPlanning(doc, { ...p, network: edit.network });
    case 'defaults.set': {
      // Empty strings and lists mean "no default": they are left out, so the document holds only real values.
      const defaults = Object.fromEntries(Object.entries(edit.defaults).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : !!v)));
      if (Object.keys(defaults).length === 0) {
        const { defaults: _dropped, ...rest } = p;
        return withPlanning(doc, rest);
      }
      return withPlanning(doc, { ...p, defaults });
    }
    case 'launchSettings.setEach': {
      assertServersExist(doc, edit.entries.map((e) => e.serverId));
      const launchSettings = { ...p.launchSettings };
      for (const e of edit.entries) launchSettings[e.serverId] = patchLaunchSettings(launchSettings[e.serverId] ?? emptyLaunchSettings(), e.patch);
      return withPlanning(doc, { ...p, launchSettings });
    }
  }
}
