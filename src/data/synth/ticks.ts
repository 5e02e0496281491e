import { InputError } from "../../util/errors.js";
import { rng } from "../../util/random.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { dateParts, dayToIso, holidayTest, isoToDay, weekday } from "./holidays.js";
import { localToUtc } from "./timezone.js";

/**
 * Synthetic quote and trade ticks: for a few symbols over a few weeks of exchange sessions
 * (NYSE hours and holidays by default), Poisson arrivals (irregular times, some sharing a
 * millisecond), a geometric Brownian mid with an overnight jump, quotes around it rounded to the
 * cent with a random spread, trades at the bid or the ask. For the tick readers, checks and the
 * resampler; `bad` plants bad rows (crossed, locked, zero, repeated) whose kinds the checks must find.
 */

export interface TickSynthOptions {
  seed?: number;
  symbols?: readonly string[];
  /** First calendar day (ISO date); trading days follow. */
  start?: string;
  tradingDays?: number;
  /** Quote updates per minute per symbol (mean of the Poisson arrivals). */
  quotesPerMinute?: number;
  /** Trades per minute per symbol; 0 for a quotes-only file. */
  tradesPerMinute?: number;
  session?: { open: string; close: string; timezone: string };
  annualVol?: number;
  /** Mean relative spread in basis points. */
  spreadBps?: number;
  /** Rows of each bad kind to plant (crossed, locked, zero price, exact repeat). */
  bad?: number;
}

export interface TickRow {
  ts: number;
  symbol: string;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  price: number;
  size: number;
}

const MINUTE = 60_000;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** Rows in time order (symbols interleaved), NaN for the fields a row lacks. */
export function generateTicks(o: TickSynthOptions = {}): TickRow[] {
  const symbols = o.symbols ?? ["AAA", "BBB", "CCC"];
  const session = o.session ?? { open: "09:30", close: "16:00", timezone: "America/New_York" };
  const days = o.tradingDays ?? 15;
  const qpm = o.quotesPerMinute ?? 4;
  const tpm = o.tradesPerMinute ?? 1;
  const vol = o.annualVol ?? 0.3;
  const spreadBps = o.spreadBps ?? 5;
  if (!(qpm > 0) || !(tpm >= 0) || days < 1) throw new InputError("tick synth: quotesPerMinute must be > 0, tradesPerMinute >= 0 and tradingDays >= 1");
  const open = minutes(session.open);
  const close = minutes(session.close);
  const sessionMin = close - open;
  const yearMin = 252 * sessionMin;
  const isHoliday = holidayTest("nyse");
  const r = rng(o.seed ?? 1);
  const rows: TickRow[] = [];
  const mids = symbols.map((_, k) => 20 + 30 * k + r.uniform() * 10);
  let day = isoToDay(o.start ?? "2024-03-04");
  for (let done = 0; done < days; day++) {
    const wd = weekday(day);
    if (wd === 0 || wd === 6 || isHoliday(day)) continue;
    done++;
    const { y, m, d } = dateParts(day);
    const t0 = localToUtc(session.timezone, y, m, d, open);
    const t1 = t0 + sessionMin * MINUTE;
    symbols.forEach((symbol, k) => {
      const sr = r.fork(`${dayToIso(day)}:${symbol}`);
      // overnight: a jump worth 20% of a day's variance
      mids[k] *= Math.exp(vol * Math.sqrt(0.2 / 252) * sr.normal());
      let t = t0;
      let last = t0;
      for (;;) {
        t += sr.exponential((qpm + tpm) / MINUTE);
        if (t >= t1) break;
        const dtYears = (t - last) / MINUTE / yearMin;
        last = t;
        mids[k] *= Math.exp(vol * Math.sqrt(dtYears) * sr.normal() - 0.5 * vol * vol * dtYears);
        const mid = mids[k];
        const half = (mid * spreadBps * 1e-4 * Math.exp(0.4 * sr.normal() - 0.08)) / 2;
        const bid = Math.floor((mid - half) * 100) / 100;
        const ask = Math.max(bid + 0.01, Math.ceil((mid + half) * 100) / 100);
        const ts = Math.floor(t);
        if (sr.uniform() < tpm / (qpm + tpm)) {
          rows.push({ ts, symbol, bid: NaN, ask: NaN, bidSize: NaN, askSize: NaN, price: sr.uniform() < 0.5 ? bid : ask, size: 100 * (1 + Math.floor(sr.exponential(0.5))) });
        } else {
          rows.push({ ts, symbol, bid, ask, bidSize: 100 * (1 + sr.int(0, 10)), askSize: 100 * (1 + sr.int(0, 10)), price: NaN, size: NaN });
        }
      }
    });
  }
  rows.sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  plantBad(rows, o.bad ?? 0, r.fork("bad"));
  return rows;
}

/** Overwrites or repeats `n` quote rows of each bad kind, spread over the file. */
function plantBad(rows: TickRow[], n: number, r: ReturnType<typeof rng>): void {
  if (n <= 0) return;
  const quotes: number[] = [];
  for (let i = 0; i < rows.length; i++) if (rows[i].bid === rows[i].bid) quotes.push(i);
  const picks = r.permutation(quotes.length).slice(0, 4 * n);
  const at = (j: number) => rows[quotes[picks[j]]];
  for (let j = 0; j < n; j++) {
    const c = at(j);
    [c.bid, c.ask] = [c.ask, c.bid];
    at(n + j).ask = at(n + j).bid;
    at(2 * n + j).bid = 0;
  }
  // exact repeats, inserted right after their original (from the end, so indices stay valid)
  const repeat = Array.from({ length: n }, (_, j) => quotes[picks[3 * n + j]]).sort((a, b) => b - a);
  for (const i of repeat) rows.splice(i + 1, 0, { ...rows[i] });
}

const cell = (x: number) => (x === x ? String(+x.toFixed(4)) : "");

/** The rows as a long CSV: timestamp (ISO, ms, UTC), symbol, bid, ask, bid_size, ask_size, price, size. */
export function ticksCsv(rows: readonly TickRow[]): string {
  const out = ["timestamp,symbol,bid,ask,bid_size,ask_size,price,size"];
  for (const t of rows) out.push(`${new Date(t.ts).toISOString()},${t.symbol},${cell(t.bid)},${cell(t.ask)},${cell(t.bidSize)},${cell(t.askSize)},${cell(t.price)},${cell(t.size)}`);
  return out.join("\n") + "\n";
}

export function writeTicksCsv(path: string, rows: readonly TickRow[]): void {
  writeFileAtomic(path, ticksCsv(rows));
}
