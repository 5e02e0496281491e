/**
 * docs/reference/cli.md from the commander definitions themselves (the same program `foxml` runs),
 * so every command, argument and option is listed with its description and default.
 */
import type { Command, Option } from "commander";
import { buildProgram } from "../cli/main.js";
import { code, generatedBanner, table } from "./markdown.js";

const INTRO = `# Command-line reference

Every \`foxml\` command and option. Each command also prints its own help with \`--help\`. Exit
codes: 0 success; 1 failure or a run with no result; 2 bad usage or bad input (the message names
the file, line or key and what to do).`;

function optionRow(o: Option): string[] {
  const dflt = o.defaultValue === undefined ? "" : code(JSON.stringify(o.defaultValue));
  const choices = o.argChoices ? ` (one of ${o.argChoices.join(", ")})` : "";
  return [code(o.flags), `${o.description ?? ""}${choices}`, dflt];
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function section(cmd: Command, depth: number): string[] {
  const parts: string[] = [];
  const path = commandPath(cmd);
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}${a.variadic ? "..." : ""}]`));
  const usage = [path, cmd.options.length ? "[options]" : "", ...args, cmd.commands.length ? "<command>" : ""].filter(Boolean).join(" ");
  parts.push(`${"#".repeat(Math.min(depth + 1, 4))} ${path}\n\n${cmd.description()}\n\n${code(usage)}`);
  if (cmd.registeredArguments.length) {
    parts.push(table(["argument", "meaning"], cmd.registeredArguments.map((a) => [code(a.name()), a.description ?? ""])));
  }
  const options = cmd.options.filter((o) => !o.hidden);
  if (options.length) parts.push(table(["option", "meaning", "default"], options.map(optionRow)));
  for (const sub of cmd.commands) parts.push(...section(sub, depth + 1));
  return parts;
}

export function cliReference(): string {
  const program = buildProgram({ io: { out: () => {}, err: () => {} } as never, setExitCode: () => {} });
  const parts = [generatedBanner(), INTRO];
  for (const cmd of program.commands) parts.push(...section(cmd, 1));
  return parts.join("\n\n") + "\n";
}
