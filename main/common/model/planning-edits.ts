import { z } from 'zod';
import { WorkbenchError } from './errors';
import type { ProjectDocument } from './project';
import type { Application } from './planning';

/** Edits of waves, applications, launch groups and launch settings. */
export const PlanningEditSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('application.rename'), applicationId: z.string(), name: z.string().min(1).max(200) }),
]);
export type PlanningEdit = z.infer<typeof PlanningEditSchema>;

function mapApplication(doc: ProjectDocument, id: string, fn: (a: Application) => Application): ProjectDocument {
  let found = false;
  const applications = doc.planning.applications.map((a) => {
    if (a.id !== id) return a;
    found = true;
    return fn(a);
  });
  if (!found) throw new WorkbenchError('not-found', `No application with id ${id} in this project.`);
  return { ...doc, planning: { ...doc.planning, applications } };
}

export function applyPlanningEdit(doc: ProjectDocument, edit: PlanningEdit): ProjectDocument {
  switch (edit.type) {
    case 'application.rename':
      return mapApplication(doc, edit.applicationId, (a) => ({ ...a, name: edit.name }));
  }
}
