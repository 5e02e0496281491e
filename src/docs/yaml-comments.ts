/**
 * The comments of the commented config files (config/pipeline/*.yaml), by key path: most keys
 * carry a one-line explanation there, written for users, and the generated reference uses it
 * where the schema has no description of its own, so the two never drift apart silently.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isMap, isPair, isScalar, parseDocument, type Node as YamlNode } from "yaml";

/** `pipeline.ranking.top_n` -> "targets that continue to selection and training". */
export function yamlKeyComments(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    const doc = parseDocument(readFileSync(join(dir, name), "utf8"));
    collect(doc.contents as YamlNode | null, [], out);
  }
  return out;
}

function collect(node: YamlNode | null, path: string[], out: Map<string, string>): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const keyPath = [...path, String(pair.key.value)];
    const value = pair.value as YamlNode | null;
    // A trailing comment sits on the value (scalars) or on the key (a mapping opened on the line).
    const text = (isScalar(value) ? value.comment : undefined) ?? (pair.key as { comment?: string }).comment ?? (isMap(value) ? firstLineComment(value.commentBefore) : undefined);
    if (text && !out.has(keyPath.join("."))) out.set(keyPath.join("."), text.trim().split("\n")[0]!.trim());
    collect(value, keyPath, out);
  }
}

/**
 * A mapping opened with a trailing comment (`significance:   # why`) keeps it as the comment
 * before its first entry; a comment on lines of its own above a key is an example, not a meaning.
 */
function firstLineComment(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const first = text.split("\n")[0]!.trim();
  return /^[a-z_]+:/.test(first) ? undefined : first || undefined;
}
