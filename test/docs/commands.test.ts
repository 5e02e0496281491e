/**
 * Every command shown in a `sh` block of a tutorial or how-to guide runs, in order, as a user would
 * type it: in a fresh folder holding the bundled data and a copy of the bundled config, through the
 * real `foxml` binary, and must exit 0. `runs/<run>` stands for the newest run folder there.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "bin", "foxml.js");
const PAGES = ["tutorials", "how-to"].flatMap((dir) =>
  readdirSync(join(ROOT, "docs", dir))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `${dir}/${f}`),
);

/** The lines of every ```sh block, without comments and blank lines. */
function shellCommands(markdown: string): string[] {
  const out: string[] = [];
  const blocks = markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm);
  for (const b of blocks) {
    for (const raw of b[1]!.split("\n")) {
      const line = raw.replace(/\s+#\s.*$/, "").trim();
      if (line && !line.startsWith("#")) out.push(line);
    }
  }
  return out;
}

/** Shell words: spaces split, single and double quotes group (no expansions are used in the docs). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let cur = "";
  let last = 0;
  for (const m of line.matchAll(re)) {
    const piece = m[1] ?? m[2] ?? m[3]!;
    if (m.index! > last && cur) {
      out.push(cur);
      cur = "";
    }
    cur += piece;
    last = m.index! + m[0].length;
  }
  if (cur) out.push(cur);
  return out;
}

function newestRun(cwd: string): string {
  const runs = join(cwd, "runs");
  const dirs = existsSync(runs) ? readdirSync(runs).filter((d) => /^\d{8}T\d{6}Z-/.test(d)).sort() : [];
  if (dirs.length === 0) throw new Error("a command names runs/<run> but no run folder exists yet");
  return `runs/${dirs[dirs.length - 1]}`;
}

const workDirs: string[] = [];
afterAll(() => {
  for (const d of workDirs) rmSync(d, { recursive: true, force: true });
});

describe("commands shown in the docs", () => {
  it("finds the pages and their commands", () => {
    expect(PAGES).toContain("tutorials/first-run.md");
    expect(shellCommands("```sh\nnpx foxml run   # go\n\n# note\n```\n```yaml\nx: 1\n```\n")).toEqual(["npx foxml run"]);
    expect(words(`npx foxml leakage --features 'sig_*,noise_*' --x "a b"`)).toEqual(["npx", "foxml", "leakage", "--features", "sig_*,noise_*", "--x", "a b"]);
  });

  for (const page of PAGES) {
    it(`${page}: every command exits 0`, { timeout: 1_200_000 }, () => {
      const commands = shellCommands(readFileSync(join(ROOT, "docs", page), "utf8"));
      const cwd = mkdtempSync(join(tmpdir(), "foxml-docs-cmd-"));
      workDirs.push(cwd);
      symlinkSync(join(ROOT, "datasets"), join(cwd, "datasets"));
      cpSync(join(ROOT, "config"), join(cwd, "config"), { recursive: true });
      for (const command of commands) {
        if (command.startsWith("npm ")) continue; // installing and testing the project itself
        const argv = words(command.replace("runs/<run>", () => newestRun(cwd)));
        expect(argv.slice(0, 2), `${page}: "${command}" is not a foxml command`).toEqual(["npx", "foxml"]);
        const unresolved = argv.find((a) => /<[^>]+>/.test(a));
        expect(unresolved, `${page}: "${command}" has a placeholder the test cannot fill`).toBeUndefined();
        const r = spawnSync(process.execPath, [BIN, ...argv.slice(2)], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        expect(r.status, `${page}: "${command}" exited ${r.status}\n${r.stderr.slice(-3000)}`).toBe(0);
      }
    });
  }
});
