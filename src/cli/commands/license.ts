import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext, RegisterCommand } from "../program.js";
import { FoxmlError, InputError } from "../../util/errors.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { generateLicenseKeys, verifyLicense } from "../../license/license.js";

/** The public key: --public-key FILE, else FOXML_LICENSE_PUBLIC_KEY (a PEM, or a path to one). */
function publicKey(flag: string | undefined): string {
  const source = flag ?? process.env.FOXML_LICENSE_PUBLIC_KEY;
  if (!source) throw new InputError("no public key to verify with", "pass --public-key FILE (the issuer's public key PEM) or set FOXML_LICENSE_PUBLIC_KEY");
  if (source.includes("-----BEGIN")) return source;
  if (!existsSync(source)) throw new InputError(`public key file ${source} does not exist`, "give the path of the issuer's public key PEM");
  return readFileSync(source, "utf8");
}

// `foxml license verify KEY | keygen --out DIR`: licence keys issued by the website, checked offline.
export const registerLicenseCommand: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const license = program.command("license").description("licence keys issued on purchase: verify one offline, or make the issuer's key pair");
  license
    .command("verify")
    .description("check a licence key's signature offline and print what it grants; exit 1 when invalid or expired")
    .argument("<key>", "the licence key (FOXML1.<payload>.<signature>)")
    .option("--public-key <file>", "the issuer's public key PEM (default: FOXML_LICENSE_PUBLIC_KEY)")
    .option("--json", "print JSON")
    .action((key: string, flags: { publicKey?: string; json?: boolean }) => {
      const check = verifyLicense(key, publicKey(flags.publicKey));
      if (flags.json) ctx.io.out(JSON.stringify(check) + "\n");
      if (!check.valid) {
        if (!flags.json) ctx.io.err(`invalid licence: ${check.reason}\n`);
        ctx.setExitCode(1);
        return;
      }
      const p = check.payload;
      if (!flags.json) ctx.io.out(`${check.expired ? "expired" : "valid"} licence ${p.id}: tier ${p.tier} for ${p.customer}, issued ${p.issued_at}, ${p.expires_at ? `expires ${p.expires_at}` : "no expiry"}${p.features.length ? `; features: ${p.features.join(", ")}` : ""}\n`);
      if (check.expired) ctx.setExitCode(1);
    });
  license
    .command("keygen")
    .description("write a new Ed25519 key pair for signing licences (license_private.pem: keep it secret, give it to the website's FOXML_LICENSE_PRIVATE_KEY; license_public.pem: publish it)")
    .requiredOption("--out <dir>", "folder to write the two PEM files to")
    .action((flags: { out: string }) => {
      const dir = resolve(flags.out);
      const priv = join(dir, "license_private.pem");
      if (existsSync(priv)) throw new FoxmlError(`${priv} exists: refusing to overwrite a signing key`, { exitCode: 2, hint: "choose another --out folder" });
      mkdirSync(dir, { recursive: true });
      const keys = generateLicenseKeys();
      writeFileAtomic(priv, keys.privateKeyPem);
      chmodSync(priv, 0o600);
      writeFileAtomic(join(dir, "license_public.pem"), keys.publicKeyPem);
      ctx.io.out(`${priv}\n${join(dir, "license_public.pem")}\n`);
    });
};
