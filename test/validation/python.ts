import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The Debian python3 with numpy, scipy and scikit-learn, used as a reference implementation. */
export const PYTHON = "/usr/bin/python3";

let cached: boolean | undefined;

/** True when PYTHON exists and imports sklearn and scipy; reference tests skip otherwise. */
export function hasSklearn(): boolean {
  if (cached !== undefined) return cached;
  if (!existsSync(PYTHON)) return (cached = false);
  try {
    execFileSync(PYTHON, ["-c", "import sklearn, scipy, numpy"], { stdio: "ignore", timeout: 30_000 });
    cached = true;
  } catch {
    cached = false;
  }
  return cached;
}

/**
 * Runs `code` with the JSON-encoded `input` bound to the variable `data`; the script must print
 * one JSON value, which is returned. NaN travels as null (JSON has no NaN).
 */
export function runPython<T>(code: string, input: unknown): T {
  const prelude = "import json, sys\ndata = json.loads(sys.stdin.read())\n";
  const out = execFileSync(PYTHON, ["-c", prelude + code], {
    input: JSON.stringify(input, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out) as T;
}
