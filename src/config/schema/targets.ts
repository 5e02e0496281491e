import { z } from "zod";

/**
 * Targets of an experiment. A name alone (`fwd_ret_5`) carries its horizon as a trailing number;
 * the object form states it and the task. Resolved targets are always the object form.
 */

export const TARGET_TASKS = ["regression", "binary", "multiclass", "ranking"] as const;

const targetName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "target names are letters, digits and _, not starting with a digit");

/** The horizon a name like `fwd_ret_5` carries, or undefined. */
export function horizonFromName(name: string): number | undefined {
  const m = /_(\d+)$/.exec(name);
  const h = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(h) && h >= 1 ? h : undefined;
}

export const targetObjectSchema = z.strictObject({
  name: targetName,
  horizon_bars: z.number().int().min(1).optional().describe("bars the target looks ahead; taken from a trailing _N in the name when absent"),
  task: z.enum(TARGET_TASKS).default("regression"),
});

export const targetSpecSchema = z
  .union([targetName, targetObjectSchema])
  .superRefine((t, ctx) => {
    const name = typeof t === "string" ? t : t.name;
    const horizon = typeof t === "string" ? undefined : t.horizon_bars;
    if (horizon === undefined && horizonFromName(name) === undefined) {
      ctx.addIssue({ code: "custom", message: `cannot tell the horizon of target "${name}": name it like ${name}_5 or write {name: ${name}, horizon_bars: 5}` });
    }
  });

export const resolvedTargetSchema = z.strictObject({
  name: targetName,
  horizon_bars: z.number().int().min(1),
  task: z.enum(TARGET_TASKS),
});
export type TargetSpec = z.infer<typeof resolvedTargetSchema>;

export function normalizeTarget(t: z.infer<typeof targetSpecSchema>): TargetSpec {
  if (typeof t === "string") return { name: t, horizon_bars: horizonFromName(t)!, task: "regression" };
  return { name: t.name, horizon_bars: t.horizon_bars ?? horizonFromName(t.name)!, task: t.task };
}

/** The targets list: each name once. */
export const targetListSchema = z.array(targetSpecSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((t, i) => {
    const name = typeof t === "string" ? t : t.name;
    const first = seen.get(name);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [i], message: `target "${name}" is already listed (item ${first})` });
    else seen.set(name, i);
  });
});
