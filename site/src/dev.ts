/**
 * `npm run site:dev`: builds the static pages and serves them with the server on 127.0.0.1:8787,
 * with secrets from the environment (test-mode Stripe keys by default; see site/README.md).
 */
import { loadTiers, settingsFromEnv } from "./config.js";
import { buildSite } from "./build/build.js";
import { createSiteServer } from "./server/app.js";

const settings = settingsFromEnv(process.env);
const { out } = buildSite();
const { app } = await createSiteServer({ settings, tiers: loadTiers(), distDir: out, onError: (e) => process.stderr.write(`error: ${(e as Error).message}\n`) });
const port = Number(process.env.PORT ?? 8787);
await app.listen({ port, host: process.env.HOST ?? "127.0.0.1" });
process.stdout.write(`FoxML site at ${settings.baseUrl}/ (Ctrl-C to stop)\n`);
