/**
 * Where to connect and as whom: `pipeline.trading.ibkr` with the environment on top (IBKR_HOST,
 * IBKR_PORT, IBKR_CLIENT_ID, IBKR_ACCOUNT), so one config file serves a paper Gateway on a laptop
 * and a live one on a server. The port defaults to IB Gateway's port of `mode`: 4002 paper,
 * 4001 live (TWS: 7497 paper, 7496 live, set explicitly).
 */
import { InputError } from "../../../util/errors.js";
import type { IbkrConfig } from "./schema.js";

export const GATEWAY_PORTS = { paper: 4002, live: 4001 } as const;

export interface IbEndpoint {
  host: string;
  port: number;
  clientId: number;
  /** null = the first managed account. */
  account: string | null;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`environment variable ${name}=${JSON.stringify(raw)} is not an integer in [${min}, ${max}]`);
  return n;
}

export function resolveEndpoint(cfg: IbkrConfig, env: NodeJS.ProcessEnv): IbEndpoint {
  const host = env.IBKR_HOST?.trim() || cfg.host;
  const port = intFromEnv(env, "IBKR_PORT", 1, 65535) ?? cfg.port ?? GATEWAY_PORTS[cfg.mode];
  const clientId = intFromEnv(env, "IBKR_CLIENT_ID", 0, 2_147_483_647) ?? cfg.client_id;
  const account = env.IBKR_ACCOUNT?.trim() || cfg.account;
  return { host, port, clientId, account };
}
