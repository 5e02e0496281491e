import type { Command } from "commander";
import type { CommandContext, RegisterCommand } from "../program.js";
import { InputError } from "../../util/errors.js";
import { runsDirFor } from "./runs.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

// `foxml serve [--runs-dir DIR] [--port 8080] [--host 127.0.0.1]`: the local web dashboard.
export const registerServeCommand: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command("serve")
    .description("serve a read-only web dashboard of the runs folder: runs with filters, a page per run (stages and timings, rankings, features, leakage, family status, evaluation and backtest charts), comparisons, live progress")
    .option("--runs-dir <dir>", "folder holding the run folders (default: pipeline.runs.dir of the config, usually ./runs)")
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--host <address>", "address to bind; other than 127.0.0.1 exposes your runs to the network", "127.0.0.1")
    .action(async (flags: { runsDir?: string; port: string; host: string }) => {
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65_535) throw new InputError(`invalid --port "${flags.port}"`, "give a port number from 0 to 65535 (0: any free port)");
      const runsDir = await runsDirFor(ctx, flags.runsDir);
      const { startDashboard } = await import("../../dashboard/server.js");
      const { NotFound } = await import("../../dashboard/paths.js");
      let dash;
      try {
        dash = await startDashboard({ runsDir, port, host: flags.host, onError: (e) => ctx.io.err(`error serving a request: ${(e as Error)?.message ?? String(e)}\n`) });
      } catch (e) {
        if (e instanceof NotFound) throw new InputError(e.message, "pass --runs-dir DIR, the folder that holds your run folders");
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new InputError(`port ${port} is in use`, "pick another with --port N, or --port 0 for any free port");
        if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new InputError(`cannot bind ${flags.host}`, "give an address of this machine, e.g. --host 127.0.0.1");
        throw e;
      }
      if (!LOOPBACK.has(flags.host)) ctx.io.err(`warning: listening on ${flags.host}: anyone who can reach this machine can read these runs\n`);
      ctx.io.out(`FoxML dashboard of ${runsDir} at ${dash.url}/ (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void dash.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
};
