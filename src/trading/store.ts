/**
 * Opening the SQLite files of the trading side (the order journal, the paper broker's book): WAL,
 * so a killed process leaves the file consistent; `synchronous` NORMAL survives a killed process
 * (what SIGKILL tests), FULL also a power cut. ":memory:" for a replay that keeps nothing.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { FoxmlError } from "../util/errors.js";

export type SqliteDb = Database.Database;

export function openStore(path: string, synchronous: "normal" | "full" = "normal"): SqliteDb {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  try {
    const db = new Database(path, { timeout: 10_000 });
    if (path !== ":memory:") db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    return db;
  } catch (e) {
    throw new FoxmlError(`cannot open ${path}: ${(e as Error).message}`, { exitCode: 1, hint: "check the folder is writable and the file is a SQLite database written by foxml trade", cause: e });
  }
}

/** A key-value table's typed accessors. */
export function metaTable(db: SqliteDb, table: string) {
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  const get = db.prepare(`SELECT value FROM ${table} WHERE key = ?`);
  const set = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  const del = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
  return {
    get<T>(key: string): T | undefined {
      const row = get.get(key) as { value: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.value) as T);
    },
    set(key: string, value: unknown): void {
      set.run(key, JSON.stringify(value));
    },
    delete(key: string): void {
      del.run(key);
    },
  };
}
