import type { z } from 'zod';
import type { Server } from '../model/server';
import {
  DescribeJobsResponseSchema,
  DescribeSourceServersResponseSchema,
  MgnSavedResponsesSchema,
  SmsReplicationJobsResponseSchema,
  type MgnJob,
  type MgnMatch,
  type MgnSourceServer,
  type MgnStatus,
  type MgnTrackedServer,
} from '../model/mgn';

/** What a saved file or an online read gave: MGN source servers and jobs, and SMS replication jobs. */
export interface MgnResponses {
  sourceServers: MgnSourceServer[];
  jobs: MgnJob[];
  smsJobs: z.infer<typeof SmsReplicationJobsResponseSchema>['replicationJobList'];
}

export const emptyResponses = (): MgnResponses => ({ sourceServers: [], jobs: [], smsJobs: [] });

/**
 * Reads one parsed JSON value as whichever response it is, or returns a sentence saying why not (never the content).
 * Accepts a DescribeSourceServers or DescribeJobs response, both under their operation names, or SMS GetReplicationJobs.
 */
export function readSavedResponses(value: unknown, into: MgnResponses = emptyResponses()): MgnResponses | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'it is not a JSON object';
  const v = value as Record<string, unknown>;
  if ('DescribeSourceServers' in v || 'DescribeJobs' in v) {
    const r = MgnSavedResponsesSchema.safeParse(v);
    if (!r.success) return `it does not match the MGN API's response shape (${issue(r.error)})`;
    into.sourceServers.push(...(r.data.DescribeSourceServers?.items ?? []));
    into.jobs.push(...(r.data.DescribeJobs?.items ?? []));
    return into;
  }
  if ('replicationJobList' in v) {
    const r = SmsReplicationJobsResponseSchema.safeParse(v);
    if (!r.success) return `it does not match SMS GetReplicationJobs' response shape (${issue(r.error)})`;
    into.smsJobs.push(...r.data.replicationJobList);
    return into;
  }
  if (Array.isArray(v['items'])) {
    const items = v['items'] as unknown[];
    // An empty list is a valid answer of either operation.
    if (items.length === 0) return into;
    const first = items[0] as Record<string, unknown> | null;
    if (first && typeof first === 'object' && 'jobID' in first) {
      const r = DescribeJobsResponseSchema.safeParse(v);
      if (!r.success) return `it does not match DescribeJobs' response shape (${issue(r.error)})`;
      into.jobs.push(...r.data.items);
      return into;
    }
    const r = DescribeSourceServersResponseSchema.safeParse(v);
    if (!r.success) return `it does not match DescribeSourceServers' response shape (${issue(r.error)})`;
    into.sourceServers.push(...r.data.items);
    return into;
  }
  return 'it holds neither an MGN DescribeSourceServers or DescribeJobs response (an "items" list) nor an SMS GetReplicationJobs response ("replicationJobList")';
}

function issue(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || 'top level'}: ${i.message}`.slice(0, 200) : 'unreadable';
}

/** VMware UUIDs as lower-case hex without separators; also the SMBIOS byte order of the same UUID. */
function uuidKeys(u: string | null | undefined): string[] {
  if (!u) return [];
  const hex = u.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 32) return hex ? [hex] : [];
  const swap = (s: string) => s.match(/../g)!.reverse().join('');
  const swapped = swap(hex.slice(0, 8)) + swap(hex.slice(8, 12)) + swap(hex.slice(12, 16)) + hex.slice(16);
  return swapped === hex ? [hex] : [hex, swapped];
}

const hostKeys = (h: string | null | undefined): string[] => {
  if (!h) return [];
  const full = h.trim().toLowerCase();
  if (!full) return [];
  const short = full.split('.')[0]!;
  return short && short !== full ? [full, short] : [full];
};

/** Key → the one server it names, or the several (most keys name one: no Set per key). */
class Index {
  private readonly map = new Map<string, string | string[]>();
  add(key: string, id: string): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, id);
    else if (typeof cur === 'string') {
      if (cur !== id) this.map.set(key, [cur, id]);
    } else if (!cur.includes(id)) cur.push(id);
  }
  /** The one server these keys name, or `several` when they name more than one. */
  find(keys: readonly string[]): { id: string | null; several: boolean } {
    let found: string | null = null;
    for (const k of keys) {
      const v = this.map.get(k);
      if (v === undefined) continue;
      for (const id of typeof v === 'string' ? [v] : v) {
        if (found === null) found = id;
        else if (found !== id) return { id: null, several: true };
      }
    }
    return { id: found, several: false };
  }
}

/** Indexes of the inventory by the identities AWS reports, built once per read. */
export class InventoryMatcher {
  private readonly uuid = new Index();
  private readonly moref = new Index();
  private readonly host = new Index();
  private readonly ip = new Index();
  private readonly names = new Map<string, string>();

  constructor(servers: readonly Server[]) {
    for (const s of servers) {
      this.names.set(s.id, s.name);
      for (const u of [s.identity.instanceUuid, s.identity.biosUuid, s.identity.smbiosUuid]) for (const k of uuidKeys(u)) this.uuid.add(k, s.id);
      if (s.identity.moref) this.moref.add(s.identity.moref.toLowerCase(), s.id);
      for (const h of [s.name, s.identity.hostName, s.identity.fqdn]) for (const k of hostKeys(h)) this.host.add(k, s.id);
      for (const n of s.nics) for (const a of [...n.ipv4, ...n.ipv6]) this.ip.add(a.toLowerCase(), s.id);
    }
  }

  nameOf(id: string): string | null {
    return this.names.get(id) ?? null;
  }

  /**
   * The first identity that names exactly one server wins, strongest first (UUID, VM id, host name, IP).
   * When some identity names several servers and none names one, the match is `ambiguous`: nothing is guessed.
   */
  match(hints: { uuids?: (string | null | undefined)[]; vmId?: string | null | undefined; hosts?: (string | null | undefined)[]; ips?: string[] }): { serverId: string | null; match: MgnMatch } {
    let ambiguous = false;
    const tries: [MgnMatch, () => { id: string | null; several: boolean }][] = [
      ['vmware-uuid', () => this.uuid.find((hints.uuids ?? []).flatMap(uuidKeys))],
      ['vm-id', () => this.moref.find(hints.vmId ? [hints.vmId.toLowerCase()] : [])],
      ['hostname', () => this.host.find((hints.hosts ?? []).flatMap(hostKeys))],
      ['ip', () => this.ip.find((hints.ips ?? []).map((a) => a.toLowerCase()))],
    ];
    for (const [how, find] of tries) {
      const found = find();
      if (found.id !== null) return { serverId: found.id, match: how };
      if (found.several) ambiguous = true;
    }
    return { serverId: null, match: ambiguous ? 'ambiguous' : 'none' };
  }
}

const sum = (xs: (number | null | undefined)[]) => xs.reduce<number>((n, x) => n + (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0), 0);
const smsTime = (s: number | null | undefined) => (typeof s === 'number' && Number.isFinite(s) ? new Date(s * 1000).toISOString() : null);

/** AWS's servers and jobs matched to the inventory: what the dashboard and `mwb mgn status` show. */
export function trackMgn(responses: MgnResponses, servers: readonly Server[], source: MgnStatus['source'], readAt: string): MgnStatus {
  const matcher = new InventoryMatcher(servers);
  // The newest job each source server took part in.
  const jobsByServer = new Map<string, MgnJob>();
  const jobs = [...responses.jobs].sort((a, b) => (a.creationDateTime ?? '').localeCompare(b.creationDateTime ?? ''));
  for (const j of jobs) for (const p of j.participatingServers ?? []) jobsByServer.set(p.sourceServerID, j);

  const tracked: MgnTrackedServer[] = [];
  for (const s of responses.sourceServers) {
    if (s.isArchived) continue;
    const hints = s.sourceProperties?.identificationHints;
    const ips = (s.sourceProperties?.networkInterfaces ?? []).flatMap((n) => n.ips ?? []);
    const { serverId, match } = matcher.match({ uuids: [hints?.vmWareUuid], hosts: [hints?.fqdn, hints?.hostname], ips });
    const disks = s.dataReplicationInfo?.replicatedDisks ?? [];
    const job = jobsByServer.get(s.sourceServerID);
    const part = job?.participatingServers?.find((p) => p.sourceServerID === s.sourceServerID);
    const err = s.dataReplicationInfo?.dataReplicationError;
    tracked.push({
      service: 'mgn',
      id: s.sourceServerID,
      name: hints?.hostname || hints?.fqdn || s.tags?.['Name'] || s.sourceServerID,
      serverId,
      serverName: serverId ? matcher.nameOf(serverId) : null,
      match,
      lifeCycle: s.lifeCycle?.state ?? null,
      replicationState: s.dataReplicationInfo?.dataReplicationState ?? null,
      replicatedBytes: sum(disks.map((d) => d.replicatedStorageBytes)),
      totalBytes: sum(disks.map((d) => d.totalStorageBytes)) || sum((s.sourceProperties?.disks ?? []).map((d) => d.bytes)),
      backlogBytes: sum(disks.map((d) => d.backloggedStorageBytes)),
      lagDuration: s.dataReplicationInfo?.lagDuration ?? null,
      lastSnapshotAt: s.dataReplicationInfo?.lastSnapshotDateTime ?? null,
      error: err?.error ? (err.rawError ? `${err.error}: ${err.rawError}` : err.error).slice(0, 500) : null,
      lastJob: job
        ? { id: job.jobID, kind: job.initiatedBy ?? job.type ?? null, status: job.status ?? null, at: job.endDateTime ?? job.creationDateTime ?? null, launchedInstanceId: part?.launchedEc2InstanceID ?? null, amiId: null }
        : null,
    });
  }
  for (const j of responses.smsJobs) {
    const vm = j.vmServer;
    const { serverId, match } = matcher.match({ vmId: vm?.vmServerAddress?.vmId, hosts: [vm?.vmName] });
    const runs = [...(j.replicationRunList ?? [])].sort((a, b) => (a.scheduledStartTime ?? 0) - (b.scheduledStartTime ?? 0));
    const run = runs[runs.length - 1];
    tracked.push({
      service: 'sms',
      id: j.replicationJobId,
      name: vm?.vmName || vm?.vmServerAddress?.vmId || j.replicationJobId,
      serverId,
      serverName: serverId ? matcher.nameOf(serverId) : null,
      match,
      lifeCycle: j.state ?? null,
      replicationState: run?.statusMessage ?? j.statusMessage ?? null,
      replicatedBytes: 0,
      totalBytes: 0,
      backlogBytes: 0,
      lagDuration: null,
      lastSnapshotAt: null,
      error: /fail/i.test(j.state ?? '') ? (j.statusMessage ?? 'failed').slice(0, 500) : null,
      lastJob: run ? { id: run.replicationRunId ?? '', kind: run.type ?? null, status: run.state ?? null, at: smsTime(run.completedTime ?? run.scheduledStartTime), launchedInstanceId: null, amiId: run.amiId ?? null } : null,
    });
  }
  const matched = tracked.filter((t) => t.serverId).length;
  return {
    source,
    readAt,
    servers: tracked,
    jobs: jobs
      .reverse()
      .slice(0, 200)
      .map((j) => ({ id: j.jobID, kind: j.initiatedBy ?? j.type ?? null, status: j.status ?? null, createdAt: j.creationDateTime ?? null, endedAt: j.endDateTime ?? null, servers: j.participatingServers?.length ?? 0 })),
    matched,
    unmatched: tracked.length - matched,
  };
}
