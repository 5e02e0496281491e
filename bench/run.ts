/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which compares FoxML with a reference
 * implementation side by side and prints ratios (absolute times on shared machines are noise).
 */
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [--json]\navailable: ${available.join(", ") || "(none)"}\n`);
  process.exit(2);
}
const file = join(here, `${name}.ts`);
if (!existsSync(file)) process.exit(2);
const mod = (await import(pathToFileURL(file).href)) as { run(args: string[]): Promise<number | void> };
const code = await mod.run(rest);
process.exitCode = typeof code === "number" ? code : 0;
