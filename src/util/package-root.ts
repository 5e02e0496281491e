import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

/**
 * The folder holding FoxML's own package.json, found upwards from this module, so it works from
 * src/ (tests, tsx) and from dist/ (the installed command) alike.
 */
export function foxmlPackageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "foxml") return (cachedRoot = dir);
    } catch {
      // no package.json here: keep going up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find FoxML's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
