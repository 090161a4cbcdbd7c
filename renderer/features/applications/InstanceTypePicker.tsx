import { useId, useMemo, useState } from 'react';
import type { InstanceTypeInfo } from '../../../main/common/model/instance-types';
import { priceFor } from './planning.selectors';
import { fitsNeed } from '../../../main/common/assess/right-size';

const MAX_ROWS = 80;

/** The region whose prices the bundled catalog has for the application's region (us-east-1 otherwise). */
function priceRegion(region: string | undefined): string {
  return region === 'eu-west-1' ? 'eu-west-1' : 'us-east-1';
}

function money(v: number | null): string {
  return v === null ? '—' : `$${v < 1 ? v.toFixed(4) : v.toFixed(3)}`;
}

/**
 * Instance-type combobox fed by the bundled EC2 catalog: type to filter, arrows to move, Enter to
 * pick. Types that fit the source (vCPU and memory) come first, cheapest first.
 */
export function InstanceTypePicker({ value, placeholder, catalog, need, region, windows, invalid, onChange }: {
  value: string;
  placeholder?: string;
  catalog: InstanceTypeInfo[];
  need?: { vcpu: number; memoryGiB: number; arch: string } | undefined;
  region?: string | undefined;
  windows: boolean;
  invalid?: boolean;
  onChange(type: string): void;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    const fits = (r: InstanceTypeInfo) => !need || fitsNeed(r, need);
    return catalog
      .filter((r) => !q || r.type.includes(q) || r.family === q)
      .map((r) => ({ r, fit: fits(r), price: priceFor(r, region, windows) }))
      .sort((a, b) => Number(b.fit) - Number(a.fit) || (a.price ?? Infinity) - (b.price ?? Infinity) || a.r.type.localeCompare(b.r.type))
      .slice(0, MAX_ROWS);
  }, [catalog, query, need, region, windows]);
  // The data dates of the prices shown, from the catalog's provenance.
  const dates = useMemo(() => {
    const seen = [...new Set(rows.map(({ r }) => r.priceDates?.[priceRegion(region) as 'us-east-1' | 'eu-west-1'][windows ? 'windows' : 'linux']).filter((d): d is string => !!d))].sort();
    if (!seen.length) return 'data date unknown';
    return seen.length === 1 ? `data of ${seen[0]}` : `data of ${seen[0]} to ${seen[seen.length - 1]}`;
  }, [rows, region, windows]);
  const choose = (type: string) => {
    onChange(type);
    setOpen(false);
    setQuery('');
  };
  return (
    <div className="type-picker">
      <input
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-label="Instance type"
        aria-invalid={invalid || undefined}
        aria-activedescendant={open && rows[active] ? `${listId}-${active}` : undefined}
        className={invalid ? 'invalid' : undefined}
        value={open ? query : value}
        placeholder={placeholder ?? 'Search types (m6i, r6i.2xlarge…)'}
        onFocus={() => {
          setOpen(true);
          setActive(0);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, rows.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter' && open && rows[active]) {
            e.preventDefault();
            choose(rows[active]!.r.type);
          } else if (e.key === 'Escape') setOpen(false);
        }}
      />
      {open ? (
        <ul className="type-list" role="listbox" id={listId} aria-label="Instance types">
          <li className="type-row type-head" aria-hidden>
            <span>Type</span>
            <span className="num">vCPU</span>
            <span className="num">Memory</span>
            <span className="num">$/hour</span>
          </li>
          <li className="type-row type-caption muted" aria-hidden>
            {windows ? 'Windows (license included)' : 'Linux'} On-Demand prices in {priceRegion(region)}, USD per hour, {dates}
          </li>
          {rows.map(({ r, fit, price }, i) => (
            <li
              key={r.type}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`type-row${i === active ? ' active' : ''}${fit ? '' : ' nofit'}`}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(r.type);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="mono">{r.type}</span>
              <span className="num">{r.vcpu}</span>
              <span className="num">{r.memoryGiB} GiB</span>
              <span className="num" title={r.priceDates ? `Price data of ${r.priceDates[priceRegion(region) as 'us-east-1' | 'eu-west-1'][windows ? 'windows' : 'linux'] ?? 'unknown date'}` : undefined}>
                {money(price)}
              </span>
            </li>
          ))}
          {rows.length === 0 ? <li className="type-row muted">No type matches.</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
