import { count, MAX_ENTRIES, text, unreadable } from './parse-common';

export interface BlockDevice {
  name: string;
  type: string;
  sizeBytes: number;
  model?: string;
  serial?: string;
  fstype?: string;
  mountpoint?: string;
  /** The whole disk this device belongs to (a partition's or LVM volume's parent disk); itself for a disk. */
  disk: string;
}

/**
 * `lsblk -J -b -o NAME,KNAME,TYPE,SIZE,MODEL,SERIAL,FSTYPE,MOUNTPOINT`: the device tree flattened, children
 * after their parent. util-linux before 2.33 prints sizes as strings, later ones as numbers: both are read.
 */
export function parseLsblk(out: string): BlockDevice[] {
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch (e) {
    throw unreadable('lsblk -J', e instanceof Error ? e.message : 'not JSON');
  }
  const top = (json as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(top)) throw unreadable('lsblk -J', 'no "blockdevices" list');
  const res: BlockDevice[] = [];
  const walk = (nodes: unknown[], disk: string | undefined, depth: number) => {
    if (depth > 16) return;
    for (const n of nodes) {
      if (res.length >= MAX_ENTRIES) return;
      if (typeof n !== 'object' || n === null) continue;
      const o = n as Record<string, unknown>;
      const name = text(o.name) ?? text(o.kname);
      if (!name) continue;
      const type = text(o.type) ?? 'unknown';
      const d: BlockDevice = { name, type, sizeBytes: count(o.size) ?? 0, disk: disk ?? name };
      const model = text(o.model);
      const serial = text(o.serial);
      const fstype = text(o.fstype);
      const mountpoint = text(o.mountpoint) ?? (Array.isArray(o.mountpoints) ? text(o.mountpoints.find((m) => typeof m === 'string' && m)) : undefined);
      if (model) d.model = model;
      if (serial) d.serial = serial;
      if (fstype) d.fstype = fstype;
      if (mountpoint) d.mountpoint = mountpoint;
      res.push(d);
      if (Array.isArray(o.children)) walk(o.children, d.disk, depth + 1);
    }
  };
  walk(top, undefined, 0);
  return res;
}
