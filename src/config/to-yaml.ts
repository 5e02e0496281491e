import { Document, isMap, isScalar, isSeq, isPair, type Node as YamlNode } from "yaml";
import { isPlainObject, type ConfigPathSegments } from "./paths.js";

/**
 * YAML text of a configuration value; with `comment(path)`, each leaf carries a trailing comment
 * (where it came from). Lists of scalars are written inline so the comment sits on their line.
 */
export function valueToYaml(value: unknown, comment?: (path: ConfigPathSegments) => string | undefined): string {
  const doc = new Document(value);
  if (comment) annotate(doc.contents as YamlNode, [], comment);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function annotate(node: YamlNode | null, path: (string | number)[], comment: (p: ConfigPathSegments) => string | undefined): void {
  if (!node) return;
  if (isMap(node)) {
    if (node.items.length === 0) {
      node.flow = true;
      setComment(node, comment(path));
      return;
    }
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      annotate(pair.value as YamlNode | null, [...path, String(pair.key.value)], comment);
    }
    return;
  }
  if (isSeq(node)) {
    const allScalar = node.items.every((i) => isScalar(i));
    if (allScalar) {
      node.flow = true;
      setComment(node, comment(path));
      return;
    }
    node.items.forEach((item, i) => annotate(item as YamlNode, [...path, i], comment));
    return;
  }
  setComment(node, comment(path));
}

function setComment(node: YamlNode, text: string | undefined): void {
  if (text) node.comment = ` ${text}`;
}

/** Keeps only the parts of a value for which `keep(path)` holds at the leaves (lists of scalars are leaves). */
export function pruneValue(value: unknown, keep: (path: ConfigPathSegments) => boolean, path: (string | number)[] = []): unknown {
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = pruneValue(v, keep, [...path, k]);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (Array.isArray(value) && value.some((v) => isPlainObject(v) || Array.isArray(v))) {
    if (!keep(path)) return undefined;
    return value.map((v, i) => pruneValue(v, keep, [...path, i]) ?? {});
  }
  return keep(path) ? value : undefined;
}
