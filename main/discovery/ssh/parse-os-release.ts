import { lines, text, unreadable } from './parse-common';

export interface OsRelease {
  id?: string;
  name?: string;
  prettyName?: string;
  version?: string;
  versionId?: string;
}

/** `/etc/os-release` (freedesktop.org os-release(5)): KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(out: string): OsRelease {
  const kv = new Map<string, string>();
  for (const l of lines(out, 512)) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(l);
    if (!m) continue;
    let v = m[2]!.trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) v = v.slice(1, -1);
    if (q === '"') v = v.replace(/\\(["$`\\])/g, '$1');
    kv.set(m[1]!, v);
  }
  const r: OsRelease = {};
  const set = (k: keyof OsRelease, key: string) => {
    const v = text(kv.get(key));
    if (v) r[k] = v;
  };
  set('id', 'ID');
  set('name', 'NAME');
  set('prettyName', 'PRETTY_NAME');
  set('version', 'VERSION');
  set('versionId', 'VERSION_ID');
  if (!r.id && !r.name && !r.prettyName) throw unreadable('os-release', 'no ID, NAME or PRETTY_NAME');
  return r;
}

/** `uname -srm`: kernel name, release and machine. */
export function parseUname(out: string): { kernel: string; release?: string; machine?: string } {
  const parts = out.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw unreadable('uname', 'empty');
  const [kernel, release, machine] = parts.map((p) => p.slice(0, 128));
  return { kernel: kernel!, ...(release ? { release } : {}), ...(machine ? { machine } : {}) };
}
