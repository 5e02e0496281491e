import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";
import { referencePages } from "../../src/docs/generate.js";
import { buildProgram } from "../../src/cli/main.js";
import { familyNames } from "../../src/models/registry.js";

const REF = new URL("../../docs/reference/", import.meta.url).pathname;

describe("generated reference (docs/reference)", () => {
  const pages = referencePages();

  it("is up to date with the schemas and the commands (run `npm run docs` when this fails)", () => {
    for (const [name, text] of pages) expect(readFileSync(join(REF, name), "utf8"), `docs/reference/${name} is stale: run npm run docs`).toBe(text);
  });

  it("`foxml docs reference --check` fails on a stale page and names it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "foxml-docs-"));
    cpSync(REF, dir, { recursive: true });
    const ok = captureIo();
    expect(await main(["docs", "reference", "--out", dir, "--check"], ok)).toBe(0);
    writeFileSync(join(dir, "cli.md"), readFileSync(join(dir, "cli.md"), "utf8").replace("foxml run", "foxml walk"));
    const io = captureIo();
    expect(await main(["docs", "reference", "--out", dir, "--check"], io)).toBe(1);
    expect(io.stderr).toContain("cli.md");
    expect(io.stderr).toContain("npm run docs");
  });

  it("lists every command and every option of the CLI", () => {
    const cli = pages.get("cli.md")!;
    const program = buildProgram({ io: captureIo(), setExitCode: () => {} });
    const walk = (cmd: typeof program, path: string) => {
      for (const sub of cmd.commands) {
        const p = `${path} ${sub.name()}`;
        expect(cli).toContain(`# ${p}\n`);
        for (const o of sub.options) expect(cli, `${p} ${o.flags}`).toContain(`\`${o.flags}\``.replace(/\|/g, "\\|"));
        walk(sub, p);
      }
    };
    walk(program, "foxml");
  });

  it("gives every pipeline key and every family hyperparameter a type and a meaning", () => {
    const cfg = pages.get("config.md")!;
    const rows = cfg.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.length).toBeGreaterThan(300);
    // A grouping key (a mapping with keys of its own below it) may go without; every leaf needs one.
    const missing = rows.filter((l) => /\|\s*\|\s*$/.test(l) && !/^\| `[^`]+` \| mapping \|/.test(l)).map((l) => l.split("|")[1]!.trim());
    expect(missing, `keys without a meaning (add .describe() to the schema or a comment in config/pipeline/*.yaml): ${missing.join(", ")}`).toEqual([]);
    for (const f of familyNames()) expect(cfg).toContain(`### ${f}\n`);
  });

  it("documents every run-folder file that has a schema with its fields", () => {
    const rf = pages.get("run-folder.md")!;
    for (const f of ["summary.json", "manifest.json", "evaluation/<target>.json", "model_family_status.json", "target_rankings.json / .csv"]) expect(rf).toContain(`## ${f}`);
    expect(rf).toContain("`status`");
  });
});
