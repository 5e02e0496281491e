import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { InputError } from "../../util/errors.js";
import { parseSynthConfig, type IssuePath, type Locator } from "./config-errors.js";
import type { SynthConfig } from "./config.js";

/**
 * Reads a synth configuration from a YAML file. Problems are reported as `FILE:LINE: key: what`,
 * found through the YAML node ranges, so a user can go straight to the line.
 */
export function readSynthConfigFile(path: string): { raw: Record<string, unknown>; config: SynthConfig; locate: Locator } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read config file ${path}${code ? ` (${code})` : ""}`, "check the --config path");
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first.linePos?.[0]?.line ?? (first.pos ? lines.linePos(first.pos[0]).line : undefined);
    throw new InputError(`${path}${line ? `:${line}` : ""}: not valid YAML: ${first.message.split("\n")[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError(`${path}: the synth config must be a mapping of keys (seed, symbols, bars, ...)`);
  }
  const locate: Locator = (p: IssuePath) => {
    const line = lineOf(doc, lines, p);
    return line ? `${path}:${line}` : path;
  };
  const config = parseSynthConfig(raw, `synth config ${path}`, locate);
  return { raw: raw as Record<string, unknown>, config, locate };
}

/** The line of the deepest node on `path` that exists in the document (keys point at the key). */
function lineOf(doc: Document, lines: LineCounter, path: IssuePath): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(key));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (node && typeof node === "object" && "items" in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[Number(key)];
      if (item === undefined) break;
      offset = (item as Node).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
