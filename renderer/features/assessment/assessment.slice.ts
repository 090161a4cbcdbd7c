import type { AssessmentReference } from '../../../main/common/assess/assess';
import type { AssessmentAssumptionsPatch } from '../../../main/common/model/assessment';
import { invoke } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';

export interface AssessmentSlice {
  /** The bundled data the assessment reads (EC2 catalog, OS support, EBS prices); null until loaded. */
  assessmentReference: AssessmentReference | null;
  assessmentReferenceError: string | null;
  assessmentReportBusy: boolean;
  assessmentReportWritten: string | null;
  assessmentReportError: string | null;
  /** The printable report view is shown (the browser prints it to PDF). */
  assessmentPrintView: boolean;
  assessmentReferenceRequested(): Promise<void>;
  /** One undoable edit; the screen recomputes from the document at once. */
  assessmentAssumptionsChanged(patch: AssessmentAssumptionsPatch): Promise<boolean>;
  assessmentReportSaveRequested(path: string): Promise<boolean>;
  assessmentPrintViewToggled(open: boolean): void;
}

/** `?print=assessment` in the page address: open on the printable report (what `mwb assess --out x.pdf` prints). */
function printRequestedByAddress(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('print') === 'assessment';
}

export const createAssessmentSlice: SliceCreator<AssessmentSlice> = (set, get) => {
  const printing = printRequestedByAddress();
  // The other slices exist once the store is built: switch to the Assessment area then.
  if (printing) queueMicrotask(() => get().areaSelected('assessment'));
  return {
    assessmentReference: null,
    assessmentReferenceError: null,
    assessmentReportBusy: false,
    assessmentReportWritten: null,
    assessmentReportError: null,
    assessmentPrintView: printing,

    async assessmentReferenceRequested() {
      if (get().assessmentReference) return;
      try {
        set({ assessmentReference: await invoke('assess.reference', {}), assessmentReferenceError: null });
      } catch (err) {
        set({ assessmentReferenceError: `The bundled assessment data could not be loaded: ${(err as Error).message}` });
      }
    },
    assessmentAssumptionsChanged(patch) {
      return get().editRequested({ type: 'assessment.setAssumptions', assumptions: patch }, { optimistic: true });
    },
    async assessmentReportSaveRequested(path) {
      set({ assessmentReportBusy: true, assessmentReportError: null, assessmentReportWritten: null });
      try {
        const r = await invoke('assess.saveReport', { path });
        set({ assessmentReportWritten: r.path });
        get().noticeShown('success', `Assessment workbook saved: ${r.path}`);
        return true;
      } catch (err) {
        set({ assessmentReportError: (err as Error).message });
        return false;
      } finally {
        set({ assessmentReportBusy: false });
      }
    },
    assessmentPrintViewToggled(open) {
      set({ assessmentPrintView: open });
    },
  };
};
