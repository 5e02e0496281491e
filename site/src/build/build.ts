/**
 * `npm run site:build`: the static part of the site into site/dist (any static host can serve it;
 * the forms and checkout need the server, `npm run site:dev` or site/src/server). Written to a
 * temporary folder and renamed, so a failed build never leaves half a site.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadTiers, SITE_ROOT } from "../config.js";
import { benchLines, newestRun } from "./evidence.js";
import { FAVICON_SVG, shell, SITE_CSS } from "./html.js";
import { renderDocs } from "./markdown.js";
import { docPage, homePage, overviewPage, pricingPage, requestAccessPage } from "./pages.js";

export interface BuildOptions {
  out?: string;
  runsDir?: string;
  benchDir?: string;
  docsDir?: string;
}

export function buildSite(o: BuildOptions = {}): { out: string; pages: string[] } {
  const repo = resolve(SITE_ROOT, "..");
  const out = resolve(o.out ?? join(SITE_ROOT, "dist"));
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const pages: string[] = [];
  const write = (rel: string, text: string) => {
    const p = join(tmp, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    pages.push(rel);
  };
  const tiers = loadTiers();
  const run = newestRun(o.runsDir ?? join(repo, "runs"));
  write("index.html", homePage(run, benchLines(o.benchDir ?? join(repo, "bench", "results"))));
  if (run) {
    copyFileSync(join(run.dir, "report.html"), join(tmp, "report.html"));
    pages.push("report.html");
  }
  write("pricing.html", pricingPage(tiers));
  write("request-access.html", requestAccessPage(tiers));
  write("overview.html", overviewPage());
  const docs = renderDocs(o.docsDir ?? join(repo, "docs"));
  for (const d of docs) write(join("docs", d.out), docPage(d));
  write("assets/site.css", SITE_CSS);
  write("assets/favicon.svg", FAVICON_SVG);
  write("404.html", shell("Page not found", "", '<h1>Page not found</h1><p><a href="/">Home</a></p>'));
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return { out, pages };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(SITE_ROOT, "src/build/build.ts")) {
  const r = buildSite({ out: process.argv[2] });
  process.stdout.write(`built ${r.pages.length} files into ${r.out}${existsSync(join(r.out, "report.html")) ? "" : " (no finished run found: the homepage says so)"}\n`);
}
