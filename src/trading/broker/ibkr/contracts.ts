/**
 * Our symbols <-> IB contracts, from `pipeline.trading.ibkr`: `stocks` (SMART/USD), `fx`
 * (BASE.QUOTE as CASH on IDEALPRO) and `contracts` (anything else, futures by expiry). A symbol in
 * none of them is an InputError naming the key to add, so an order is never sent for a contract
 * guessed at.
 *
 * The reverse direction names what IB reports (positions, executions, open orders) by our key;
 * an instrument the config does not list keeps a readable name (IB's symbol, BASE.QUOTE for FX,
 * the local symbol for futures) so it still shows up in reconciliation rather than vanishing.
 */
import { SecType, type Contract } from "@stoqey/ib";
import { InputError } from "../../../util/errors.js";
import type { IbkrConfig, IbkrContractConfig } from "./schema.js";

export interface ContractBook {
  /** The IB contract of one of our symbols; InputError for a symbol the config does not list. */
  contract(symbol: string): Contract;
  /** Our symbol for a contract IB reports. */
  symbolOf(c: Contract): string;
  /** The contract's multiplier (1 unless a future says otherwise). */
  multiplier(symbol: string): number;
  symbols(): string[];
}

function toContract(key: string, c: IbkrContractConfig): Contract {
  switch (c.sec_type) {
    case "STK":
      return { symbol: c.symbol ?? key, secType: SecType.STK, exchange: c.exchange, currency: c.currency, ...(c.primary_exchange === undefined ? {} : { primaryExch: c.primary_exchange }) };
    case "CASH": {
      const [base, quote] = key.split(".");
      return { symbol: base, secType: SecType.CASH, exchange: c.exchange, currency: quote };
    }
    case "FUT":
      return {
        symbol: c.symbol ?? key,
        secType: SecType.FUT,
        exchange: c.exchange,
        currency: c.currency,
        lastTradeDateOrContractMonth: c.expiry,
        ...(c.multiplier === undefined ? {} : { multiplier: c.multiplier }),
        ...(c.local_symbol === undefined ? {} : { localSymbol: c.local_symbol }),
      };
  }
}

/** What identifies an instrument in IB's reports, whatever exchange it was routed to. */
function identity(c: Contract): string {
  const sec = String(c.secType ?? "");
  if (sec === "FUT") return `FUT:${c.symbol}:${c.currency}:${(c.lastTradeDateOrContractMonth ?? "").slice(0, 6)}`;
  return `${sec}:${c.symbol}:${c.currency}`;
}

export function contractBook(cfg: IbkrConfig): ContractBook {
  const entries = new Map<string, IbkrContractConfig>();
  for (const s of cfg.stocks) entries.set(s, { sec_type: "STK", exchange: "SMART", currency: "USD" });
  for (const p of cfg.fx) entries.set(p, { sec_type: "CASH", exchange: "IDEALPRO" });
  for (const [k, c] of Object.entries(cfg.contracts)) entries.set(k, c);
  const contracts = new Map<string, Contract>();
  const byIdentity = new Map<string, string>();
  const byLocal = new Map<string, string>();
  for (const [k, c] of entries) {
    const contract = toContract(k, c);
    contracts.set(k, contract);
    byIdentity.set(identity(contract), k);
    if (contract.localSymbol !== undefined) byLocal.set(contract.localSymbol, k);
  }
  return {
    contract(symbol) {
      const c = contracts.get(symbol);
      if (c === undefined) {
        throw new InputError(
          `IBKR: no contract for symbol ${JSON.stringify(symbol)}`,
          `add it under pipeline.trading.ibkr: \`stocks: [${symbol}]\` for a SMART/USD stock, \`fx: [BASE.QUOTE]\` for an FX pair, or \`contracts: { ${symbol}: { sec_type: FUT, exchange: ..., expiry: YYYYMM } }\``,
        );
      }
      return { ...c };
    },
    symbolOf(c) {
      const local = c.localSymbol === undefined || c.localSymbol === "" ? undefined : byLocal.get(c.localSymbol);
      if (local !== undefined) return local;
      const known = byIdentity.get(identity(c));
      if (known !== undefined) return known;
      if (String(c.secType) === "CASH") return `${c.symbol}.${c.currency}`;
      if (String(c.secType) === "FUT" && c.localSymbol) return c.localSymbol;
      return c.symbol ?? "?";
    },
    multiplier(symbol) {
      const m = contracts.get(symbol)?.multiplier;
      return m === undefined || !(m > 0) ? 1 : m;
    },
    symbols: () => [...contracts.keys()],
  };
}
