/**
 * Name patterns as configs write them (`fwd_*`, `y_?`): `*` matches any run of characters, `?`
 * one character, everything else itself. The one implementation for column, feature and leakage
 * exclusion patterns.
 */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** True when `name` matches any of `patterns` (plain names compare exactly). */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.includes("*") || p.includes("?") ? globToRegExp(p).test(name) : p === name));
}
