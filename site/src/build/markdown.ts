/**
 * The hosted docs: every page of ../docs rendered to HTML with markdown-it, links between pages
 * rewritten from .md to .html, raw HTML in the sources disabled (the generated pages carry an HTML
 * comment banner, which is dropped, never passed through).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import MarkdownIt from "markdown-it";

export interface DocPage {
  /** Path under docs/, e.g. "tutorials/first-run.md". */
  source: string;
  /** Path of the HTML page under the site's docs/, e.g. "tutorials/first-run.html". */
  out: string;
  title: string;
  html: string;
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** `.md` links to sibling pages become `.html`; README.md is the section's index.html. */
function rewriteLink(href: string): string {
  if (/^[a-z]+:/i.test(href) || href.startsWith("#")) return href;
  return href.replace(/(^|\/)README\.md(#|$)/, "$1index.html$2").replace(/\.md(#|$)/, ".html$1");
}

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  const href = t.attrGet("href");
  if (href) t.attrSet("href", rewriteLink(String(href)));
  return defaultLinkOpen(tokens, idx, options, env, self);
};
/** GitHub's heading anchors (lower case, punctuation dropped, spaces to hyphens), so links written for GitHub work here. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9 _-]/g, "").trim().replace(/ /g, "-");
}
md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
  const inline = tokens[idx + 1];
  const text = (inline?.children ?? []).filter((c) => c.type === "text" || c.type === "code_inline").map((c) => c.content).join("");
  tokens[idx]!.attrSet("id", slug(text));
  return self.renderToken(tokens, idx, options);
};
md.renderer.rules.table_open = () => '<div class="scroll"><table>\n';
md.renderer.rules.table_close = () => "</table></div>\n";

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : f.endsWith(".md") ? [p] : [];
    });
}

export function renderDocs(docsDir: string): DocPage[] {
  return walk(docsDir).map((path) => {
    const source = relative(docsDir, path);
    const text = readFileSync(path, "utf8").replace(/^<!--[\s\S]*?-->\s*/, "");
    const title = /^#\s+(.+)$/m.exec(text)?.[1]?.replace(/`/g, "") ?? source;
    const out = source.replace(/(^|\/)README\.md$/, "$1index.md").replace(/\.md$/, ".html");
    return { source, out, title, html: md.render(text) };
  });
}
