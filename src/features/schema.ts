import { z } from "zod";

/** The `pipeline.features` block: how the standard feature library meets the data. */
export const featuresOptionsSchema = z.strictObject({
  min_history_share: z
    .number()
    .min(0)
    .lt(1)
    .default(0.5)
    .describe(
      "a feature is left out (with a warning naming it) when its lookback leaves values at fewer than this share of the panel's bars: on 100 daily bars, a 90-bar feature has 10 values and only adds missing cells. 0: keep every feature that fits at all",
    ),
});
export type FeaturesOptions = z.infer<typeof featuresOptionsSchema>;
