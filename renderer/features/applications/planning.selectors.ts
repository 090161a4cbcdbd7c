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

/** Region pricing is a domain rule: it lives with right-sizing in main/common. */
export { pricePerHour as priceFor } from '../../../main/common/assess/right-size';

/** Errors and warnings of a server, a launch group or an application. */
export interface ProblemCount {
  errors: number;
  warnings: number;
}
const ZERO: ProblemCount = { errors: 0, warnings: 0 };

function add(m: Map<string, ProblemCount>, key: string, i: PlanIssue): void {
  const c = m.get(key) ?? { errors: 0, warnings: 0 };
  if (i.severity === 'error') c.errors++;
  else c.warnings++;
  m.set(key, c);
}

/**
 * The one count of problems every badge shows, from the same plan-validation result: a group's count is the
 * sum of its servers' plus its own (an empty group), an application's is every issue it has. So a group badge
 * always equals the sum of its server badges (plus group issues), and an application with amber servers is amber.
 */
export const selectProblemCounts = memo((doc: ProjectDocument, catalogRows: InstanceTypeInfo[]) => {
  const { issues } = selectPlanIssues(doc, catalogRows);
  const byServer = new Map<string, ProblemCount>();
  const byGroup = new Map<string, ProblemCount>();
  const byApp = new Map<string, ProblemCount>();
  const placements = selectPlacements(doc.planning, undefined);
  for (const i of issues) {
    add(byApp, i.applicationId, i);
    if (i.serverId) add(byServer, i.serverId, i);
    const groupId = i.groupId ?? (i.serverId ? placements.get(i.serverId)?.groupId : undefined);
    if (groupId) add(byGroup, `${i.applicationId}/${groupId}`, i);
  }
  return {
    server: (id: string): ProblemCount => byServer.get(id) ?? ZERO,
    group: (applicationId: string, groupId: string): ProblemCount => byGroup.get(`${applicationId}/${groupId}`) ?? ZERO,
    app: (id: string): ProblemCount => byApp.get(id) ?? ZERO,
  };
});

/** What a badge says: the errors when there are any, else the warnings; `null` when there is nothing. */
export function badgeOf(c: ProblemCount): { tone: 'error' | 'warning'; count: number; label: string } | null {
  if (c.errors) return { tone: 'error', count: c.errors, label: `${c.errors} error${c.errors === 1 ? '' : 's'}${c.warnings ? `, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}` : ''}` };
  if (c.warnings) return { tone: 'warning', count: c.warnings, label: `${c.warnings} warning${c.warnings === 1 ? '' : 's'}` };
  return null;
}

/** Issues of one kind on several servers, for one line that names every server. */
export interface IssueGroup {
  code: PlanIssue['code'];
  severity: PlanIssue['severity'];
  issues: PlanIssue[];
}

/** Groups issues by kind (same code and severity), keeping the order of first appearance. */
export function groupIssues(issues: readonly PlanIssue[]): IssueGroup[] {
  const m = new Map<string, IssueGroup>();
  for (const i of issues) {
    const k = `${i.severity}:${i.code}`;
    const g = m.get(k) ?? { code: i.code, severity: i.severity, issues: [] };
    g.issues.push(i);
    m.set(k, g);
  }
  return [...m.values()];
}

/** Filters servers by a free-text query over name, OS, folder, IP and tags. */
export function matchesQuery(s: Server, q: string): boolean {
  if (!q) return true;
  const text = `${s.name} ${s.os.configured ?? ''} ${s.place.folder ?? ''} ${s.place.cluster ?? ''} ${s.nics.flatMap((n) => n.ipv4).join(' ')} ${Object.values(s.tags).join(' ')}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((t) => text.includes(t));
}
