import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CatalogRow } from '../../../main/common/model/inventory-import';
import { formatMiB, label } from '../../ui/format';
import { CATALOG_COLUMNS, type ColumnKey, type SortSpec } from './catalog.selectors';

const ROW_HEIGHT = 30;
const CHECK_WIDTH = 36;

function cellText(r: CatalogRow, key: ColumnKey): string {
  switch (key) {
    case 'memoryMiB':
    case 'provisionedMiB':
    case 'usedMiB':
      return r[key] ? formatMiB(r[key]) : '—';
    case 'power':
      return r.template ? 'Template' : label('power', r.power);
    case 'vmManager':
      return label('vmManagerType', r.vmManager);
    case 'firmware':
      return label('firmware', r.firmware);
    case 'tags':
      return r.tags.join(', ');
    default: {
      const v = r[key];
      return v === '' || v === undefined ? '—' : String(v);
    }
  }
}

export interface CatalogTableProps {
  rows: CatalogRow[];
  columns: ColumnKey[];
  sort: SortSpec | null;
  selected: Set<string>;
  activeId: string | null;
  onSort(key: ColumnKey): void;
  onSelect(ids: string[]): void;
  onOpen(id: string): void;
}

/**
 * The server catalog: only the rows in view are in the DOM (@tanstack/react-virtual), so 20,000
 * servers scroll like 20. Keyboard: arrows move, Space selects, Enter opens, Ctrl+A selects all.
 */
export function CatalogTable({ rows, columns, sort, selected, activeId, onSort, onSelect, onOpen }: CatalogTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  const anchor = useRef<number | null>(null);
  const cols = CATALOG_COLUMNS.filter((c) => columns.includes(c.key));
  const width = CHECK_WIDTH + cols.reduce((n, c) => n + c.width, 0);
  const template = `${CHECK_WIDTH}px ${cols.map((c) => `${c.width}px`).join(' ')}`;
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  useEffect(() => {
    if (cursor >= rows.length) setCursor(Math.max(0, rows.length - 1));
  }, [rows.length, cursor]);

  // Performance marks for the catalog benchmark: data arrival → first rows painted, filter → repaint.
  useLayoutEffect(() => {
    requestAnimationFrame(() => {
      if (performance.getEntriesByName('mwb:catalog-data').length && !performance.getEntriesByName('mwb:catalog-first-render').length && rows.length) {
        performance.measure('mwb:catalog-first-render', 'mwb:catalog-data');
      }
      if (performance.getEntriesByName('mwb:filter-start').length) {
        performance.measure('mwb:filter', 'mwb:filter-start');
        performance.clearMarks('mwb:filter-start');
      }
    });
  }, [rows]);

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) => onSelect(selected.has(id) ? [...selected].filter((x) => x !== id) : [...selected, id]);

  const clickRow = (e: MouseEvent, index: number) => {
    const row = rows[index]!;
    setCursor(index);
    if (e.shiftKey && anchor.current !== null) {
      const [a, b] = anchor.current < index ? [anchor.current, index] : [index, anchor.current];
      onSelect([...new Set([...selected, ...rows.slice(a, b + 1).map((r) => r.id)])]);
      return;
    }
    anchor.current = index;
    if (e.ctrlKey || e.metaKey) toggle(row.id);
    else onOpen(row.id);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    let next = cursor;
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, cursor + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, cursor - 1);
    else if (e.key === 'PageDown') next = Math.min(rows.length - 1, cursor + 20);
    else if (e.key === 'PageUp') next = Math.max(0, cursor - 20);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = rows.length - 1;
    else if (e.key === ' ') {
      e.preventDefault();
      toggle(rows[cursor]!.id);
      return;
    } else if (e.key === 'Enter') {
      onOpen(rows[cursor]!.id);
      return;
    } else if (e.key.toLowerCase() === 'a' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSelect(allSelected ? [] : rows.map((r) => r.id));
      return;
    } else return;
    e.preventDefault();
    setCursor(next);
    virtual.scrollToIndex(next, { align: 'auto' });
    if (e.shiftKey) onSelect([...new Set([...selected, rows[next]!.id])]);
  };

  const activeRowId = rows[cursor] ? `catalog-row-${rows[cursor]!.id}` : undefined;
  return (
    <div
      className="catalog"
      ref={scrollRef}
      role="grid"
      aria-label="Server catalog"
      aria-rowcount={rows.length + 1}
      aria-multiselectable="true"
      tabIndex={0}
      aria-activedescendant={activeRowId}
      onKeyDown={onKeyDown}
      data-testid="catalog"
    >
      <div className="catalog-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, width }}>
        <div role="columnheader" className="catalog-check">
          <input type="checkbox" aria-label="Select all servers shown" checked={allSelected} onChange={() => onSelect(allSelected ? [] : rows.map((r) => r.id))} tabIndex={-1} />
        </div>
        {cols.map((c) => (
          <div key={c.key} role="columnheader" aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={c.num ? 'num' : undefined}>
            <button type="button" className="sort-button" onClick={() => onSort(c.key)} title={`Sort by ${c.label}`}>
              {c.label}
              <span className="sort-mark" aria-hidden="true">
                {sort?.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
              </span>
            </button>
          </div>
        ))}
      </div>
      <div className="catalog-body" style={{ height: virtual.getTotalSize(), width }}>
        {virtual.getVirtualItems().map((v) => {
          const r = rows[v.index]!;
          const isSel = selected.has(r.id);
          return (
            <div
              key={r.id}
              id={`catalog-row-${r.id}`}
              role="row"
              aria-rowindex={v.index + 2}
              aria-selected={isSel}
              className={`catalog-row${isSel ? ' selected' : ''}${r.id === activeId ? ' active' : ''}${v.index === cursor ? ' cursor' : ''}`}
              style={{ transform: `translateY(${v.start}px)`, gridTemplateColumns: template, width }}
              onClick={(e) => clickRow(e, v.index)}
            >
              <div role="gridcell" className="catalog-check" onClick={(e) => e.stopPropagation()}>
                <input type="checkbox" tabIndex={-1} aria-label={`Select ${r.name}`} checked={isSel} onChange={() => toggle(r.id)} />
              </div>
              {cols.map((c) => (
                <div key={c.key} role="gridcell" className={`${c.num ? 'num' : ''}${c.key === 'name' ? ' strong' : ''}${c.key === 'ip' ? ' mono' : ''}`} title={c.key === 'name' || c.key === 'os' || c.key === 'tags' || c.key === 'source' ? cellText(r, c.key) : undefined}>
                  {c.key === 'power' ? <span className={`pill pill-${r.template ? 'template' : r.power}`}>{cellText(r, 'power')}</span> : cellText(r, c.key)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      {rows.length === 0 ? <div className="catalog-empty muted">No servers match the filters.</div> : null}
    </div>
  );
}
