import type { Server } from '../model/server';

export type SuggestionBasis = 'folder' | 'tag' | 'name';

/** A proposed application: its servers already split into launch groups (database → application → web → other). */
export interface GroupingSuggestion {
  key: string;
  name: string;
  groups: { name: string; serverIds: string[] }[];
  serverCount: number;
}

const TIERS: { name: string; re: RegExp }[] = [
  { name: 'Database', re: /\b(db|sql|database|ora|pg|mysql|mongo)\d*\b|db\d|sql\d|database/i },
  { name: 'Application', re: /\b(app|api|svc|service|mq|etl|batch)\d*\b|app\d|api\d/i },
  { name: 'Web', re: /\b(web|wfe|www|fe|proxy|nginx|iis)\d*\b|web\d|wfe\d/i },
];

function tierOf(server: Server): number {
  const tierTag = server.tags.Tier ?? server.tags.tier ?? server.tags.Role ?? '';
  const text = `${tierTag} ${server.name.replace(/[-_.]/g, ' ')}`;
  const i = TIERS.findIndex((t) => t.re.test(text));
  return i < 0 ? TIERS.length : i;
}

/** The naming pattern of a server: its name up to the first separator or digit run (SHOP-DB01 → SHOP). */
export function namePrefix(name: string): string {
  const m = /^([A-Za-z]+?)(?=[-_.\d]|$)/.exec(name);
  return (m?.[1] ?? name).toUpperCase();
}

/**
 * Proposes applications from what the inventory already says: the VM folder, a tag, or the
 * naming pattern. Only servers not yet in a group are proposed; groups with one server are
 * dropped (they are not an application).
 */
export function suggestApplications(servers: readonly Server[], basis: SuggestionBasis, opts: { tagKey?: string; placed?: ReadonlySet<string>; minServers?: number } = {}): GroupingSuggestion[] {
  const min = opts.minServers ?? 2;
  const buckets = new Map<string, Server[]>();
  for (const s of servers) {
    if (opts.placed?.has(s.id)) continue;
    const key = basis === 'folder' ? s.place.folder : basis === 'tag' ? (opts.tagKey ? s.tags[opts.tagKey] : undefined) : namePrefix(s.name);
    if (!key) continue;
    const list = buckets.get(key) ?? [];
    list.push(s);
    buckets.set(key, list);
  }
  const out: GroupingSuggestion[] = [];
  for (const [key, list] of buckets) {
    if (list.length < min) continue;
    const byTier = new Map<number, string[]>();
    for (const s of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
      const t = tierOf(s);
      byTier.set(t, [...(byTier.get(t) ?? []), s.id]);
    }
    const groups = [...byTier.entries()].sort(([a], [b]) => a - b).map(([t, ids]) => ({ name: TIERS[t]?.name ?? 'Other', serverIds: ids }));
    const name = basis === 'folder' ? key.split('/').filter(Boolean).pop() ?? key : key;
    out.push({ key, name, groups, serverCount: list.length });
  }
  return out.sort((a, b) => b.serverCount - a.serverCount || a.name.localeCompare(b.name));
}

/** Tag keys present in the inventory, most common first (for the "by tag" choice). */
export function tagKeys(servers: readonly Server[]): string[] {
  const counts = new Map<string, number>();
  for (const s of servers) for (const k of Object.keys(s.tags)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}
