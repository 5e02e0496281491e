import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { z } from "zod";
import type { Family } from "../../src/models/family.js";
import { familyNames, registerFamily } from "../../src/models/registry.js";

/** A small family registered only by tests, with its own schema (ranges, enum, nested block, cross-field rule). */
export const TEST_FAMILY = "cfgtest";

export const testParamsSchema = z
  .strictObject({
    learning_rate: z.number().gt(0).max(1).default(0.1),
    num_leaves: z.number().int().min(2).default(31),
    objective: z.enum(["regression", "binary"]).default("regression"),
    regularization: z
      .strictObject({
        l1: z.number().min(0).default(0),
        l2: z.number().min(0).default(0),
      })
      .prefault({}),
    min_leaf: z.number().int().min(1).default(20),
    max_leaf: z.number().int().min(1).default(1000),
  })
  .refine((p) => p.max_leaf >= p.min_leaf, { message: "max_leaf must be >= min_leaf", path: ["max_leaf"] });

export function registerTestFamily(): void {
  if (familyNames().includes(TEST_FAMILY)) return;
  const family: Family<z.infer<typeof testParamsSchema>> = {
    name: TEST_FAMILY,
    kind: "tabular",
    tasks: ["regression"],
    paramsSchema: testParamsSchema,
    fit: () => Promise.reject(new Error("test family: not trainable")),
    load: () => {
      throw new Error("test family: not loadable");
    },
  };
  registerFamily(family);
}

export const TEST_FAMILY_FILE = `family: ${TEST_FAMILY}
description: a family for tests
hyperparameters:
  learning_rate: 0.2
  num_leaves: 40
variants:
  conservative:
    learning_rate: 0.05
  balanced:
    num_leaves: 50
  aggressive:
    num_leaves: 100
    learning_rate: 0.3
`;

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temporary folder with the given files (paths relative to it); removed after the test file. */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "foxml-config-"));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}
