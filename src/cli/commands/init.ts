import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../program.js";
import { BUNDLED_CONFIG_DIR } from "../../config/config-dir.js";
import { displayPath } from "../../config/sources.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { InputError } from "../../util/errors.js";

// `foxml init DIR`: a project folder with the bundled configuration as a commented starting point.
export function registerInitCommand(program: Command, ctx: CommandContext): void {
  program
    .command("init")
    .description("create DIR/config with commented pipeline settings, family files and example experiments that validate as they are")
    .argument("<dir>", "project folder to create (may exist; existing files are never overwritten without --force)")
    .option("--force", "overwrite files that already exist")
    .action((dir: string, opts: { force?: boolean }) => {
      const cwd = process.cwd();
      const dest = join(resolve(dir), "config");
      const files = templateFiles(BUNDLED_CONFIG_DIR);
      if (files.length === 0) throw new InputError(`no configuration templates found in ${BUNDLED_CONFIG_DIR}`, "the foxml installation is incomplete; reinstall it");
      const targets = files.map((rel) => ({ from: join(BUNDLED_CONFIG_DIR, rel), to: join(dest, rel) }));
      const existing = targets.filter((t) => existsSync(t.to));
      if (existing.length && !opts.force) {
        const list = existing.slice(0, 10).map((t) => `  ${displayPath(t.to, cwd)}`);
        if (existing.length > 10) list.push(`  ... and ${existing.length - 10} more`);
        throw new InputError(`${existing.length} file(s) already exist; nothing was written:\n${list.join("\n")}`, "pass --force to overwrite them, or choose another folder");
      }
      for (const t of targets) writeFileAtomic(t.to, readFileSync(t.from));
      for (const t of targets) ctx.io.out(`created ${displayPath(t.to, cwd)}\n`);
      const shown = displayPath(resolve(dir), cwd);
      ctx.io.out(
        `\nnext:\n  cd ${shown}\n  foxml config validate\n  foxml config show --resolved --experiment config/experiments/example.yaml\n  foxml run --experiment config/experiments/example.yaml\n`,
      );
    });
}

/** Files of the bundled config dir, relative to it: the YAML files, the JSON Schema and the README. */
function templateFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ya?ml|json|md)$/i.test(name)) out.push(relative(root, full));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}
