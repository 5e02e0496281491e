/** A location inside a configuration value: object keys and array indices. */
export type ConfigPathSegments = readonly (string | number)[];

/** `pipeline.leakage.purge_buffer_bars`, `families.0.variant`: the form used by --set, get() and error messages. */
export function formatPath(path: ConfigPathSegments): string {
  return path.map(String).join(".");
}

/** Splits a dotted path; segments that are whole non-negative integers become array indices. */
export function parsePath(dotted: string): (string | number)[] {
  if (dotted.trim() === "") return [];
  return dotted.split(".").map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** A map key for a path; JSON keeps keys that contain dots unambiguous. */
export function pathKey(path: ConfigPathSegments): string {
  return JSON.stringify(path);
}

export function isPrefix(prefix: ConfigPathSegments, path: ConfigPathSegments): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Reads a value at a path, or undefined when any step is missing. */
export function valueAt(root: unknown, path: ConfigPathSegments): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
    else if (isPlainObject(cur) && typeof seg === "string" && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}
