import type { ImportReport } from '../common/model/inventory-import';
import type { ProjectDocument } from '../common/model/project';

type Counted = Pick<ImportReport, 'servers' | 'added' | 'updated' | 'unchanged' | 'gone' | 'removed' | 'skipped' | 'skippedTotal' | 'warnings' | 'connections' | 'connectionsAdded'>;

/**
 * What `mwb import --json` prints, and every `mwb discover … --json` with it: one shape for scripts. Without a report
 * (nothing was merged) the counts are zero and the project totals null. `extra` fields follow the common ones.
 */
export function importSummaryJson(projectFile: string, report: Counted | null | undefined, doc: ProjectDocument, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project: projectFile,
    servers: report?.servers ?? 0,
    added: report?.added ?? 0,
    updated: report?.updated ?? 0,
    unchanged: report?.unchanged ?? 0,
    gone: report?.gone ?? [],
    removed: report?.removed ?? 0,
    skipped: report?.skipped ?? [],
    skippedTotal: report?.skippedTotal ?? 0,
    warnings: report?.warnings ?? [],
    connections: report?.connections ?? 0,
    connectionsAdded: report?.connectionsAdded ?? 0,
    files: [],
    ...extra,
    totalInProject: report ? doc.inventory.servers.length : null,
    connectionsInProject: report ? doc.inventory.connections.length : null,
  };
}
