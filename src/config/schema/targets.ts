import { z } from "zod";
import { formatTargetName, parseTargetName, targetObjectSchema, TARGET_GRAMMAR, type TargetDefinition } from "../../targets/index.js";

/**
 * Targets of an experiment, in the target module's own grammar (src/targets/grammar.ts): a short
 * name (`fwd_ret_5`, `fwd_logret_60m`, `tb_5_2_1`, `zigzag_peak_0.05`) or the object form
 * (`{kind: forward_return, horizon: 5, relative_to: market, ...}`). One grammar, validated here
 * and built by the pipeline with the panel's bar size (durations like 60m need it).
 */

const targetNameEntry = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    try {
      parseTargetName(name);
    } catch (e) {
      const hint = (e as { hint?: string }).hint;
      ctx.addIssue({ code: "custom", message: hint ? `${(e as Error).message}; ${hint}` : (e as Error).message });
    }
  })
  .describe(`a target name, one of: ${TARGET_GRAMMAR.join(", ")} (H = bars like 5, or a duration like 60m)`);

export const targetSpecSchema = z.union([targetNameEntry, targetObjectSchema]);
export type TargetEntrySpec = z.infer<typeof targetSpecSchema>;

/** A resolved target: its column name and full definition (defaults filled in). */
export const resolvedTargetSchema = z.strictObject({
  name: z.string().min(1),
  definition: z.custom<TargetDefinition>((v) => targetObjectSchema.safeParse(v).success, "not a valid target definition"),
});
export type TargetSpec = z.infer<typeof resolvedTargetSchema>;

export function targetEntryName(t: TargetEntrySpec): string {
  if (typeof t === "string") return t;
  return t.name ?? formatTargetName(t);
}

export function normalizeTarget(t: TargetEntrySpec): TargetSpec {
  const definition = typeof t === "string" ? parseTargetName(t) : t;
  return { name: targetEntryName(t), definition };
}

/** The targets list: each name once. */
export const targetListSchema = z.array(targetSpecSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((t, i) => {
    const name = targetEntryName(t);
    const first = seen.get(name);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [i], message: `target "${name}" is already listed (item ${first})` });
    else seen.set(name, i);
  });
});
