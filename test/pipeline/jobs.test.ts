/**
 * The job store behind --resume: results survive a round trip bit for bit (typed arrays, NaN, -0),
 * a finished job is reused only with the same inputs, and what cannot be stored exactly is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decodeJson, encodeJson } from "../../src/pipeline/jobs/codec.js";
import { JobStore } from "../../src/pipeline/jobs/job-store.js";
import { createRun } from "../../src/runs/run.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-jobs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
}

describe("job result codec", () => {
  it("round-trips doubles bit for bit, including NaN, infinities and -0", () => {
    fc.assert(
      fc.property(fc.array(fc.double()), fc.double(), (xs, x) => {
        const v = { grid: Float64Array.from(xs), plain: xs, x, nested: [{ f: Float32Array.from(xs.map(Math.fround)), i: Int32Array.from([1, -2]) }] };
        const back = decodeJson(encodeJson(v)) as typeof v;
        expect(bits(back.grid)).toBe(bits(v.grid));
        expect(back.plain.map((y) => Object.is(y, -0) ? "-0" : String(y))).toEqual(xs.map((y) => Object.is(y, -0) ? "-0" : String(y)));
        expect(Object.is(back.x, x)).toBe(true);
        expect(back.nested[0].f).toBeInstanceOf(Float32Array);
        expect(Array.from(back.nested[0].i)).toEqual([1, -2]);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses values it cannot restore exactly, naming where they are", () => {
    expect(() => encodeJson({ a: [new Map()] })).toThrow(/\$\.a\[0\]: Map is not plain data/);
    expect(() => encodeJson({ f: () => 1 })).toThrow(/\$\.f/);
  });

  it("keeps keys that look like its own tags, and __proto__, as plain keys", () => {
    const v = JSON.parse('{"$num": 1, "$$x": [2], "$flow": {"$typed": "f64"}, "__proto__": {"a": 1}}') as Record<string, unknown>;
    const back = decodeJson(encodeJson(v)) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(["$num", "$$x", "$flow", "__proto__"]);
    expect(back.$num).toBe(1);
    expect(back.$flow).toEqual({ $typed: "f64" });
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });
});

describe("JobStore", () => {
  const run = createRun({ runsDir: tmp, name: "jobs", config: { resolved: {} }, seed: 1, argv: [], git: false });
  const store = new JobStore(run);

  it("computes once, then reuses the saved result for the same inputs", async () => {
    let calls = 0;
    const compute = async () => {
      calls++;
      return { oof: Float64Array.from([1.5, NaN]), score: 0.1 };
    };
    const a = await store.run("training", "fwd_ret_5/lightgbm", { features: ["a", "b"] }, compute);
    const b = await store.run("training", "fwd_ret_5/lightgbm", { features: ["a", "b"] }, compute);
    expect(calls).toBe(1);
    expect([a.reused, b.reused]).toEqual([false, true]);
    expect(bits(b.value.oof)).toBe(bits(a.value.oof));
  });

  it("recomputes when the inputs differ or the file is damaged, and saves nothing for a failed job", async () => {
    let calls = 0;
    const compute = async () => ++calls;
    await store.run("ranking", "t", { x: 1 }, compute);
    await store.run("ranking", "t", { x: 2 }, compute);
    expect(calls).toBe(2);
    writeFileSync(run.path(store.relPath("ranking", "t")), "{ not json");
    await store.run("ranking", "t", { x: 2 }, compute);
    expect(calls).toBe(3);
    await expect(store.run("ranking", "bad", {}, async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(store.load("ranking", "bad", {})).toBeUndefined();
  });

  it("reuses nothing when what every job depends on (the data) has changed", async () => {
    const a = new JobStore(run, { data: "fingerprint-1" });
    let calls = 0;
    await a.run("selection", "t", { x: 1 }, async () => ++calls);
    await new JobStore(run, { data: "fingerprint-1" }).run("selection", "t", { x: 1 }, async () => ++calls);
    expect(calls).toBe(1);
    await new JobStore(run, { data: "fingerprint-2" }).run("selection", "t", { x: 1 }, async () => ++calls);
    expect(calls).toBe(2);
  });
});
