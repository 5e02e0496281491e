/**
 * Ranking time on the bundled Dow Jones 30 data with the default configuration (not a test: run
 * `npx tsx test/ranking/bench-dow.ts [threads] [targets,comma,separated]`). Prints wall and CPU
 * seconds per target and the load average, since the machine is shared.
 */
import { loadavg } from "node:os";
import { leakageSchema } from "../../src/config/schema/leakage.js";
import { inspectData, requirePanel } from "../../src/data/inspect.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { buildFeatures, historyRows } from "../../src/features/index.js";
import { rankingSchema, rankTargets, scoreTarget } from "../../src/ranking/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { makeCvData } from "../../src/training/cv-data.js";
import { purgeForTarget } from "../../src/validation/splitters/index.js";

const threads = Number(process.argv[2] ?? 1);
const names = (process.argv[3] ?? "fwd_ret_1,fwd_ret_5,fwd_ret_20").split(",");
const inspection = await inspectData(dataOptionsSchema.parse({}), { baseDir: new URL("../..", import.meta.url).pathname });
const panel = requirePanel(inspection).panel;
const fs = buildFeatures(panel, {});
const cfg = rankingSchema.parse({});
const lookback = Math.max(...fs.specs.map(historyRows));
console.log(`panel ${panel.T} x ${panel.S}, ${fs.names.length} features, threads ${threads}, load ${loadavg()[0].toFixed(1)}`);
const scores = [];
const wall0 = performance.now();
const cpu0 = process.cpuUsage();
for (const name of names) {
  const target = buildTarget(name);
  const w = performance.now();
  const c = process.cpuUsage();
  const data = makeCvData({
    T: panel.T,
    S: panel.S,
    target,
    y: target.compute(panel),
    splitter: cfg.splitter,
    purge: purgeForTarget(target, leakageSchema.parse({}), lookback),
    seed: 1,
    maxRows: cfg.max_rows,
    maxTrainRows: cfg.max_train_rows,
    purpose: "ranking",
  });
  const s = await scoreTarget({ data, features: fs.names, grids: fs.grids, symbols: [...panel.symbols], config: cfg, seed: 1, threads });
  const cpu = process.cpuUsage(c);
  const fam = s.families.map((f) => `${f.family} ${f.status} ${f.seconds}s ${s.metric}=${f.score.value.toFixed(4)} t=${f.score.t.toFixed(2)}`).join(" | ");
  console.log(`${name}: wall ${((performance.now() - w) / 1000).toFixed(1)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, load ${loadavg()[0].toFixed(1)} | ${fam} | agreement ${s.agreement.toFixed(3)}`);
  scores.push(s);
}
const cpu = process.cpuUsage(cpu0);
console.log(`total: wall ${((performance.now() - wall0) / 1000).toFixed(1)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
for (const r of rankTargets(scores, cfg).targets) console.log(`${r.rank} ${r.target} composite ${r.composite} kept ${r.kept}: ${r.reason}`);
