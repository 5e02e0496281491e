import { allKeyPaths, keysOf, schemaAt, type AnySchema } from "./schema-walk.js";
import { formatPath, isPlainObject, type ConfigPathSegments } from "./paths.js";

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/** Case, dashes and spaces do not count as differences: `Purge-Buffer-Bars` ~ `purge_buffer_bars`. */
function normalizeKey(k: string): string {
  return k.toLowerCase().replace(/[-\s]/g, "_");
}

/** The candidate closest to `word`, when it is close enough to be a plausible typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = normalizeKey(word);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, normalizeKey(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(Math.max(w.length, best.length) / 3)));
  if (bestD <= limit) return best;
  // A longer or shorter form of the same word: "warning" for "warn", "seeds" for "seed".
  const stems = candidates.filter((c) => {
    const n = normalizeKey(c);
    return Math.min(n.length, w.length) >= 3 && (n.startsWith(w) || w.startsWith(n));
  });
  return stems.length === 1 ? stems[0] : undefined;
}

export interface KeySuggestion {
  /** The full path the key probably belongs at. */
  path: string;
  /** True when the key is valid elsewhere in the tree rather than a typo of a sibling. */
  wrongParent: boolean;
  /** Text for messages: "did you mean x? ...". */
  text: string;
}

/**
 * What an unknown key most likely meant. A close sibling is a typo; a key that exists under another
 * parent is a block indented (or placed) under the wrong parent — the failure that once let leakage
 * thresholds be silently ignored. When the value is a block, candidates are ranked by how many of
 * its child keys they accept, so `thresholds: {target_correlation: ...}` finds pipeline.leakage.thresholds.
 */
export function suggestKey(root: AnySchema, parent: ConfigPathSegments, key: string, value: unknown, prefix: ConfigPathSegments = []): KeySuggestion | undefined {
  const parentSchema = schemaAt(root, parent);
  const siblings = parentSchema ? keysOf(parentSchema) : [];
  const typo = nearest(key, siblings);

  const allPaths = allKeyPaths(root);
  const parentStr = parent.map((s) => (typeof s === "number" ? "*" : s)).join(".");
  const normalized = normalizeKey(key);
  let elsewhere = allPaths.filter((p) => normalizeKey(p[p.length - 1]) === normalized && p.slice(0, -1).join(".") !== parentStr);
  if (elsewhere.length === 0 && !typo) {
    // A misspelled key under the wrong parent: only accept very close matches across the tree.
    const names = [...new Set(allPaths.map((p) => p[p.length - 1]))];
    const near = nearest(key, names);
    // A block is strong evidence on its own; a scalar needs a nearly exact name.
    if (near && (isPlainObject(value) || editDistance(normalizeKey(near), normalized) <= 1)) elsewhere = allPaths.filter((p) => p[p.length - 1] === near);
  }

  const fullPath = (p: readonly (string | number)[]) => formatPath([...prefix, ...p]);
  const isBlock = isPlainObject(value);
  if (elsewhere.length > 0 && (isBlock || !typo)) {
    const best = rankByFit(root, elsewhere, value);
    const path = fullPath(best);
    const what = isBlock ? "this block appears to be indented under the wrong parent" : "this key appears to be under the wrong parent";
    return { path, wrongParent: true, text: `did you mean ${path}? ${what}` };
  }
  if (typo) {
    const path = fullPath([...parent, typo]);
    return { path, wrongParent: false, text: `did you mean ${path}?` };
  }
  return undefined;
}

function rankByFit(root: AnySchema, candidates: string[][], value: unknown): string[] {
  if (candidates.length === 1 || !isPlainObject(value)) return shortest(candidates);
  const childKeys = Object.keys(value);
  let best = candidates[0];
  let bestScore = -1;
  for (const c of candidates) {
    const s = schemaAt(root, c.map((seg) => (seg === "*" ? 0 : seg)));
    const accepted = new Set(s ? keysOf(s) : []);
    const score = childKeys.filter((k) => accepted.has(k)).length;
    if (score > bestScore || (score === bestScore && c.length < best.length)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function shortest(candidates: string[][]): string[] {
  return candidates.reduce((a, b) => (b.length < a.length ? b : a));
}
