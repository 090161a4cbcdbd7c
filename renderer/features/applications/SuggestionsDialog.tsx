import { useMemo, useState } from 'react';
import { suggestApplications, tagKeys, type SuggestionBasis } from '../../../main/common/assess/grouping-suggestions';
import { useWorkbenchShallow } from '../../store';
import { Dialog } from '../../ui/Dialog';
import { selectPlacements } from './planning.selectors';

/** Proposes applications from folders, tags or naming patterns; the consultant picks which to create. */
export function SuggestionsDialog({ onClose }: { onClose(): void }) {
  const { doc, accept } = useWorkbenchShallow((s) => ({ doc: s.document, accept: s.suggestionsAccepted }));
  const [basis, setBasis] = useState<SuggestionBasis>('name');
  const keys = useMemo(() => tagKeys(doc?.inventory.servers ?? []), [doc?.inventory.servers]);
  const [tagKey, setTagKey] = useState(keys.find((k) => k === 'Application') ?? keys[0] ?? '');
  const placed = doc ? new Set(selectPlacements(doc.planning, undefined).keys()) : new Set<string>();
  const suggestions = useMemo(() => (doc ? suggestApplications(doc.inventory.servers, basis, { tagKey, placed }) : []), [doc, basis, tagKey, placed.size]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const chosen = suggestions.filter((s) => picked.has(s.key));
  return (
    <Dialog
      title="Suggest applications"
      onClose={onClose}
      width={640}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!chosen.length} onClick={() => void accept(chosen).then((ok) => ok && onClose())}>
            {chosen.length ? `Create ${chosen.length} application${chosen.length === 1 ? '' : 's'}` : 'Create applications'}
          </button>
        </>
      }
    >
      <p className="muted">Servers not yet in an application, grouped by what the inventory says. Launch groups are guessed from names and Tier tags: databases first, then application servers, then web.</p>
      <div className="segmented" role="radiogroup" aria-label="Group by">
        {(['name', 'folder', 'tag'] as const).map((b) => (
          <label key={b} className={basis === b ? 'on' : ''}>
            <input type="radio" name="basis" checked={basis === b} onChange={() => (setBasis(b), setPicked(new Set()))} /> {b === 'name' ? 'Naming pattern' : b === 'folder' ? 'VM folder' : 'Tag'}
          </label>
        ))}
        {basis === 'tag' ? (
          <select aria-label="Tag key" value={tagKey} onChange={(e) => setTagKey(e.target.value)}>
            {keys.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        ) : null}
      </div>
      <ul className="suggestion-list">
        {suggestions.map((s) => (
          <li key={s.key}>
            <label className="check-inline">
              <input type="checkbox" checked={picked.has(s.key)} onChange={(e) => setPicked((p) => { const n = new Set(p); if (e.target.checked) n.add(s.key); else n.delete(s.key); return n; })} />
              <span className="strong">{s.name}</span>
              <span className="muted">
                {s.serverCount} servers · {s.groups.map((g) => `${g.name} (${g.serverIds.length})`).join(' → ')}
              </span>
            </label>
          </li>
        ))}
        {suggestions.length === 0 ? <li className="muted">Nothing to suggest: every server with this information is already planned, or no two servers share it.</li> : null}
      </ul>
    </Dialog>
  );
}
