import { validatePlan, type PlanIssue } from '../../../main/common/assess/plan-validation';
import { indexCatalog, type InstanceCatalogIndex, type InstanceTypeInfo } from '../../../main/common/model/instance-types';
import { placementsByServer, type Placement } from '../../../main/common/model/planning';
import type { ProjectDocument } from '../../../main/common/model/project';
import type { Server } from '../../../main/common/model/server';

/** Memoises a derived value on the identity of its inputs (the document changes identity on every edit). */
function memo<A extends object, B, R>(fn: (a: A, b: B) => R): (a: A, b: B) => R {
  let lastA: A | null = null;
  let lastB: B | undefined;
  let last: R;
  return (a, b) => {
    if (a !== lastA || b !== lastB) {
      last = fn(a, b);
      lastA = a;
      lastB = b;
    }
    return last;
  };
}

export const selectServersById = memo((servers: ProjectDocument['inventory']['servers'], _: void) => new Map<string, Server>(servers.map((s) => [s.id, s])));

export const selectPlacements = memo((planning: ProjectDocument['planning'], _: void): Map<string, Placement> => placementsByServer(planning));

export const selectCatalogIndex = memo((rows: InstanceTypeInfo[], _: void): InstanceCatalogIndex => indexCatalog(rows));

/** All plan issues, grouped by server id ('' for application-level ones). */
export const selectPlanIssues = memo((doc: ProjectDocument, catalogRows: InstanceTypeInfo[]) => {
  const issues = validatePlan(doc, catalogRows.length ? { catalog: selectCatalogIndex(catalogRows, undefined) } : {});
  const byServer = new Map<string, PlanIssue[]>();
  const byApp = new Map<string, PlanIssue[]>();
  for (const i of issues) {
    const k = i.serverId ?? '';
    byServer.set(k, [...(byServer.get(k) ?? []), i]);
    byApp.set(i.applicationId, [...(byApp.get(i.applicationId) ?? []), i]);
  }
  return { issues, byServer, byApp };
});

export function priceFor(info: InstanceTypeInfo, region: string | undefined, windows: boolean): number | null {
  const r = region === 'eu-west-1' ? 'eu-west-1' : 'us-east-1';
  return info.priceUsdHour[r][windows ? 'windows' : 'linux'];
}

/** Filters servers by a free-text query over name, OS, folder, IP and tags. */
export function matchesQuery(s: Server, q: string): boolean {
  if (!q) return true;
  const text = `${s.name} ${s.os.configured ?? ''} ${s.place.folder ?? ''} ${s.place.cluster ?? ''} ${s.nics.flatMap((n) => n.ipv4).join(' ')} ${Object.values(s.tags).join(' ')}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((t) => text.includes(t));
}
