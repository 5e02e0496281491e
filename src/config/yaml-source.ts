import { readFileSync } from "node:fs";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { ConfigIssue } from "./issues.js";
import { pathKey, type ConfigPathSegments } from "./paths.js";

export interface Position {
  line: number;
  col: number;
}

/** A parsed YAML file: its plain value and where each key (or list item) is written. */
export interface YamlSource {
  /** Absolute path ("" for text not from a file). */
  path: string;
  /** How the file is named in messages. */
  display: string;
  value: unknown;
  /** Syntax errors; when present, `value` must not be used. */
  issues: ConfigIssue[];
  /** Position of the key (for mapping entries) or of the item (for list entries) at a path. */
  positionOf(path: ConfigPathSegments): Position | undefined;
  /** Position of the nearest written ancestor of `path` (the file start when none). */
  nearestPosition(path: ConfigPathSegments): Position;
}

export function readYamlFile(path: string, display: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory, not a YAML file" : `cannot read (${code ?? String(e)})`;
    return failed(path, display, [{ file: display, message: why }]);
  }
  return parseYamlText(text, path, display);
}

export function parseYamlText(text: string, path: string, display: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  const issues: ConfigIssue[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return { file: display, line: pos?.line, col: pos?.col, message: `YAML syntax error: ${firstLine(e.message)}` };
  });
  if (issues.length) return failed(path, display, issues);

  const positions = new Map<string, Position>();
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  collectPositions(doc, doc.contents as YamlNode | null, [], positions, at, issues, display);
  if (issues.length) return failed(path, display, issues);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return failed(path, display, [{ file: display, message: `YAML error: ${(e as Error).message}` }]);
  }
  return {
    path,
    display,
    value: value ?? null,
    issues: [],
    positionOf: (p) => positions.get(pathKey(p)),
    nearestPosition: (p) => {
      for (let n = p.length; n > 0; n--) {
        const pos = positions.get(pathKey(p.slice(0, n)));
        if (pos) return pos;
      }
      return { line: 1, col: 1 };
    },
  };
}

function failed(path: string, display: string, issues: ConfigIssue[]): YamlSource {
  return { path, display, value: undefined, issues, positionOf: () => undefined, nearestPosition: () => ({ line: 1, col: 1 }) };
}

/** yaml's pretty messages repeat the position and quote the source; the first line says what is wrong. */
function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function collectPositions(
  doc: Document,
  node: YamlNode | null,
  path: (string | number)[],
  out: Map<string, Position>,
  at: (offset: number) => Position,
  issues: ConfigIssue[],
  display: string,
  depth = 0,
): void {
  if (!node || depth > 64) return;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target) collectPositions(doc, target as YamlNode, path, out, at, issues, display, depth + 1);
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      if (!isScalar(keyNode)) {
        const pos = keyNode?.range ? at(keyNode.range[0]) : undefined;
        issues.push({ file: display, line: pos?.line, col: pos?.col, message: "complex (non-scalar) keys are not supported" });
        continue;
      }
      const key = String(keyNode.value);
      if (key === "<<") continue; // merge key: positions of merged entries stay with their source
      const childPath = [...path, key];
      if (keyNode.range) out.set(pathKey(childPath), at(keyNode.range[0]));
      collectPositions(doc, pair.value as YamlNode | null, childPath, out, at, issues, display, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const childPath = [...path, i];
      const n = item as YamlNode | null;
      if (n && n.range) out.set(pathKey(childPath), at(n.range[0]));
      collectPositions(doc, n, childPath, out, at, issues, display, depth + 1);
    });
  }
}
