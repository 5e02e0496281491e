import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withAtomicPath, writeFileAtomic, writeJsonAtomic } from "../../src/util/atomic.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "foxml-atomic-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every entry of the folder except the given file names: what a write left behind. */
function leftovers(folder: string, ...expected: string[]): string[] {
  return readdirSync(folder).filter((f) => !expected.includes(f));
}

describe("writeFileAtomic", () => {
  it("creates missing folders and writes the whole content", () => {
    const p = join(dir, "a", "b", "out.txt");
    writeFileAtomic(p, "hello\n");
    expect(readFileSync(p, "utf8")).toBe("hello\n");
    expect(leftovers(dirname(p), "out.txt")).toEqual([]);
  });

  it("replaces an existing file in one step and writes bytes as given", () => {
    const p = join(dir, "out.bin");
    writeFileSync(p, "old");
    writeFileAtomic(p, new Uint8Array([0, 255, 1]));
    expect([...readFileSync(p)]).toEqual([0, 255, 1]);
    expect(leftovers(dir, "out.bin")).toEqual([]);
  });

  it("leaves no temp file and the target untouched when the rename fails", () => {
    // A non-empty folder at the target path makes rename fail after the temp file was written.
    const p = join(dir, "target");
    mkdirSync(p);
    writeFileSync(join(p, "keep.txt"), "x");
    expect(() => writeFileAtomic(p, "new content")).toThrow();
    expect(readFileSync(join(p, "keep.txt"), "utf8")).toBe("x");
    expect(leftovers(dir, "target")).toEqual([]);
  });

  it("many writes in a row leave exactly the last content and no temp files", () => {
    const p = join(dir, "counter.txt");
    for (let i = 0; i < 50; i++) writeFileAtomic(p, String(i));
    expect(readFileSync(p, "utf8")).toBe("49");
    expect(leftovers(dir, "counter.txt")).toEqual([]);
  });
});

describe("writeJsonAtomic", () => {
  it("writes pretty JSON ending in a newline", () => {
    const p = join(dir, "x.json");
    writeJsonAtomic(p, { a: [1, 2] });
    expect(readFileSync(p, "utf8")).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
  });

  it("keeps the previous file when the value cannot be serialized", () => {
    const p = join(dir, "x.json");
    writeJsonAtomic(p, { v: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => writeJsonAtomic(p, cyclic)).toThrow();
    expect(JSON.parse(readFileSync(p, "utf8"))).toEqual({ v: 1 });
    expect(leftovers(dir, "x.json")).toEqual([]);
  });
});

describe("withAtomicPath", () => {
  it("moves the producer's temp file into place only after it succeeds", async () => {
    const p = join(dir, "data.parquet");
    writeFileSync(p, "old");
    let tmpSeen = "";
    const result = await withAtomicPath(p, async (tmp) => {
      tmpSeen = tmp;
      expect(dirname(tmp)).toBe(dir); // same folder, so the rename cannot cross file systems
      writeFileSync(tmp, "half");
      // While the producer works, readers still see the old file, never a partial one.
      expect(readFileSync(p, "utf8")).toBe("old");
      writeFileSync(tmp, "whole new");
      return 42;
    });
    expect(result).toBe(42);
    expect(readFileSync(p, "utf8")).toBe("whole new");
    expect(existsSync(tmpSeen)).toBe(false);
    expect(leftovers(dir, "data.parquet")).toEqual([]);
  });

  it("keeps the old file and removes the temp file when the producer throws", async () => {
    const p = join(dir, "data.parquet");
    writeFileSync(p, "old");
    await expect(
      withAtomicPath(p, (tmp) => {
        writeFileSync(tmp, "half-written");
        throw new Error("writer crashed");
      }),
    ).rejects.toThrow("writer crashed");
    expect(readFileSync(p, "utf8")).toBe("old");
    expect(leftovers(dir, "data.parquet")).toEqual([]);
  });

  it("creates nothing when the producer throws before writing and there was no old file", async () => {
    const p = join(dir, "sub", "never.txt");
    await expect(withAtomicPath(p, async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(existsSync(p)).toBe(false);
    expect(leftovers(join(dir, "sub"))).toEqual([]);
  });

  it("gives distinct temp paths to overlapping writers of the same target", async () => {
    const p = join(dir, "same.txt");
    const temps: string[] = [];
    await Promise.all(
      [1, 2, 3].map((i) =>
        withAtomicPath(p, async (tmp) => {
          temps.push(tmp);
          await new Promise((r) => setTimeout(r, 5 * i));
          writeFileSync(tmp, String(i));
        }),
      ),
    );
    expect(new Set(temps).size).toBe(3);
    expect(["1", "2", "3"]).toContain(readFileSync(p, "utf8"));
    expect(leftovers(dir, "same.txt")).toEqual([]);
  });
});
