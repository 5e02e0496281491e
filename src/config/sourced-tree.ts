import { isPlainObject, isPrefix, pathKey, type ConfigPathSegments } from "./paths.js";
import type { Source } from "./sources.js";

/**
 * A configuration value built by applying layers in precedence order, remembering for every
 * written node which layer wrote it. Mappings merge key by key, except a mapping whose `kind`
 * changes (another member of a union), which replaces; lists and scalars replace whole (a list
 * from a higher layer is the list, not a patch of the lower one).
 */
export class SourcedTree {
  value: Record<string, unknown> = {};
  private readonly sources = new Map<string, { path: (string | number)[]; source: Source }>();

  /** Applies `v` at `path`; `sourceAt(p)` says where the node at absolute path p was written. */
  apply(path: ConfigPathSegments, v: unknown, sourceAt: (p: ConfigPathSegments) => Source): void {
    if (path.length === 0) {
      if (!isPlainObject(v)) throw new Error("the root of a configuration layer must be a mapping");
      for (const [k, child] of Object.entries(v)) this.apply([k], child, sourceAt);
      return;
    }
    const parent = this.containerFor(path.slice(0, -1), sourceAt);
    const last = path[path.length - 1];
    const existing = (parent as any)[last];
    if (isPlainObject(v)) {
      // A union member chosen by `kind` (strategies) replaces the lower layer's member whole: its
      // keys belong to another kind and would be errors (or silently read) if merged.
      const otherKind = isPlainObject(existing) && "kind" in v && "kind" in existing && v.kind !== existing.kind;
      if (!isPlainObject(existing) || otherKind) {
        this.clearBelow(path);
        (parent as any)[last] = {};
        this.sources.set(pathKey(path), { path: [...path], source: sourceAt(path) });
      }
      for (const [k, child] of Object.entries(v)) this.apply([...path, k], child, sourceAt);
      return;
    }
    // Only a container has recorded descendants to forget.
    if (existing !== null && typeof existing === "object") this.clearBelow(path);
    (parent as any)[last] = clone(v);
    this.recordAll(path, v, sourceAt);
  }

  /** The layer that wrote the node at `path`, or of its nearest written ancestor. */
  sourceOf(path: ConfigPathSegments): Source | undefined {
    for (let n = path.length; n >= 1; n--) {
      const hit = this.sources.get(pathKey(path.slice(0, n)));
      if (hit) return hit.source;
    }
    return undefined;
  }

  /** Every written node (leaf or container) with its source, in insertion order. */
  entries(): { path: (string | number)[]; source: Source }[] {
    return [...this.sources.values()];
  }

  private containerFor(path: ConfigPathSegments, sourceAt: (p: ConfigPathSegments) => Source): Record<string, unknown> | unknown[] {
    let cur: any = this.value;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      let next = cur[seg];
      if (next === null || typeof next !== "object") {
        next = {};
        cur[seg] = next;
        this.clearBelow(path.slice(0, i + 1));
        this.sources.set(pathKey(path.slice(0, i + 1)), { path: path.slice(0, i + 1) as (string | number)[], source: sourceAt(path.slice(0, i + 1)) });
      }
      cur = next;
    }
    return cur;
  }

  private clearBelow(path: ConfigPathSegments): void {
    for (const [k, e] of this.sources) if (isPrefix(path, e.path)) this.sources.delete(k);
  }

  private recordAll(path: ConfigPathSegments, v: unknown, sourceAt: (p: ConfigPathSegments) => Source): void {
    this.sources.set(pathKey(path), { path: [...path], source: sourceAt(path) });
    if (Array.isArray(v)) v.forEach((item, i) => this.recordAll([...path, i], item, sourceAt));
    else if (isPlainObject(v)) for (const [k, child] of Object.entries(v)) this.recordAll([...path, k], child, sourceAt);
  }
}

export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, clone(c)])) as T;
  return v;
}

/** Paths of the leaves of a value: scalars, lists and empty mappings. */
export function leafPaths(v: unknown, base: (string | number)[] = []): (string | number)[][] {
  if (isPlainObject(v) && Object.keys(v).length > 0) return Object.entries(v).flatMap(([k, c]) => leafPaths(c, [...base, k]));
  return [base];
}
