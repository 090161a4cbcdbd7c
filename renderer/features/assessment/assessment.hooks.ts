import { useEffect, useMemo } from 'react';
import { assessProject, type AssessmentReference, type AssessmentResult, type ServerAssessment } from '../../../main/common/assess/assess';
import type { ProjectDocument } from '../../../main/common/model/project';
import { useWorkbenchShallow } from '../../store';

type Inputs = Pick<ProjectDocument, 'inventory' | 'planning' | 'assessment'>;

// One result shared by the screen and the catalog's detail panel: recomputed only when the inventory, the plan,
// the assumptions or the reference data change (documents are never mutated, so identity says "changed").
let last: { inventory: unknown; planning: unknown; assessment: unknown; ref: AssessmentReference; result: AssessmentResult; byId: Map<string, ServerAssessment> } | null = null;

function cached(doc: Inputs, ref: AssessmentReference): { result: AssessmentResult; byId: Map<string, ServerAssessment> } {
  if (last && last.inventory === doc.inventory && last.planning === doc.planning && last.assessment === doc.assessment && last.ref === ref) return last;
  const result = assessProject(doc, ref);
  last = { inventory: doc.inventory, planning: doc.planning, assessment: doc.assessment, ref, result, byId: new Map(result.servers.map((s) => [s.serverId, s])) };
  return last;
}

/** The assessment of the open project with its assumptions; null while the reference data loads. */
export function useAssessment(): { result: AssessmentResult | null; byId: Map<string, ServerAssessment> | null; error: string | null } {
  const s = useWorkbenchShallow((st) => ({
    inventory: st.document?.inventory,
    planning: st.document?.planning,
    assessment: st.document?.assessment,
    ref: st.assessmentReference,
    error: st.assessmentReferenceError,
    load: st.assessmentReferenceRequested,
  }));
  useEffect(() => {
    if (!s.ref) void s.load();
  }, [s.ref]);
  return useMemo(() => {
    if (!s.inventory || !s.planning || !s.ref) return { result: null, byId: null, error: s.error };
    const c = cached({ inventory: s.inventory, planning: s.planning, assessment: s.assessment }, s.ref);
    return { result: c.result, byId: c.byId, error: s.error };
  }, [s.inventory, s.planning, s.assessment, s.ref, s.error]);
}
