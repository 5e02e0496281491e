/**
 * Broker credentials come from the environment only, and never leave it: every value of a
 * broker-looking variable (APCA_*, ALPACA_*, IBKR_*, IB_*, TWS_* naming a key, secret, token,
 * password or account) or of any secret-looking one is masked in every log line and error message
 * `foxml trade` writes.
 */
import { isSecretKey, SecretMasker } from "../log/redact.js";

const BROKER_VAR = /^(APCA|ALPACA|IBKR|IB|TWS)_/i;
const CREDENTIAL_WORD = /KEY|SECRET|TOKEN|PASS|ACCOUNT|USER|LOGIN/i;

export function envSecretMasker(env: NodeJS.ProcessEnv, masker = new SecretMasker()): SecretMasker {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || v === "") continue;
    if (isSecretKey(k) || (BROKER_VAR.test(k) && CREDENTIAL_WORD.test(k))) masker.add(v);
  }
  return masker;
}
