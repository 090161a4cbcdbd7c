import { importedWaveNames } from '../../../main/common/assess/waves';
import type { WavePatch } from '../../../main/common/model/planning-edits';
import type { SliceCreator } from '../../store/types';

function newWaveId(): string {
  return `wave-${crypto.randomUUID().slice(0, 8)}`;
}

/** The Waves board: every change is one undoable planning edit (through `planEdited`, shown at once). */
export interface WavesSlice {
  /** Creates a wave at the end of the plan and returns its id (null when refused). */
  waveCreated(name: string): Promise<string | null>;
  /** Name or dates (`null` clears a date). */
  waveUpdated(waveId: string, patch: WavePatch): Promise<boolean>;
  waveMoved(waveId: string, toIndex: number): Promise<boolean>;
  waveDeleted(waveId: string): Promise<boolean>;
  /** Puts applications into a wave, or out of every wave (`null`). */
  applicationsMovedToWave(applicationIds: string[], waveId: string | null): Promise<boolean>;
  /** Turns the wave names imported as server tags into waves, with the applications wholly in each (one edit). */
  importedWavesAdopted(): Promise<boolean>;
}

export const createWavesSlice: SliceCreator<WavesSlice> = (_set, get) => ({
  async waveCreated(name) {
    const waveId = newWaveId();
    return (await get().planEdited({ type: 'wave.create', waveId, name })) ? waveId : null;
  },
  waveUpdated(waveId, patch) {
    return get().planEdited({ type: 'wave.update', waveId, patch });
  },
  waveMoved(waveId, toIndex) {
    return get().planEdited({ type: 'wave.move', waveId, toIndex });
  },
  async waveDeleted(waveId) {
    const doc = get().document;
    const wave = doc?.planning.waves.find((w) => w.id === waveId);
    const apps = doc?.planning.applications.filter((a) => a.waveId === waveId).length ?? 0;
    const ok = await get().planEdited({ type: 'wave.delete', waveId });
    if (ok && wave) get().noticeShown('info', `Deleted ${wave.name}${apps ? `; its ${apps} application${apps === 1 ? ' is' : 's are'} now in no wave` : ''}. Undo (Ctrl+Z) brings it back.`);
    return ok;
  },
  applicationsMovedToWave(applicationIds, waveId) {
    return get().planEdited({ type: 'applications.setWave', applicationIds, waveId });
  },
  async importedWavesAdopted() {
    const doc = get().document;
    if (!doc) return false;
    const found = importedWaveNames(doc);
    if (!found.length) return false;
    const ok = await get().planEdited({ type: 'waves.createMany', waves: found.map((w) => ({ waveId: newWaveId(), name: w.name, applicationIds: w.applicationIds })) });
    if (ok) get().noticeShown('success', `Created ${found.length} wave${found.length === 1 ? '' : 's'} from the imported wave names (one step: Undo removes them).`);
    return ok;
  },
});
