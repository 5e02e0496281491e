/**
 * manifest.json: the identity card of a run, written once when the run starts. It holds everything
 * needed to reproduce or audit the run: the resolved config (secrets redacted) and its hash, the
 * data fingerprint, the seed, the command line (secrets redacted), the software versions and the
 * git commit. `readManifest` validates one when a run folder is reopened (`--resume`).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../util/errors.js";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "foxml.run-manifest";

/** A data fingerprint: a hash string, or a structured one (e.g. per-file hashes with the combined hash). */
export const DataFingerprintSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);
export type DataFingerprint = z.infer<typeof DataFingerprintSchema>;

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  format_version: z.literal(1),
  run_id: z.string().min(1),
  name: z.string(),
  created_at: z.iso.datetime(),
  config: z.object({
    hash: z.string().min(1),
    resolved: z.unknown(),
  }),
  data_fingerprint: DataFingerprintSchema.nullable(),
  seed: z.number().int(),
  command: z.object({
    argv: z.array(z.string()),
    cwd: z.string(),
  }),
  versions: z.object({
    foxml: z.string(),
    node: z.string(),
    dependencies: z.record(z.string(), z.string().nullable()),
  }),
  platform: z.object({
    os: z.string(),
    arch: z.string(),
    release: z.string(),
    cpus: z.number().int().positive(),
    memory_gb: z.number().nonnegative(),
  }),
  git: z
    .object({
      commit: z.string(),
      dirty: z.boolean().nullable(),
    })
    .nullable(),
});
export type RunManifest = z.infer<typeof ManifestSchema>;

/** Reads and validates `<dir>/manifest.json`; every problem is an InputError naming the file and key. */
export function readManifest(dir: string): RunManifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`run folder ${dir} does not exist`, "pass the folder printed by `foxml run`, e.g. runs/20261128T101500Z-default");
  }
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new InputError(`${dir} is not a FoxML run folder: it has no ${MANIFEST_FILE}`, "pass the folder printed by `foxml run`, e.g. runs/20261128T101500Z-default");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, "the manifest was edited or damaged; restore it or start a new run");
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : "";
    throw new InputError(`${path}: invalid run manifest: ${problems.join("; ")}${more}`, "the manifest was edited or written by an incompatible FoxML version; start a new run");
  }
  return parsed.data;
}
