// The CLI's entry: start what the command will need (esbuild's service for the program, the backends
// named by --backend) before the CLI's own modules load, so the three overlap.
import { backendArgs, loadCliBackends } from "./backends.js";
import { warmUpProgramBundler } from "./bundle-program.js";

const args = process.argv.slice(2);
const warm = warmUpProgramBundler();
warm.catch(() => undefined); // a missing esbuild is reported when a program loads
const backends = loadCliBackends(backendArgs(args));
const { runCli } = await import("./main.js");
await backends;
process.exitCode = await runCli(process.argv);
