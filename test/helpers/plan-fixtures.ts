import { readFileSync } from 'node:fs';
import { emptyProject, type ProjectDocument } from '../../main/common/model/project';
import { parseProjectText } from '../../main/common/model/migrations';
import type { Server } from '../../main/common/model/server';

/** A plain inventory server for planning tests. */
export function makeServer(id: string, over: Partial<Server> = {}): Server {
  return {
    id,
    name: id.toUpperCase(),
    source: { kind: 'manual', name: 'test' },
    vmManager: { type: 'vsphere' },
    identity: {},
    place: { folder: 'Apps' },
    state: { power: 'poweredOn', template: false },
    os: { configured: 'Red Hat Enterprise Linux 8 (64-bit)', family: 'linux' },
    firmware: { type: 'bios' },
    cpu: { vcpus: 2 },
    memoryMiB: 8192,
    disks: [{ label: 'Hard disk 1', capacityMiB: 50 * 1024 }],
    partitions: [],
    nics: [],
    snapshots: [],
    tags: {},
    provenance: {},
    ...over,
  };
}

export function docWithServers(n: number, prefix = 's'): ProjectDocument {
  const doc = emptyProject({ id: 'p1', name: 'Test', now: '2026-11-22T00:00:00.000Z' });
  return { ...doc, inventory: { ...doc.inventory, servers: Array.from({ length: n }, (_, i) => makeServer(`${prefix}${i + 1}`)) } };
}

export function loadDemo(): ProjectDocument {
  return parseProjectText(readFileSync(new URL('../../assets/demo/demo-estate.mwb.json', import.meta.url), 'utf8')).document;
}
