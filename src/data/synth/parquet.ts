import pl from "nodejs-polars";
import { withAtomicPath } from "../../util/atomic.js";
import type { SymbolSeries } from "../types.js";
import { columnNames } from "./csv.js";

/**
 * Parquet through nodejs-polars. Timestamps are Datetime(ms, UTC); volume is Int64; missing values
 * (the leak columns' unknown future) are nulls, as Parquet readers expect, not NaN.
 */

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}

/**
 * NaN becomes null in one expression over all the columns that have any: each polars operation
 * has a fixed cost far above the per-value work here, so they are kept few.
 */
function frame(ts: Float64Array, symbols: string[] | null, names: readonly string[], columns: readonly Float64Array[]): pl.DataFrame {
  const series: pl.Series[] = [pl.Series("timestamp", ts).cast(pl.Datetime("ms", "UTC"))];
  if (symbols) series.push(pl.Series("symbol", symbols));
  names.forEach((n, j) => {
    const s = pl.Series(n, columns[j]);
    series.push(n === "volume" ? s.cast(pl.Int64) : s);
  });
  const df = pl.DataFrame(series);
  const withNaN = names.filter((n, j) => n !== "volume" && hasNaN(columns[j]));
  return withNaN.length > 0 ? df.withColumns(pl.col(withNaN).fillNan(null)) : df;
}

async function writeFrame(path: string, df: pl.DataFrame): Promise<void> {
  await withAtomicPath(path, (tmp) => {
    df.writeParquet(tmp);
  });
}

/** One long file with a symbol column, rows in time order (see writeLongCsv). */
export async function writeLongParquet(path: string, series: readonly SymbolSeries[], offsets: readonly number[], calendarTimes: Float64Array): Promise<number> {
  const names = columnNames(series);
  let rows = 0;
  for (const s of series) rows += s.ts.length;
  const ts = new Float64Array(rows);
  const symbols = new Array<string>(rows);
  const cols = names.map(() => new Float64Array(rows));
  const src = series.map((s) => names.map((n) => s.columns.get(n) as Float64Array));
  let r = 0;
  for (let u = 0; u < calendarTimes.length; u++) {
    for (let i = 0; i < series.length; i++) {
      const k = u - offsets[i];
      if (k < 0 || k >= series[i].ts.length) continue;
      ts[r] = calendarTimes[u];
      symbols[r] = series[i].symbol;
      for (let j = 0; j < names.length; j++) cols[j][r] = src[i][j][k];
      r++;
    }
  }
  await writeFrame(path, frame(ts, symbols, names, cols));
  return rows;
}

/** One symbol's file, without a symbol column. */
export async function writeSymbolParquet(path: string, s: SymbolSeries): Promise<number> {
  const names = [...s.columns.keys()];
  await writeFrame(
    path,
    frame(
      s.ts,
      null,
      names,
      names.map((n) => s.columns.get(n) as Float64Array),
    ),
  );
  return s.ts.length;
}
