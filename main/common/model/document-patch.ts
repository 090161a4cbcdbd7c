import { z } from 'zod';

/**
 * The difference between two versions of the project document, as the few subtrees that changed.
 * Main computes it for changes that are not one edit (undo, redo, service results) so that the renderer
 * updates its copy instead of reloading 20,000 servers. Documents are never mutated in place, so a
 * subtree that is the same object in both versions is skipped without being looked into.
 */
export const PatchOpSchema = z.union([
  z.object({ path: z.array(z.union([z.string(), z.number().int().nonnegative()])), value: z.unknown() }).strict(),
  z.object({ path: z.array(z.union([z.string(), z.number().int().nonnegative()])), delete: z.literal(true) }).strict(),
]);
export type PatchOp = z.infer<typeof PatchOpSchema>;
export const DocumentPatchSchema = z.array(PatchOpSchema);

type Path = Array<string | number>;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class TooLarge extends Error {}

/**
 * Ops that turn `from` into `to` (as JSON sees them: an `undefined` value is an absent key), or null when
 * there would be more than `maxOps` of them (then reloading is as cheap and simpler).
 */
export function diffDocuments(from: unknown, to: unknown, maxOps = 50_000): PatchOp[] | null {
  const ops: PatchOp[] = [];
  // One path stack, copied only into the ops emitted: most of a big document is walked and left alone.
  const path: Path = [];
  const emit = (key: string | number | null, op: { value: unknown } | { delete: true }) => {
    if (ops.length >= maxOps) throw new TooLarge();
    ops.push({ path: key === null ? [...path] : [...path, key], ...op } as PatchOp);
  };
  const walk = (a: unknown, b: unknown): void => {
    if (a === b) return;
    if (isRecord(a) && isRecord(b)) {
      for (const key of Object.keys(b)) {
        const bv = b[key];
        const av = Object.prototype.hasOwnProperty.call(a, key) ? a[key] : undefined;
        if (bv === undefined) {
          if (av !== undefined) emit(key, { delete: true });
        } else if (av === undefined) emit(key, { value: bv });
        else if (av !== bv) {
          path.push(key);
          walk(av, bv);
          path.pop();
        }
      }
      for (const key of Object.keys(a)) {
        if (a[key] !== undefined && !Object.prototype.hasOwnProperty.call(b, key)) emit(key, { delete: true });
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = 0; i < b.length; i++) {
        if (a[i] === b[i]) continue;
        path.push(i);
        walk(a[i], b[i]);
        path.pop();
      }
      return;
    }
    // A leaf that differs, a type change, or an array whose length changed: sent whole.
    emit(null, { value: b });
  };
  try {
    walk(from, to);
  } catch (err) {
    if (err instanceof TooLarge) return null;
    throw err;
  }
  return ops;
}

/** Sets an own property even for names like `__proto__` (tags and ids come from imported files). */
function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies ops to a document without mutating it: objects along the ops' paths are copied, each once. */
export function applyPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  const fresh = new WeakSet<object>();
  const own = (node: unknown): Record<string | number, unknown> => {
    if (typeof node === 'object' && node !== null && fresh.has(node)) return node as Record<string | number, unknown>;
    const copy = Array.isArray(node) ? [...(node as unknown[])] : isRecord(node) ? { ...node } : {};
    fresh.add(copy);
    return copy as Record<string | number, unknown>;
  };
  let root: unknown = doc;
  for (const op of ops) {
    if (op.path.length === 0) {
      root = 'value' in op ? op.value : undefined;
      continue;
    }
    root = own(root);
    let parent = root as Record<string | number, unknown>;
    for (let depth = 0; depth < op.path.length - 1; depth++) {
      const key = op.path[depth]!;
      const child = own(parent[key]);
      setOwn(parent, key, child);
      parent = child;
    }
    const last = op.path[op.path.length - 1]!;
    if ('delete' in op) delete parent[last];
    else setOwn(parent, last, op.value);
  }
  return root as T;
}
