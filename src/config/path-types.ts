/**
 * Dotted paths of a configuration type, for `cfg.get("pipeline.leakage.purge_buffer_bars")` with a
 * typed result. List items are addressed by index (`families.0.variant`).
 */

type Prev = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8];

export type DottedPath<T, D extends number = 8> = [D] extends [never]
  ? never
  : T extends readonly (infer E)[]
    ? `${number}` | `${number}.${DottedPath<E, Prev[D]>}`
    : T extends Record<string, unknown>
      ? { [K in keyof T & string]: K | `${K}.${DottedPath<NonNullable<T[K]>, Prev[D]>}` }[keyof T & string]
      : never;

type Step<T, K extends string> = T extends undefined
  ? undefined
  : T extends readonly (infer E)[]
    ? K extends `${number}`
      ? E
      : never
    : K extends keyof T
      ? T[K]
      : T extends Record<string, infer V>
        ? V
        : never;

export type ValueAtPath<T, P extends string> = P extends `${infer H}.${infer R}` ? ValueAtPath<Step<T, H>, R> : Step<T, P>;
