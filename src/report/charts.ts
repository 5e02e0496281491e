/**
 * Vega-Lite specs rendered to SVG strings in Node, without a browser or a canvas: vega's headless
 * View (renderer "none") and its SVG string output. The SVG is then made fit to be inlined many
 * times in one HTML page and to be byte-for-byte the same on every build:
 * - vega numbers clip paths and gradients from process-wide counters ("clip7"), which differ from
 *   build to build and collide between charts on one page; ids are renumbered under a per-chart prefix;
 * - coordinates are written with up to 15 decimals; one (a tenth of a pixel) is plenty;
 * - the XML namespace declarations are dropped (HTML parsers place inline <svg> without them);
 * - the root gets role="img" and the spec's description as its label (marks carry no ARIA of their own).
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { escapeHtml } from "./safe-html.js";

/** Renders `spec` to an SVG string whose ids all start with `idPrefix` (letters, digits, '-', '_'). */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(idPrefix)) throw new Error(`renderSvg: invalid id prefix "${idPrefix}"`);
  const compiled = compile(spec).spec;
  // No loader access is ever needed (data is inline); a loader that refuses makes sure of it.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`report charts load no external resources (asked for ${uri})`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader, logLevel: vega.Error });
  try {
    return labelSvg(tidySvg(await view.toSVG(), idPrefix), typeof spec.description === "string" ? spec.description : "chart");
  } finally {
    view.finalize();
  }
}

/** The post-processing described at the top of this file; exported for tests. */
export function tidySvg(svg: string, idPrefix: string): string {
  const ids = new Map<string, string>();
  const idFor = (old: string) => {
    let id = ids.get(old);
    if (id === undefined) {
      id = `${idPrefix}-${ids.size + 1}`;
      ids.set(old, id);
    }
    return id;
  };
  // Text nodes cannot contain '<' (vega escapes it), so this splits the document into tags and
  // text exactly; only tags are rewritten, never a label that happens to look like an attribute.
  return svg
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (!part.startsWith("<")) return part;
      let tag = part.replace(/\s+xmlns(?::\w+)?="[^"]*"/g, "");
      tag = tag.replace(/\bid="([^"]+)"|url\(#([^)]+)\)|href="#([^"]+)"/g, (m, id?: string, url?: string, href?: string) => {
        if (id !== undefined) return `id="${idFor(id)}"`;
        if (url !== undefined) return `url(#${idFor(url)})`;
        return `href="#${idFor(href as string)}"`;
      });
      return tag.replace(/\s(d|transform|x|y|x1|x2|y1|y2|width|height|points|viewBox)="([^"]*)"/g, (_m, name: string, value: string) => ` ${name}="${roundNumbers(value)}"`);
    })
    .join("");
}

/** Marks the root <svg> as one image with `label` as its accessible name. */
export function labelSvg(svg: string, label: string): string {
  return svg.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(label)}"`);
}

/** Numbers in an attribute value rounded to one decimal, without trailing zeros. */
function roundNumbers(value: string): string {
  return value.replace(/-?\d*\.\d+(?:e-?\d+)?/g, (n) => {
    const r = Math.round(Number(n) * 10) / 10;
    return Object.is(r, -0) ? "0" : String(r);
  });
}
