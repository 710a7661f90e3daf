/**
 * `zeroscale replay`'s definition: its flags and help, light to load. The replay itself (the engine
 * models, the cost view, sparkly) is imported only when the command runs (./replay.ts): importing it
 * took ~40 ms of every CLI start, synth's included.
 */
import { type Command, Option } from "commander";
import { DEFAULT_PRICES } from "../lib/cost/index.js";
import type { DeploymentGraph } from "../lib/graph/types.js";
import type { ReplayBackend } from "../lib/testing/replay.js";
import { choice, flagError, wholeNumber } from "./flags.js";
import type { Output } from "./output.js";

const COMMAND = "replay";

/** The backends (and engines) replay knows: docker and the dev gateway run zeroscale's engine. */
export const REPLAY_BACKENDS = ["zeroscale", "gateway", "docker", "knative", "keda", "cloudrun", "aca", "lambda"] as const satisfies readonly ReplayBackend[];

/** The options of `zeroscale replay`, as commander parses them. */
export interface ReplayOptions {
  readonly trace: string;
  readonly backend: ReplayBackend;
  readonly fn?: string;
  readonly plot?: string;
  readonly priceVcpuSecond?: number;
  readonly priceGibSecond?: number;
  readonly fixedSize: number;
  readonly coldStart?: number;
  readonly until?: number;
}

/** What the command needs from the CLI around it. */
export interface ReplayContext {
  readonly io: Output;
  /** Load and synthesize the program the way synth does (its failures carry synth's exit codes). */
  readonly loadGraph: (program: string) => Promise<DeploymentGraph>;
}

function nonNegative(flag: string, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw flagError(COMMAND, flag, value, "is not a number >= 0", `use e.g. ${flag} ${example}`);
    return n;
  };
}

/** Define `zeroscale replay` on `cmd` (made by `cli.command("replay")`, so it inherits the CLI's settings). */
export function defineReplayCommand(cmd: Command, ctx: ReplayContext): Command {
  const backend = choice(COMMAND, "--backend", REPLAY_BACKENDS);
  return cmd
    .description("replay a request or queue-depth trace (CSV or JSON) through each function's engine model: instances over time, cold starts, waits, and the cost against always-on")
    .argument("<app>", "the program (.ts or .js) exporting the App")
    .requiredOption("--trace <file>", "the trace: CSV (header at,count,duration,to,rps,depth,fn) or JSON rows of requests, constant rates or queue depth (docs/replay.md)")
    .addOption(
      new Option("-b, --backend <name>", `whose scaling semantics to replay: ${REPLAY_BACKENDS.join(", ")}`)
        .argParser((value: string, previous: ReplayBackend | undefined) => {
          if (previous !== undefined && previous !== "zeroscale") throw flagError(COMMAND, "--backend", value, "is a second backend; replay runs one at a time", "give --backend once");
          return backend(value, undefined);
        })
        .default("zeroscale"),
    )
    .option("--fn <id>", "replay only this function (its id, e.g. orders/api, or its name in the app, e.g. api)")
    .option("--plot <file>", "write the instances over time as an SVG")
    .addOption(new Option("--price-vcpu-second <price>", `price of one vCPU-second (default ${DEFAULT_PRICES.vcpuSecond}, ${DEFAULT_PRICES.source})`).argParser(nonNegative("--price-vcpu-second", "0.000024")))
    .addOption(new Option("--price-gib-second <price>", `price of one GiB-second of memory (default ${DEFAULT_PRICES.gibSecond})`).argParser(nonNegative("--price-gib-second", "0.0000025")))
    .addOption(new Option("--fixed-size <n>", "instances of the fixed-size always-on comparison").argParser(wholeNumber(COMMAND, "--fixed-size", 0, "instances", "2")).default(1))
    .addOption(new Option("--cold-start <seconds>", "seconds from starting an instance until it is ready (default 1)").argParser(nonNegative("--cold-start", "2.5")))
    .addOption(new Option("--until <seconds>", "replay until this second (default: the last activity + the engine's time to zero + its stable window + 2 minutes)").argParser(wholeNumber(COMMAND, "--until", 1, "seconds", "3600")))
    .action(async (program: string, opts: ReplayOptions) => {
      const { replay } = await import("./replay.js");
      await replay(program, opts, ctx);
    });
}

