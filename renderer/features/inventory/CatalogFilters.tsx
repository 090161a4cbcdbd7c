import { useEffect, useRef, useState } from 'react';
import { CATALOG_COLUMNS, type CatalogFilters, type ColumnKey, type Facets } from './catalog.selectors';
import { label as labelOf, type LabelKind } from '../../ui/format';

function FacetSelect({ label, value, options, kind, onChange }: { label: string; value: string; options: [string, number][]; kind?: LabelKind; onChange(v: string): void }) {
  return (
    <label className="facet">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        <option value="">All</option>
        {options.map(([v, n]) => (
          <option key={v} value={v}>
            {kind ? labelOf(kind, v) : v || '—'} ({n.toLocaleString('en-US')})
          </option>
        ))}
      </select>
    </label>
  );
}

function ColumnChooser({ columns, onChange }: { columns: ColumnKey[]; onChange(c: ColumnKey[]): void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="column-chooser" ref={ref}>
      <button type="button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        Columns
      </button>
      {open ? (
        <fieldset className="popover" aria-label="Columns">
          {CATALOG_COLUMNS.map((c) => (
            <label key={c.key} className="check">
              <input
                type="checkbox"
                checked={columns.includes(c.key)}
                disabled={c.key === 'name'}
                onChange={(e) => onChange(e.target.checked ? CATALOG_COLUMNS.map((x) => x.key).filter((k) => k === c.key || columns.includes(k)) : columns.filter((k) => k !== c.key))}
              />
              <span>{c.label}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
    </div>
  );
}

/** Search, facet filters and the column chooser above the catalog. */
export function CatalogFilterBar({ filters, facets, columns, onChange, onClear, onColumns }: { filters: CatalogFilters; facets: Facets; columns: ColumnKey[]; onChange(p: Partial<CatalogFilters>): void; onClear(): void; onColumns(c: ColumnKey[]): void }) {
  const [text, setText] = useState(filters.search);
  useEffect(() => setText(filters.search), [filters.search]);
  // Typing stays responsive: the catalog filters once the keystrokes pause briefly.
  useEffect(() => {
    if (text === filters.search) return;
    const t = setTimeout(() => onChange({ search: text }), 120);
    return () => clearTimeout(t);
  }, [text, filters.search, onChange]);
  const active = Object.values(filters).some(Boolean);
  return (
    <div className="filter-bar" role="search">
      <input className="search" type="search" value={text} placeholder="Search name, IP, OS, host, tag…" aria-label="Search servers" onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && onChange({ search: text })} />
      <FacetSelect label="VM manager" value={filters.vmManager} options={facets.vmManager} kind="vmManagerType" onChange={(v) => onChange({ vmManager: v })} />
      <FacetSelect label="OS" value={filters.osFamily} options={facets.osFamily} kind="osFamily" onChange={(v) => onChange({ osFamily: v })} />
      <FacetSelect label="Power" value={filters.power} options={facets.power} kind="power" onChange={(v) => onChange({ power: v })} />
      <FacetSelect label="Datacenter / cluster" value={filters.place} options={facets.place} onChange={(v) => onChange({ place: v })} />
      <FacetSelect label="Tag" value={filters.tag} options={facets.tag} onChange={(v) => onChange({ tag: v })} />
      <button type="button" className="link-button" disabled={!active} onClick={onClear}>
        Clear filters
      </button>
      <span className="filter-spacer" />
      <ColumnChooser columns={columns} onChange={onColumns} />
    </div>
  );
}
