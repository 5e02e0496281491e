import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson, hashFile, hashFileSync, hashFiles, hashJson, sha256Hex } from "../../src/util/hash.js";
import { InputError } from "../../src/util/errors.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("follows JSON.stringify for undefined members, Dates and -0", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([1, undefined, 2])).toBe("[1,null,2]");
    expect(canonicalJson({ t: new Date(Date.UTC(2020, 0, 2)) })).toBe('{"t":"2020-01-02T00:00:00.000Z"}');
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson("é\n\"")).toBe(JSON.stringify("é\n\""));
  });

  it("writes typed arrays as plain arrays", () => {
    expect(canonicalJson(new Float64Array([1.5, 2]))).toBe("[1.5,2]");
    expect(hashJson(new Int32Array([1, 2]))).toBe(hashJson([1, 2]));
  });

  it("refuses values without a faithful JSON form, naming where they are", () => {
    expect(() => canonicalJson({ a: { b: NaN } })).toThrow(/\$\.a\.b/);
    expect(() => canonicalJson([Infinity])).toThrow(/\$\[0\]/);
    expect(() => canonicalJson({ m: new Map() })).toThrow(/Map/);
    expect(() => canonicalJson({ s: new Set([1]) })).toThrow(/Set/);
    expect(() => canonicalJson({ n: 10n })).toThrow(/BigInt/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe("hashJson", () => {
  it("matches a known answer", () => {
    // sha256 of the text {"a":1,"b":[true,null,"x"]}
    const text = '{"a":1,"b":[true,null,"x"]}';
    expect(hashJson({ b: [true, null, "x"], a: 1 })).toBe(createHash("sha256").update(text).digest("hex"));
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("does not depend on key order (property)", () => {
    const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => {
      try {
        canonicalJson(v);
        return true;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(json, (value) => {
        expect(hashJson(reverseKeys(value))).toBe(hashJson(value));
        // Round-trips through JSON unchanged.
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a \"__proto__\" key as a key", () => {
    const value = JSON.parse('{"a":{"__proto__":"x","b":1}}');
    expect(canonicalJson(value)).toBe('{"a":{"__proto__":"x","b":1}}');
    expect(hashJson(value)).not.toBe(hashJson({ a: { b: 1 } }));
  });

  it("changes when any value changes", () => {
    const base = { pipeline: { leakage: { purge: 5 }, seed: 42 } };
    expect(hashJson(base)).not.toBe(hashJson({ pipeline: { leakage: { purge: 6 }, seed: 42 } }));
    expect(hashJson({ a: "1" })).not.toBe(hashJson({ a: 1 }));
    expect(hashJson([1, 2])).not.toBe(hashJson([2, 1]));
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    // fromEntries defines own properties, so a "__proto__" key stays a key (assignment would set the prototype).
    return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reverseKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

describe("hashFile / hashFiles", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "foxml-hash-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("hashes file bytes, streamed and synchronously alike", async () => {
    const p = join(dir, "a.csv");
    const big = Buffer.alloc(300_000, 7); // larger than one stream chunk
    writeFileSync(p, big);
    const expected = createHash("sha256").update(big).digest("hex");
    expect(await hashFile(p)).toBe(expected);
    expect(hashFileSync(p)).toBe(expected);
  });

  it("names a missing file or a folder in an InputError", async () => {
    await expect(hashFile(join(dir, "nope.csv"))).rejects.toThrow(InputError);
    await expect(hashFile(join(dir, "nope.csv"))).rejects.toThrow(/nope\.csv: no such file/);
    await expect(hashFile(dir)).rejects.toThrow(/not a regular file/);
  });

  it("gives one fingerprint that ignores argument order but sees names and contents", async () => {
    mkdirSync(join(dir, "sub"));
    const a = join(dir, "a.csv");
    const b = join(dir, "sub", "b.csv");
    writeFileSync(a, "x,1\n");
    writeFileSync(b, "y,2\n");
    const ab = await hashFiles([a, b], { base: dir });
    const ba = await hashFiles([b, a], { base: dir });
    expect(ab.sha256).toBe(ba.sha256);
    expect(ab.files.map((f) => f.path)).toEqual(["a.csv", "sub/b.csv"]);
    expect(ab.files[0].bytes).toBe(4);

    writeFileSync(b, "y,3\n");
    expect((await hashFiles([a, b], { base: dir })).sha256).not.toBe(ab.sha256);
  });

  it("keeps the hash when the folder moves (base) or files are renamed (includeNames: false)", async () => {
    const d1 = join(dir, "one");
    const d2 = join(dir, "two");
    mkdirSync(d1);
    mkdirSync(d2);
    writeFileSync(join(d1, "a.csv"), "1");
    writeFileSync(join(d2, "a.csv"), "1");
    writeFileSync(join(d2, "renamed.csv"), "1");
    const h1 = await hashFiles([join(d1, "a.csv")], { base: d1 });
    expect((await hashFiles([join(d2, "a.csv")], { base: d2 })).sha256).toBe(h1.sha256);
    expect((await hashFiles([join(d2, "renamed.csv")], { base: d2 })).sha256).not.toBe(h1.sha256);
    expect((await hashFiles([join(d2, "renamed.csv")], { includeNames: false })).sha256).toBe(
      (await hashFiles([join(d1, "a.csv")], { includeNames: false })).sha256,
    );
  });

  it("refuses the same file twice", async () => {
    const a = join(dir, "a.csv");
    writeFileSync(a, "1");
    await expect(hashFiles([a, a])).rejects.toThrow(/given twice/);
  });
});
