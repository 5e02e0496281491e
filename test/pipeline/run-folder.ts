/** Reading what a `foxml run` wrote, for the end-to-end tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** The one run folder in `out` (the run registry, registry.sqlite*, is an index beside it). */
export function runDir(out: string): string {
  const dirs = readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"));
  expect(dirs).toHaveLength(1);
  return join(out, dirs[0]);
}

export function json<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The report's overview facts (Status, Started, Finished, Duration, ...) as text, from report.html. */
export function reportFacts(page: string): Record<string, string> {
  const facts = page.slice(page.indexOf('<dl class="facts">'), page.indexOf("</dl>"));
  const text = (s: string) => s.replace(/<[^>]+>/g, "").trim();
  return Object.fromEntries([...facts.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map((m) => [text(m[1]), text(m[2])]));
}

/** The rows of the report's "Where the time went" table, cells as text. */
export function reportTimingRows(page: string): string[][] {
  const start = page.indexOf('<section id="timing">');
  const section = page.slice(start, page.indexOf("</section>", start));
  return [...section.matchAll(/<tr>(.*?)<\/tr>/g)]
    .map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, "").trim()))
    .filter((r) => r.length > 0);
}
