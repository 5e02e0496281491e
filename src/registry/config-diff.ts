/**
 * Key-path differences between resolved configs: which settings differ between runs, and how.
 *
 * Objects are compared key by key. Arrays whose items are all objects with distinct string `name`s
 * (targets, families) are compared item by item under `path[name]`, so adding a target or changing
 * one family's hyperparameter is reported as exactly that rather than as "the list differs". Any
 * other array (symbols, windows) is one value. A key or list item present in one config and not in
 * another is one difference at that key (its whole value against "absent").
 */
import { canonicalJson } from "../util/hash.js";

export interface ConfigDifference {
  /** e.g. `pipeline.leakage.purge_buffer_bars`, `targets[fwd_ret_5].definition.horizon`. */
  path: string;
  /** One per config, in order: the value's canonical JSON text, or null when the path is absent there. */
  values: (string | null)[];
}

const ABSENT: unique symbol = Symbol("absent");
type Slot = unknown | typeof ABSENT;

/** Differences between `configs` (two or more), sorted by path. */
export function diffConfigs(configs: readonly unknown[]): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  walk(configs, "", out);
  return out;
}

function walk(slots: readonly Slot[], path: string, out: ConfigDifference[]): void {
  const present = slots.filter((s) => s !== ABSENT);
  // A whole section or list item missing from some configs is one difference, not one per leaf.
  const someAbsent = present.length < slots.length;
  if (!someAbsent && present.every(isPlainObject)) {
    const keys = new Set<string>();
    for (const o of present) for (const k of Object.keys(o as object)) if ((o as Record<string, unknown>)[k] !== undefined) keys.add(k);
    for (const k of [...keys].sort()) {
      walk(
        slots.map((s) => (s === ABSENT ? ABSENT : childOf(s as Record<string, unknown>, k))),
        joinKey(path, k),
        out,
      );
    }
    return;
  }
  // An empty list sits with named lists, so `families: []` vs `[gbdt]` reads as "families[gbdt] added".
  if (!someAbsent && present.some(isNamedList) && present.every((v) => isNamedList(v) || (Array.isArray(v) && v.length === 0))) {
    const names: string[] = [];
    for (const list of present) for (const item of list as { name: string }[]) if (!names.includes(item.name)) names.push(item.name);
    for (const name of names) {
      walk(
        slots.map((s) => (s === ABSENT ? ABSENT : ((s as { name: string }[]).find((i) => i.name === name) ?? ABSENT))),
        `${path}[${name}]`,
        out,
      );
    }
    return;
  }
  const texts = slots.map((s) => (s === ABSENT ? null : jsonText(s)));
  if (texts.some((t) => t !== texts[0])) out.push({ path: path === "" ? "(whole config)" : path, values: texts });
}

function childOf(o: Record<string, unknown>, k: string): Slot {
  return Object.hasOwn(o, k) && o[k] !== undefined ? o[k] : ABSENT;
}

function isPlainObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A non-empty array of objects with distinct string names. */
function isNamedList(v: unknown): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  const seen = new Set<string>();
  for (const item of v) {
    const name = isPlainObject(item) ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== "string" || seen.has(name)) return false;
    seen.add(name);
  }
  return true;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function joinKey(path: string, key: string): string {
  const part = IDENTIFIER.test(key) ? key : JSON.stringify(key);
  if (path === "") return IDENTIFIER.test(key) ? key : `[${part}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${part}]`;
}

function jsonText(v: unknown): string {
  try {
    return canonicalJson(v);
  } catch {
    // Values JSON cannot hold do not occur in a manifest read from JSON; keep a readable form anyway.
    return String(v);
  }
}
