/**
 * `foxml serve`: a read-only HTTP server over a runs folder: the run registry's list, one run's
 * page, a comparison of runs, live progress of a running run, and the run folders' own files.
 * GET and HEAD only; binds 127.0.0.1 unless told otherwise; nothing outside the runs folder is ever
 * served (paths.ts); no page carries an inline script (strict Content-Security-Policy).
 */
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { openRegistry, type RunRegistry } from "../registry/registry.js";
import { DISPLAY_STATUSES, type DisplayStatus } from "../registry/queries.js";
import { parseSince } from "../registry/since.js";
import { readRun } from "../report/read-run.js";
import { isFoxmlError } from "../util/errors.js";
import { NotFound, runFile, runFolder } from "./paths.js";
import { comparePage, comparePickPage } from "./pages/compare-page.js";
import { DASHBOARD_CSS, page } from "./pages/layout.js";
import { runPage } from "./pages/run-page.js";
import { runsListPage } from "./pages/runs-list.js";
import { LIVE_SCRIPT } from "./live-script.js";
import { streamProgress } from "./progress.js";
import { html } from "../report/safe-html.js";

export interface DashboardOptions {
  runsDir: string;
  port: number;
  host: string;
  /** Told about requests that failed inside the server (never sent to the browser). */
  onError?: (error: unknown) => void;
  /** How often live progress re-reads summary.json, ms. */
  progressIntervalMs?: number;
}

export interface Dashboard {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { ".json": "application/json", ".jsonl": "application/x-ndjson", ".csv": "text/csv", ".html": "text/html", ".txt": "text/plain", ".md": "text/plain", ".svg": "image/svg+xml", ".parquet": "application/octet-stream", ".yaml": "text/plain" };
const SYNC_EVERY_MS = 2000;

class BadRequest extends Error {}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  if (!existsSync(o.runsDir) || !statSync(o.runsDir).isDirectory()) throw new NotFound(`runs folder ${o.runsDir} does not exist`);
  let registry: RunRegistry | null = null;
  let syncedAt = 0;
  const reg = (): RunRegistry => {
    registry ??= openRegistry(o.runsDir, { inMemoryFallback: true });
    if (Date.now() - syncedAt > SYNC_EVERY_MS) {
      registry.sync();
      syncedAt = Date.now();
    }
    return registry;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      o.onError?.(error);
      if (!res.headersSent) send(res, 500, "text/html", errorPage(500, "Something went wrong reading the runs folder; the server log says what."));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain", "read-only: GET and HEAD only\n");
    }
    const url = new URL(req.url ?? "/", "http://dashboard.invalid");
    let parts: string[];
    try {
      parts = url.pathname.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p));
    } catch {
      return send(res, 400, "text/html", errorPage(400, "That address is not valid."));
    }
    try {
      return await route(parts, url.searchParams, res);
    } catch (e) {
      if (e instanceof NotFound) return send(res, 404, "text/html", errorPage(404, e.message));
      if (e instanceof BadRequest || isFoxmlError(e)) {
        const status = isFoxmlError(e) && /^no run/.test(e.message) ? 404 : 400;
        return send(res, status, "text/html", errorPage(status, (e as Error).message));
      }
      throw e;
    }
  }

  async function route(parts: string[], q: URLSearchParams, res: ServerResponse): Promise<void> {
    const [a, b, c, ...rest] = parts;
    if (parts.length === 0) return listRuns(q, res);
    if (a === "favicon.ico" && b === undefined) {
      res.writeHead(204);
      return void res.end();
    }
    if (a === "static" && b === "dashboard.css" && c === undefined) return send(res, 200, "text/css", DASHBOARD_CSS, true);
    if (a === "static" && b === "live.js" && c === undefined) return send(res, 200, "text/javascript", LIVE_SCRIPT, true);
    if (a === "runs" && b !== undefined && c === undefined) return showRun(b, res);
    if (a === "runs" && b !== undefined && c === "files" && rest.length > 0) return sendFile(runFile(o.runsDir, b, rest.join("/")), res);
    if (a === "compare" && b === undefined) return compare(q, res);
    if (a === "api" && b === "runs" && c === undefined) return sendJson(res, reg().listRuns(listFilter(q)));
    if (a === "api" && b === "runs" && c !== undefined && rest.length === 0) return sendJson(res, reg().getRun(runId(c)));
    if (a === "api" && b === "runs" && c !== undefined && rest.length === 1 && rest[0] === "progress") return streamProgress(runFolder(o.runsDir, runId(c)), res, o.progressIntervalMs);
    throw new NotFound(`no page ${"/" + parts.join("/")}`);
  }

  /** A run named in an address: an id exactly (the dashboard's own links), never a prefix or a path. */
  function runId(id: string): string {
    const found = reg().getRun(id);
    if (found.id !== id) throw new NotFound(`no run ${id}`);
    return id;
  }

  function listFilter(q: URLSearchParams) {
    const status = q.get("status") || undefined;
    if (status !== undefined && !(DISPLAY_STATUSES as readonly string[]).includes(status)) throw new BadRequest(`unknown status "${status}": use one of ${DISPLAY_STATUSES.join(", ")}`);
    const since = q.get("since") || undefined;
    return { name: q.get("name") || undefined, status: status as DisplayStatus | undefined, since: since === undefined ? undefined : parseSince(since, new Date(), "since"), limit: 500 };
  }

  function listRuns(q: URLSearchParams, res: ServerResponse): void {
    const query = { name: q.get("name") ?? undefined, status: q.get("status") ?? undefined, since: q.get("since") ?? undefined };
    try {
      send(res, 200, "text/html", runsListPage(reg().listRuns(listFilter(q)), query));
    } catch (e) {
      if (!(e instanceof BadRequest) && !isFoxmlError(e)) throw e;
      send(res, 400, "text/html", runsListPage(reg().listRuns({ limit: 500 }), query, (e as Error).message));
    }
  }

  async function showRun(id: string, res: ServerResponse): Promise<void> {
    const details = reg().getRun(runId(id));
    const dir = runFolder(o.runsDir, details.id);
    const files = readdirSync(dir);
    send(res, 200, "text/html", await runPage(details, readRun(dir), files));
  }

  function compare(q: URLSearchParams, res: ServerResponse): void {
    const ids = q.getAll("ids").filter((x) => x !== "");
    if (ids.length < 2) {
      const runs = reg().listRuns({ limit: 500 }).runs;
      return send(res, 200, "text/html", comparePickPage(runs, ids.length === 1 ? "Pick at least two runs to compare." : undefined));
    }
    send(res, 200, "text/html", comparePage(reg().compareRuns(ids.map(runId))));
  }

  function sendFile(path: string, res: ServerResponse): void {
    const type = TYPES[extname(path)] ?? "application/octet-stream";
    res.writeHead(200, { "content-type": type.startsWith("text/") || type.includes("json") ? `${type}; charset=utf-8` : type, "content-length": statSync(path).size });
    createReadStream(path).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        registry?.close();
      }),
  };
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader("content-security-policy", CSP);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("cache-control", "no-store");
}

function send(res: ServerResponse, status: number, type: string, body: string, cacheable = false): void {
  if (cacheable) res.setHeader("cache-control", "max-age=300");
  res.writeHead(status, { "content-type": `${type}; charset=utf-8`, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, "application/json", JSON.stringify(value));
}

function errorPage(status: number, message: string): string {
  return page(status === 404 ? "Not found" : status === 400 ? "Bad request" : "Error", html`<p>${message}</p><p><a href="/">All runs</a></p>`);
}

