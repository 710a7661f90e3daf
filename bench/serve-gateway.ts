// One zeroscale gateway in its own process, for the data-plane benchmark (so its CPU can be read from /proc):
//   node --import tsx bench/serve-gateway.ts <upstream port> <node|haproxy> [--cpu-prof ...node flags before]
// One function, kept warm (minInstances 1), whose only instance is the benchmark's shared upstream (a driver
// that starts nothing). Prints {"url", "pid", "dataPlane"} once it answers; stops on SIGTERM.
import { pino } from "pino";
import { App, ServerlessFunction, synth } from "../lib/index.js";
import type { Driver, Instance } from "../runtime/drivers/types.js";
import { edgeLimits } from "../runtime/gateway/edge.js";
import { Gateway, type GatewayOptions } from "../runtime/gateway/gateway.js";
import { HaproxyDataPlane } from "../runtime/gateway/haproxy/index.js";

/** A driver whose every "instance" is an already running server on 127.0.0.1:port. */
export class SharedUpstreamDriver implements Driver {
  readonly kind = "process" as const;
  private next = 0;
  constructor(private readonly port: number) {}
  async prepare(): Promise<void> {}
  async start(): Promise<Instance> {
    let exit: () => void = () => {};
    const exited = new Promise<void>((resolve) => (exit = resolve));
    return { id: `upstream-${++this.next}`, port: this.port, host: "127.0.0.1", exited, stop: async () => exit(), usage: async () => null };
  }
  async cleanup(): Promise<number> {
    return 0;
  }
}

/** The one-function app: a warm function on "/" with room for every connection the load opens. */
export function warmApp(name: string) {
  const app = new App({ name });
  const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bench/upstream:1", concurrency: 1000 });
  fn.addTrigger("http", { http: { path: "/" } });
  fn.addScalingPolicy({ minInstances: 1, maxInstances: 1 });
  return synth(app);
}

async function main(): Promise<void> {
  const [portArg, plane = "node"] = process.argv.slice(2);
  if (plane !== "node" && plane !== "haproxy") throw new Error(`data plane ${plane}: node or haproxy`);
  // An experiment, not the default: ZS_BENCH_HAPROXY_LOG_SAMPLE=N makes the HAProxy data plane itself, logging
  // 1 request in N (0 = none) to the control plane, to see what the request log costs.
  const sample = process.env["ZS_BENCH_HAPROXY_LOG_SAMPLE"];
  const dataPlane =
    plane === "haproxy" && sample !== undefined
      ? new HaproxyDataPlane({ limits: edgeLimits({}), concurrencyOf: () => 1000, requestLogSample: Number(sample) })
      : plane;
  const options: GatewayOptions = { driver: new SharedUpstreamDriver(Number(portArg)), port: 0, adminPort: 0, logger: pino({ level: "silent" }), dataPlane };
  const gateway = new Gateway(warmApp(`dp-${plane}`), options);
  await gateway.start();
  for (let i = 0; ; i++) {
    const res = await fetch(`${gateway.url}/`).catch(() => undefined);
    await res?.text();
    if (res?.status === 200) break;
    if (i > 2000) throw new Error(`${gateway.url} never answered 200`);
    await new Promise((r) => setTimeout(r, 5));
  }
  console.log(JSON.stringify({ url: gateway.url, pid: process.pid, dataPlane: plane }));
  const stop = () => {
    void gateway.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

await main();
