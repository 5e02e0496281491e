import { InputError } from "../util/errors.js";
import { targetObjectSchema, type HorizonInput, type TargetDefinition } from "./definition.js";

/**
 * The short names of targets. Tokens are separated by "_"; H is a horizon: bars (5) or a duration
 * (60m, 4h, 5d, see horizon.ts).
 *
 *   fwd_ret_H[_volscaled]                         simple forward return
 *   fwd_logret_H[_volscaled]                      log forward return
 *   fwd_excess_H[_log][_volscaled]                minus the cross-sectional mean
 *   fwd_mktexcess_H[_log][_volscaled]             minus the market's forward return
 *   fwd_betaexcess_H[_log][_volscaled]            minus past-only beta x the market's forward return
 *   fwd_sign_H[_excess|_mktexcess|_betaexcess]    1 if the (relative) return is > 0, else 0
 *   fwd_qK_H[_excess|_mktexcess|_betaexcess]      cross-sectional quantile bucket 0..K-1 (K = 2..100)
 *   tb_H_PT_SL[_hl]                               triple barrier; PT, SL in volatility units (0 = none)
 *   mfe_H[_hl]  mae_H[_hl]  mdd_H[_hl]            max favourable / adverse excursion, max drawdown
 *   zigzag_peak_X[_H]  zigzag_valley_X[_H]        zigzag pivot with reversal X (0.05 = 5%), confirmed
 *                                                 within H bars (default 20); flagged repainting
 *
 * "_hl" measures paths with bars' highs and lows instead of closes. Settings the name does not
 * carry (volatility and beta windows, market symbol) take their defaults here and can be set in
 * the object form.
 */
export const TARGET_GRAMMAR = [
  "fwd_ret_H[_volscaled]",
  "fwd_logret_H[_volscaled]",
  "fwd_excess_H[_log][_volscaled]",
  "fwd_mktexcess_H[_log][_volscaled]",
  "fwd_betaexcess_H[_log][_volscaled]",
  "fwd_sign_H[_excess|_mktexcess|_betaexcess]",
  "fwd_qK_H[_excess|_mktexcess|_betaexcess]",
  "tb_H_PT_SL[_hl]",
  "mfe_H[_hl]",
  "mae_H[_hl]",
  "mdd_H[_hl]",
  "zigzag_peak_X[_H]",
  "zigzag_valley_X[_H]",
] as const;

const HORIZON = /^\d+(m|h|d|w)?$/;
const NUMBER = /^\d+(\.\d+)?$/;
const RELATIVE: Record<string, "cross_section" | "market" | "beta"> = { excess: "cross_section", mktexcess: "market", betaexcess: "beta" };
const RELATIVE_TOKEN: Record<string, string> = { cross_section: "excess", market: "mktexcess", beta: "betaexcess" };

function fail(name: string, why: string): never {
  throw new InputError(`target "${name}": ${why}`, `target names follow: ${TARGET_GRAMMAR.join(", ")} (H = bars like 5, or a duration like 60m)`);
}

function horizonToken(name: string, tok: string | undefined): HorizonInput {
  if (tok === undefined || !HORIZON.test(tok)) fail(name, `expected a horizon (bars like 5, or a duration like 60m) where "${tok ?? ""}" is`);
  if (/^\d+$/.test(tok)) {
    const n = Number(tok);
    if (!Number.isSafeInteger(n) || n < 1) fail(name, `horizon must be at least 1 bar, got ${tok}`);
    return n;
  }
  return tok;
}

/** Parses a short target name into its object form, with every setting filled in. */
export function parseTargetName(name: string): TargetDefinition {
  const tok = name.split("_");
  let raw: Record<string, unknown>;
  if (tok[0] === "fwd") {
    const measure = tok[1];
    if (measure === undefined) fail(name, "expected a measure after fwd_ (ret, logret, excess, mktexcess, betaexcess, sign, qK)");
    const h = horizonToken(name, tok[2]);
    const mods = tok.slice(3);
    const q = /^q(\d+)$/.exec(measure);
    if (measure === "sign" || q) {
      if (mods.length > 1 || (mods.length === 1 && !(mods[0] in RELATIVE))) fail(name, `after ${measure}_H only one of _excess, _mktexcess, _betaexcess may follow`);
      raw = { kind: "forward_return", horizon: h, output: q ? "quantile" : "sign", relative_to: mods.length ? RELATIVE[mods[0]] : "none" };
      if (q) raw.quantiles = Number(q[1]);
    } else if (measure === "ret" || measure === "logret" || measure in RELATIVE) {
      const allowed = measure === "ret" || measure === "logret" ? ["volscaled"] : ["log", "volscaled"];
      let i = 0;
      let log = measure === "logret";
      let volScaled = false;
      if (mods[i] === "log" && allowed.includes("log")) {
        log = true;
        i++;
      }
      if (mods[i] === "volscaled") {
        volScaled = true;
        i++;
      }
      if (i < mods.length) fail(name, `unexpected "_${mods.slice(i).join("_")}"; after fwd_${measure}_H come ${allowed.map((a) => `[_${a}]`).join("")} in that order`);
      raw = { kind: "forward_return", horizon: h, returns: log ? "log" : "simple", relative_to: RELATIVE[measure] ?? "none", vol_scaled: volScaled };
    } else {
      fail(name, `unknown forward measure "${measure}" (ret, logret, excess, mktexcess, betaexcess, sign, qK)`);
    }
  } else if (tok[0] === "tb") {
    const h = horizonToken(name, tok[1]);
    if (tok[2] === undefined || !NUMBER.test(tok[2]) || tok[3] === undefined || !NUMBER.test(tok[3])) {
      fail(name, "expected tb_H_PT_SL with PT and SL as numbers of volatility units, e.g. tb_10_2_1");
    }
    const mods = tok.slice(4);
    if (mods.length > 1 || (mods.length === 1 && mods[0] !== "hl")) fail(name, `unexpected "_${mods.join("_")}" (only _hl may follow)`);
    raw = { kind: "triple_barrier", horizon: h, profit_take: Number(tok[2]), stop_loss: Number(tok[3]), path: mods.length ? "high_low" : "close" };
  } else if (tok[0] === "mfe" || tok[0] === "mae" || tok[0] === "mdd") {
    const h = horizonToken(name, tok[1]);
    const mods = tok.slice(2);
    if (mods.length > 1 || (mods.length === 1 && mods[0] !== "hl")) fail(name, `unexpected "_${mods.join("_")}" (only _hl may follow)`);
    raw = { kind: "excursion", measure: tok[0], horizon: h, path: mods.length ? "high_low" : "close" };
  } else if (tok[0] === "zigzag") {
    if (tok[1] !== "peak" && tok[1] !== "valley") fail(name, "expected zigzag_peak_X or zigzag_valley_X");
    if (tok[2] === undefined || !NUMBER.test(tok[2])) fail(name, "expected the reversal threshold as a fraction, e.g. zigzag_peak_0.05");
    if (tok.length > 4) fail(name, `unexpected "_${tok.slice(4).join("_")}"`);
    raw = { kind: "zigzag", pivot: tok[1], threshold: Number(tok[2]) };
    if (tok[3] !== undefined) raw.horizon = horizonToken(name, tok[3]);
  } else {
    fail(name, `unknown target family "${tok[0]}"`);
  }
  const parsed = targetObjectSchema.safeParse(raw);
  if (!parsed.success) fail(name, parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; "));
  return parsed.data;
}

function horizonText(h: HorizonInput): string {
  return String(h);
}

function numberText(v: number): string {
  return String(v);
}

/**
 * The canonical short name of a definition: parseTargetName(formatTargetName(d)) gives back d
 * (apart from settings the grammar does not carry: vol/beta windows, market symbol).
 */
export function formatTargetName(d: TargetDefinition): string {
  const h = horizonText(d.horizon);
  switch (d.kind) {
    case "forward_return": {
      if (d.output === "sign" || d.output === "quantile") {
        const head = d.output === "sign" ? "fwd_sign" : `fwd_q${d.quantiles}`;
        return d.relative_to === "none" ? `${head}_${h}` : `${head}_${h}_${RELATIVE_TOKEN[d.relative_to]}`;
      }
      let s: string;
      if (d.relative_to === "none") s = `fwd_${d.returns === "log" ? "logret" : "ret"}_${h}`;
      else s = `fwd_${RELATIVE_TOKEN[d.relative_to]}_${h}${d.returns === "log" ? "_log" : ""}`;
      return d.vol_scaled ? `${s}_volscaled` : s;
    }
    case "triple_barrier":
      return `tb_${h}_${numberText(d.profit_take)}_${numberText(d.stop_loss)}${d.path === "high_low" ? "_hl" : ""}`;
    case "excursion":
      return `${d.measure}_${h}${d.path === "high_low" ? "_hl" : ""}`;
    case "zigzag":
      return `zigzag_${d.pivot}_${numberText(d.threshold)}_${h}`;
  }
}
