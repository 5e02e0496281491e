import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSynthConfig, readSynthConfigFile, synthConfigSchema } from "../../src/data/synth/index.js";
import { InputError } from "../../src/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "foxml-synth-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("synth configuration", () => {
  it("fills every default from an empty object", () => {
    const c = parseSynthConfig({});
    expect(c).toMatchObject({
      seed: 42,
      symbols: 50,
      start: "2015-01-02",
      interval: "1d",
      holidays: "nyse",
      session: { open: "09:30", close: "16:00", timezone: "America/New_York" },
      returns: { t_df: 5, garch: { alpha: 0.06, beta: 0.92 }, sectors: { count: 4 } },
      signals: { plant: false, noise_count: 3 },
      leaks: { plant: false },
      output: { format: "csv", layout: "long" },
    });
    expect(c.signals.features.map((s) => s.name)).toEqual(["sig_h5", "sig_h20"]);
    expect(c.leaks.features.map((l) => l.kind)).toEqual(["fwd_copy", "future_close", "centered_ma", "sign_agreement"]);
    // Parsing the resolved configuration again changes nothing.
    expect(parseSynthConfig(c)).toEqual(c);
  });

  it("names every problem with its key", () => {
    const msg = messageOf(() =>
      parseSynthConfig({
        seed: 1.5,
        bogus: 1,
        symbols: [1],
        returns: { garch: { alpha: 0.5, beta: 0.6 } },
        leaks: { features: [{ kind: "fwd_copy", extra: 1 }, { kind: "nope" }] },
      }),
    );
    expect(msg).toContain("seed: ");
    expect(msg).toContain("bogus: unknown key");
    expect(msg).toContain("symbols[0]: Invalid input: expected string, received number");
    expect(msg).toContain("returns.garch: alpha + beta must be below 1");
    expect(msg).toContain("leaks.features[0].extra: unknown key");
    expect(msg).toContain("leaks.features[1].kind: Invalid discriminator value");
  });

  it("checks cross-field rules: bars xor end, session order, layout and format, column names, time zone", () => {
    expect(messageOf(() => parseSynthConfig({ bars: 10, end: "2020-01-01" }))).toContain("end: give either bars or end");
    expect(messageOf(() => parseSynthConfig({ start: "2020-02-01", end: "2020-01-01" }))).toContain("end: end is before start");
    expect(messageOf(() => parseSynthConfig({ session: { open: "16:00", close: "09:30" } }))).toContain("session: session open must be before close");
    expect(messageOf(() => parseSynthConfig({ output: { format: "parquet", layout: "csv-folder" } }))).toContain("output.layout: layout csv-folder writes CSV");
    expect(messageOf(() => parseSynthConfig({ signals: { features: [{ name: "close", horizon: 1, ic: 0.1 }] } }))).toContain("is a reserved column name");
    expect(
      messageOf(() =>
        parseSynthConfig({
          signals: { features: [{ name: "x", horizon: 5, ic: 0.05 }] },
          leaks: { features: [{ kind: "future_close", name: "x" }] },
        }),
      ),
    ).toContain("leaks.features[0].name: column name x is already used by signals.features.0.name");
    expect(messageOf(() => parseSynthConfig({ signals: { noise_count: 2, features: [{ name: "noise_2", horizon: 5, ic: 0.05 }] } }))).toContain("noise_2 is already used");
    expect(messageOf(() => parseSynthConfig({ session: { timezone: "Mars/Base" } }))).toContain("session.timezone: use an IANA time zone");
    expect(messageOf(() => parseSynthConfig({ start: "2021-02-30" }))).toContain("start: not a calendar date");
    expect(messageOf(() => parseSynthConfig({ symbols: ["A", "A"] }))).toContain("symbols[1]: symbol A appears twice");
    expect(messageOf(() => parseSynthConfig({ signals: { features: [{ name: "s", horizon: 5, onset: 6, ic: 0.1 }] } }))).toContain("onset must not exceed horizon");
    expect(messageOf(() => parseSynthConfig({ returns: { t_df: 2 } }))).toContain("returns.t_df");
  });

  it("is strict at every level", () => {
    for (const bad of [{ listing: { late: 0.1 } }, { output: { fmt: "csv" } }, { session: { tz: "UTC" } }, { returns: { market: { beta: 1 } } }]) {
      expect(synthConfigSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe("synth configuration files", () => {
  it("reads a YAML file", () => {
    const p = file("ok.yaml", "seed: 9\nsymbols: [AAA, BBB]\nbars: 50\nsignals:\n  plant: true\n");
    const { config } = readSynthConfigFile(p);
    expect(config).toMatchObject({ seed: 9, symbols: ["AAA", "BBB"], bars: 50, signals: { plant: true } });
  });

  it("reports the file and line of each problem", () => {
    const p = file("bad.yaml", ["seed: 1", "returns:", "  garch:", "    alpha: 0.5", "    beta: 0.6", "  typo_key: 3", "leaks:", "  features:", "    - kind: future_close", "      shift: 0"].join("\n"));
    const msg = messageOf(() => readSynthConfigFile(p));
    expect(msg).toContain(`${p}:3: returns.garch: alpha + beta must be below 1`);
    expect(msg).toContain(`${p}:6: returns.typo_key: unknown key`);
    expect(msg).toContain(`${p}:10: leaks.features[0].shift:`);
  });

  it("reports YAML syntax errors, duplicate keys, non-mappings and missing files", () => {
    expect(messageOf(() => readSynthConfigFile(file("syntax.yaml", "seed: 1\nsymbols: [a, b\n")))).toMatch(/syntax\.yaml(:\d+)?: not valid YAML/);
    expect(messageOf(() => readSynthConfigFile(file("dup.yaml", "seed: 1\nseed: 2\n")))).toMatch(/dup\.yaml:2: not valid YAML/);
    expect(messageOf(() => readSynthConfigFile(file("list.yaml", "- 1\n- 2\n")))).toContain("must be a mapping");
    expect(messageOf(() => readSynthConfigFile(join(dir, "missing.yaml")))).toContain("cannot read config file");
  });

  it("treats an empty file as all defaults", () => {
    expect(readSynthConfigFile(file("empty.yaml", "")).config.seed).toBe(42);
  });
});
