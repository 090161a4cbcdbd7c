/*
 * Pre-flight check before `cfb` parses an untrusted compound file. cfb 1.2.2 follows FAT chains (get_sector_list)
 * and directory links (build_full_paths) without cycle checks, so a crafted .msi with a looping chain or a directory
 * entry linked twice grows an array until V8 aborts the whole process (found by fuzzing a signed package). This
 * reads only what cfb will follow, the way cfb reads it (header DIFAT until the first negative entry, then the DIFAT
 * chain; 32-bit signed sector numbers), and refuses loops; the parsing itself stays cfb's.
 */

const ENDOFCHAIN = -2;
const NOSTREAM = -1;
const DIR_ENTRY = 128;
/** A FAT that addresses more sectors than this many bytes' worth is not an installer package. */
const MAX_FAT_SECTORS = 2 ** 24;

export class CompoundFileLoopError extends Error {}

function i32(b: Uint8Array | undefined, at: number): number {
  // cfb's __readInt32LE: bytes past the end read as 0.
  if (!b) return 0;
  return ((b[at + 3] ?? 0) << 24) | ((b[at + 2] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at] ?? 0);
}

/** Throws CompoundFileLoopError when a FAT chain or the directory tree cfb would walk loops. */
export function assertNoCompoundFileLoops(file: Buffer): void {
  if (file.length < 512) return; // cfb refuses it with a normal error
  const major = file.readUInt16LE(0x1a);
  if (major !== 3 && major !== 4) return; // likewise
  const ssz = major === 3 ? 512 : 4096;
  const nSectors = Math.ceil(file.length / ssz) - 1;
  const sector = (i: number): Buffer | undefined => (Number.isInteger(i) && i >= 0 && i < nSectors ? file.subarray((i + 1) * ssz, (i + 2) * ssz) : undefined);

  // FAT sector locations, as cfb collects them.
  const fatAddrs: number[] = [];
  for (let j = 0; j < 109; j++) {
    const q = file.readInt32LE(0x4c + j * 4);
    if (q < 0) break;
    fatAddrs.push(q);
  }
  let difat = file.readInt32LE(0x44);
  let difatLeft = file.readInt32LE(0x48);
  const difatSeen = new Set<number>();
  while (difat !== ENDOFCHAIN && difat !== NOSTREAM) {
    const s = sector(difat);
    if (!s) break;
    if (difatSeen.has(difat)) throw new CompoundFileLoopError(`the DIFAT chain loops at sector ${difat}`);
    difatSeen.add(difat);
    for (let i = 0; i < ssz / 4 - 1; i++) {
      const q = i32(s, i * 4);
      if (q === ENDOFCHAIN) break;
      fatAddrs.push(q);
    }
    if (difatLeft < 1) break;
    difatLeft--;
    difat = i32(s, ssz - 4);
  }
  const domain = (fatAddrs.length * ssz) / 4;
  if (domain > MAX_FAT_SECTORS) throw new CompoundFileLoopError(`the FAT addresses ${domain} sectors`);
  const next = (j: number): number | null => {
    const fat = sector(fatAddrs[Math.floor((j * 4) / ssz)] ?? -1);
    return fat ? i32(fat, (j * 4) & (ssz - 1)) : null;
  };

  // Every FAT chain must end: walk the FAT as a graph, 1 = on the current path, 2 = known to end.
  const state = new Uint8Array(domain);
  for (let start = 0; start < domain; start++) {
    const path: number[] = [];
    let j: number | null = start;
    while (j !== null && j >= 0 && j < domain && state[j] === 0) {
      state[j] = 1;
      path.push(j);
      j = next(j);
    }
    if (j !== null && j >= 0 && j < domain && state[j] === 1) throw new CompoundFileLoopError(`a FAT chain loops at sector ${j}`);
    for (const p of path) state[p] = 2;
  }

  // Directory: each entry may be linked (as left/right sibling or child) once, the root never, and every used
  // entry must hang under the root.
  const dirBytes: Buffer[] = [];
  for (let j: number | null = file.readInt32LE(0x30), n = 0; j !== null && j >= 0 && sector(j) && n < domain + 1; j = next(j), n++) dirBytes.push(sector(j)!);
  const dir = Buffer.concat(dirBytes);
  const count = Math.floor(dir.length / DIR_ENTRY);
  const linkedFrom = new Int32Array(count).fill(-1);
  for (let id = 0; id < count; id++) {
    for (const off of [0x44, 0x48, 0x4c]) {
      const to = dir.readInt32LE(id * DIR_ENTRY + off);
      if (to === NOSTREAM) continue;
      if (to <= 0 || to >= count) throw new CompoundFileLoopError(`directory entry ${id} links to entry ${to}, which ${to === 0 ? 'is the root' : 'does not exist'}`);
      if (linkedFrom[to] !== -1) throw new CompoundFileLoopError(`directory entry ${to} is linked twice (from ${linkedFrom[to]} and ${id})`);
      linkedFrom[to] = id;
    }
  }
  for (let id = 1; id < count; id++) {
    const type = dir[id * DIR_ENTRY + 0x42];
    if (type !== 1 && type !== 2) continue;
    let up = id;
    for (let steps = 0; up !== 0; steps++) {
      if (linkedFrom[up] === -1 || steps > count) throw new CompoundFileLoopError(`directory entry ${id} is not under the root`);
      up = linkedFrom[up]!;
    }
  }
}
