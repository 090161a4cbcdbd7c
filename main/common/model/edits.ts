import { z } from 'zod';
import { WorkbenchError } from './errors';
import type { ProjectDocument } from './project';
import { PlanningEditSchema, applyPlanningEdit, type PlanningEdit } from './planning-edits';
import { AssessmentAssumptionsPatchSchema } from './assessment';

/**
 * Every change a user makes to the document is one of these edits: a pure, serialisable
 * command. The project store applies it, keeps undo history and marks the document dirty.
 */
const CoreEditSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('project.setMeta'), name: z.string().min(1).max(200).optional(), customer: z.string().max(200).optional(), notes: z.string().max(100_000).optional() }),
  z.object({ type: z.literal('server.setTags'), serverId: z.string(), tags: z.record(z.string().max(256), z.string().max(1024)) }),
  z.object({ type: z.literal('server.setAnnotation'), serverId: z.string(), annotation: z.string().max(10_000) }),
  /** Changes some assessment assumptions; the others keep their value. */
  z.object({ type: z.literal('assessment.setAssumptions'), assumptions: AssessmentAssumptionsPatchSchema }),
]);
type CoreEdit = z.infer<typeof CoreEditSchema>;

export const ProjectEditSchema = z.union([CoreEditSchema, PlanningEditSchema]);
export type ProjectEdit = CoreEdit | PlanningEdit;

function mapServer(doc: ProjectDocument, serverId: string, fn: (s: ProjectDocument['inventory']['servers'][number]) => ProjectDocument['inventory']['servers'][number]): ProjectDocument {
  let found = false;
  const servers = doc.inventory.servers.map((s) => {
    if (s.id !== serverId) return s;
    found = true;
    return fn(s);
  });
  if (!found) throw new WorkbenchError('not-found', `No server with id ${serverId} in this project.`);
  return { ...doc, inventory: { ...doc.inventory, servers } };
}

/** Applies one edit and returns a new document; never mutates its input. */
export function applyEdit(doc: ProjectDocument, edit: ProjectEdit): ProjectDocument {
  switch (edit.type) {
    case 'project.setMeta':
      return {
        ...doc,
        name: edit.name ?? doc.name,
        customer: edit.customer ?? doc.customer,
        notes: edit.notes ?? doc.notes,
      };
    case 'server.setTags':
      return mapServer(doc, edit.serverId, (s) => ({ ...s, tags: { ...edit.tags } }));
    case 'server.setAnnotation':
      return mapServer(doc, edit.serverId, (s) => ({ ...s, annotation: edit.annotation }));
    case 'assessment.setAssumptions': {
      const assumptions = { ...doc.assessment?.assumptions };
      for (const [k, v] of Object.entries(edit.assumptions)) if (v !== undefined) (assumptions as Record<string, unknown>)[k] = v;
      return { ...doc, assessment: { ...doc.assessment, assumptions } };
    }
    default:
      return applyPlanningEdit(doc, edit);
  }
}
