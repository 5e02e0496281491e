/**
 * Alpaca keys, read from the environment only (the SDK's usual names), with a masker that knows
 * them: every message the connector logs or throws goes through it, because SDK errors and stream
 * frames can quote what was sent.
 */
import { SecretMasker } from "../../../log/redact.js";
import { InputError } from "../../../util/errors.js";

export const KEY_ID_VAR = "APCA_API_KEY_ID";
export const SECRET_KEY_VAR = "APCA_API_SECRET_KEY";

export interface AlpacaCredentials {
  keyId: string;
  secret: string;
  /** Masks both values in any text. */
  masker: SecretMasker;
}

export function readCredentials(env: NodeJS.ProcessEnv): AlpacaCredentials {
  const keyId = env[KEY_ID_VAR]?.trim() ?? "";
  const secret = env[SECRET_KEY_VAR]?.trim() ?? "";
  const missing = [keyId === "" ? KEY_ID_VAR : null, secret === "" ? SECRET_KEY_VAR : null].filter((v): v is string => v !== null);
  if (missing.length > 0) {
    throw new InputError(
      `--broker alpaca needs the environment variable${missing.length > 1 ? "s" : ""} ${missing.join(" and ")}, which ${missing.length > 1 ? "are" : "is"} not set`,
      `export ${KEY_ID_VAR} and ${SECRET_KEY_VAR} with an Alpaca paper (or live) key pair; keys are read only from the environment, never from a config file`,
    );
  }
  const masker = new SecretMasker();
  masker.add(keyId);
  masker.add(secret);
  return { keyId, secret, masker };
}
