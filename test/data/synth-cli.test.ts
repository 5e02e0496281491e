import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";
import { parseSynthConfig } from "../../src/data/synth/index.js";

const root = mkdtempSync(join(tmpdir(), "foxml-synth-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `m${++n}`);

async function synth(...args: string[]) {
  const io = captureIo();
  const code = await main(["data", "synth", ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

const tiny = ["--symbols", "3", "--bars", "60"];

describe("foxml data synth", () => {
  it("writes a long CSV with planted signals and leaks and says where", async () => {
    const out = fresh();
    const r = await synth(out, ...tiny, "--seed", "5", "--plant-signals", "--plant-leaks");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("wrote 3 symbols");
    expect(r.out).toContain(join(out, "bars.csv"));
    expect(r.out).toContain("sig_h5 (horizon 5, IC 0.1)");
    expect(r.out).toContain("leak_future_close (future_close)");
    expect(r.out).toContain("predictable forward-return horizons: 5, 20");
    const header = readFileSync(join(out, "bars.csv"), "utf8").split("\n")[0];
    expect(header).toBe(
      "timestamp,symbol,open,high,low,close,volume,sig_h5,sig_h20,noise_1,noise_2,noise_3,leak_fwd_copy,leak_future_close,leak_centered_ma,leak_fwd_sign",
    );
    const manifest = JSON.parse(readFileSync(join(out, "synth_manifest.json"), "utf8"));
    expect(manifest.config).toMatchObject({ seed: 5, symbols: 3, bars: 60, signals: { plant: true }, leaks: { plant: true } });
  });

  it("writes every format and layout", async () => {
    const cases: [string, string, (dir: string) => boolean][] = [
      ["csv", "long", (d) => existsSync(join(d, "bars.csv"))],
      ["parquet", "long", (d) => existsSync(join(d, "bars.parquet"))],
      ["parquet", "per-symbol", (d) => existsSync(join(d, "symbol=S002", "S002.parquet"))],
      ["csv", "per-symbol", (d) => existsSync(join(d, "symbol=S002", "S002.csv"))],
      ["csv", "csv-folder", (d) => existsSync(join(d, "S002.csv")) && readdirSync(d).length === 4],
    ];
    for (const [format, layout, check] of cases) {
      const out = fresh();
      const r = await synth(out, ...tiny, "--format", format, "--layout", layout);
      expect(r.code, `${format}/${layout}: ${r.err}`).toBe(0);
      expect(check(out), `${format}/${layout}`).toBe(true);
      expect(existsSync(join(out, "synth_manifest.json"))).toBe(true);
    }
  });

  it("gives byte-identical output for the same seed", async () => {
    const a = fresh();
    const b = fresh();
    expect((await synth(a, ...tiny, "--seed", "77", "--plant-leaks")).code).toBe(0);
    expect((await synth(b, ...tiny, "--seed", "77", "--plant-leaks")).code).toBe(0);
    for (const f of ["bars.csv", "synth_manifest.json"]) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
  });

  it("refuses to overwrite OUT without --force (exit 2), replaces it with --force", async () => {
    const out = fresh();
    expect((await synth(out, ...tiny)).code).toBe(0);
    const again = await synth(out, ...tiny);
    expect(again.code).toBe(2);
    expect(again.err).toContain("already exists");
    expect(again.err).toContain("--force");
    const forced = await synth(out, ...tiny, "--seed", "1", "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "synth_manifest.json"), "utf8")).config.seed).toBe(1);
  });

  it("exits 2 with a clear message on bad options", async () => {
    const bad: [string[], RegExp][] = [
      [["--interval", "2m"], /argument '2m' is invalid/],
      [["--format", "xlsx"], /argument 'xlsx' is invalid/],
      [["--layout", "wide"], /argument 'wide' is invalid/],
      [["--seed", "abc"], /--seed must be an integer/],
      [["--bars", "1"], /--bars must be an integer >= 2/],
      [["--symbols", "0"], /--symbols must be an integer >= 1/],
      [["--start", "2020-13-01"], /--start: start: /],
      [["--format", "parquet", "--layout", "csv-folder"], /--layout: output\.layout: layout csv-folder writes CSV/],
      [["--no-such-flag"], /unknown option/],
    ];
    for (const [args, message] of bad) {
      const r = await synth(fresh(), ...tiny, ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
    const missing = await synth(...tiny);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("missing the output folder");
  });

  it("reads --config, lets flags win, and names the file and line of a bad key", async () => {
    const cfg = join(root, "synth.yaml");
    writeFileSync(cfg, "seed: 3\nsymbols: [AAA, BBB]\nend: 2015-03-31\noutput:\n  format: parquet\n");
    const out = fresh();
    const r = await synth(out, "--config", cfg, "--bars", "40", "--format", "csv");
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "synth_manifest.json"), "utf8"));
    expect(manifest.config).toMatchObject({ seed: 3, symbols: ["AAA", "BBB"], bars: 40, output: { format: "csv" } });
    expect(manifest.config.end).toBeUndefined();

    const badCfg = join(root, "bad.yaml");
    writeFileSync(badCfg, "seed: 3\nreturns:\n  t_dof: 4\n");
    const bad = await synth(fresh(), "--config", badCfg);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${badCfg}:3: returns.t_dof: unknown key`);
    expect(bad.err).toContain("hint: `foxml data synth --print-config`");
  });

  it("prints the resolved configuration as YAML that validates back to the same settings", async () => {
    const r = await synth("--print-config", "--seed", "12", "--plant-signals");
    expect(r.code).toBe(0);
    const printed = parse(r.out);
    expect(printed.seed).toBe(12);
    expect(printed.signals.plant).toBe(true);
    expect(parseSynthConfig(printed)).toEqual(printed);
  });
});
