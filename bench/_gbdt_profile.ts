/**
 * Profiling driver (not a benchmark; `_` keeps it out of `npm run bench`): trains one bench case so
 * that `node --cpu-prof --import tsx bench/_gbdt_profile.ts <case> <threads>` writes a CPU profile.
 */
import { caseByName, caseParams, generate } from "./gbdt_data.js";
import { trainGbdt } from "../src/models/gbdt/booster.js";

const [name = "regression_500k_depth6", threads = "1"] = process.argv.slice(2);
const c = caseByName(name);
const train = generate(c.rows, c.features, c.task, 1);
const out = await trainGbdt("xgboost", train, caseParams(c), { seed: 1, threads: Number(threads) });
process.stdout.write(JSON.stringify(out.profile) + "\n");
