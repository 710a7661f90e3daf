// A gateway as its own process, for the crash tests (test/delivery-crash.process.test.ts):
//   node --import tsx test/support/queue-gateway.ts   (config in the environment)
// ZS_BROKER, ZS_URL, ZS_QUEUE: the trigger (ZS_RETRIES, ZS_DLQ: its delivery); EVENTS_FILE, HOLD_MS: the recorder function's; prints
// "ready <admin url>" once consuming. SIGTERM stops it cleanly.
import { pino } from "pino";
import { App, ServerlessFunction, synth } from "../../lib/index.js";
import { Gateway, ProcessDriver } from "../../runtime/index.js";
import { FIXTURES } from "./gateway.js";

const env = (k: string) => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`set ${k}`);
  return v;
};
const app = new App({ name: "crash" });
const fn = new ServerlessFunction(app, "worker", { code: { path: "functions", handler: "deliveries.js#recorder" }, concurrency: 1, env: { EVENTS_FILE: env("EVENTS_FILE"), HOLD_MS: process.env["HOLD_MS"] ?? "0" } });
fn.addTrigger("q", { queue: { broker: env("ZS_BROKER") as "redis", connection: env("ZS_URL"), name: env("ZS_QUEUE"), consumerGroup: "workers" }, delivery: { retries: Number(process.env["ZS_RETRIES"] ?? 3), backoff: { policy: "linear", delay: "200ms" }, ...(process.env["ZS_DLQ"] ? { deadLetter: { queue: process.env["ZS_DLQ"] } } : {}) } });
fn.addScalingPolicy({ initialInstances: 0, maxInstances: 2, metric: { queueLength: 1 } });
const gateway = new Gateway(synth(app), { driver: new ProcessDriver(FIXTURES), port: 0, adminPort: 0, logger: pino({ level: process.env["ZS_TEST_LOG"] ?? "warn" }, pino.destination(2)) });
await gateway.start();
process.stdout.write(`ready ${gateway.adminUrl}\n`);
process.on("SIGTERM", () => void gateway.stop().then(() => process.exit(0)));
