import { useMemo, useState } from 'react';
import { suggestApplications, suggestByDependencies, tagKeys, type SuggestionBasis } from '../../../main/common/assess/grouping-suggestions';
import { useWorkbenchShallow } from '../../store';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { selectPlacements } from './planning.selectors';

type Basis = SuggestionBasis | 'deps';

/** Proposes applications from folders, tags, naming patterns or observed dependencies; the consultant picks which to create. */
export function SuggestionsDialog({ onClose }: { onClose(): void }) {
  const { doc, accept } = useWorkbenchShallow((s) => ({ doc: s.document, accept: s.suggestionsAccepted }));
  const [basis, setBasis] = useState<Basis>('name');
  const keys = useMemo(() => tagKeys(doc?.inventory.servers ?? []), [doc?.inventory.servers]);
  const [tagKey, setTagKey] = useState(keys.find((k) => k === 'Application') ?? keys[0] ?? '');
  const placed = doc ? new Set(selectPlacements(doc.planning, undefined).keys()) : new Set<string>();
  const connections = doc?.inventory.connections ?? [];
  const byDeps = useMemo(() => (doc && basis === 'deps' ? suggestByDependencies(doc.inventory.servers, doc.inventory.connections, { placed }) : null), [doc, basis, placed.size]);
  const suggestions = useMemo(() => (!doc ? [] : byDeps ? byDeps.suggestions : basis === 'deps' ? [] : suggestApplications(doc.inventory.servers, basis, { tagKey, placed })), [doc, byDeps, basis, tagKey, placed.size]);
  const noDeps = connections.length === 0;
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const chosen = suggestions.filter((s) => picked.has(s.key));
  return (
    <Dialog
      title="Suggest applications"
      onClose={onClose}
      width={640}
      footer={
        <DialogActions
          onCancel={onClose}
          label={chosen.length ? `Create ${chosen.length} application${chosen.length === 1 ? '' : 's'}` : 'Create applications'}
          disabled={!chosen.length}
          onConfirm={() => void accept(chosen).then((ok) => ok && onClose())}
        />
      }
    >
      <p className="muted">
        {basis === 'deps'
          ? 'Servers not yet in an application that talk to each other, from the imported dependency data. Launch order follows the connections: what is called (databases) launches first, then its callers; servers calling each other share a group.'
          : 'Servers not yet in an application, grouped by what the inventory says. Launch groups are guessed from names and Tier tags: databases first, then application servers, then web.'}
      </p>
      <div className="segmented" role="radiogroup" aria-label="Group by">
        {(['name', 'folder', 'tag', 'deps'] as const).map((b) => {
          const off = b === 'deps' && noDeps;
          return (
            <label key={b} className={`${basis === b ? 'on' : ''}${off ? ' disabled' : ''}`} title={off ? 'No dependency data in this project: import an Azure Migrate dependency export on the Inventory screen first.' : undefined}>
              <input type="radio" name="basis" disabled={off} checked={basis === b} onChange={() => (setBasis(b), setPicked(new Set()))} /> {b === 'name' ? 'Naming pattern' : b === 'folder' ? 'VM folder' : b === 'tag' ? 'Tag' : 'By dependencies'}
            </label>
          );
        })}
        {basis === 'tag' ? (
          <select aria-label="Tag key" value={tagKey} onChange={(e) => setTagKey(e.target.value)}>
            {keys.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        ) : null}
      </div>
      {noDeps ? <p className="muted small" data-testid="deps-unavailable">By dependencies needs dependency data: import an Azure Migrate dependency export on the Inventory screen.</p> : null}
      {byDeps ? (
        <div className="deps-summary small" data-testid="deps-left-out">
          <span className="muted">{connections.length.toLocaleString()} dependencies. {byDeps.rule}</span>
          {byDeps.leftOut.length ? (
            <div>
              <span className="strong">Left out:</span> {byDeps.leftOut.map((l) => `${l.name} (${l.reason})`).join(', ')}
            </div>
          ) : null}
        </div>
      ) : null}
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
        {suggestions.length === 0 ? <li className="muted">{basis === 'deps' ? 'Nothing to suggest: no two unplanned inventory servers are connected (once hubs and infrastructure are left out).' : 'Nothing to suggest: every server with this information is already planned, or no two servers share it.'}</li> : null}
      </ul>
    </Dialog>
  );
}
