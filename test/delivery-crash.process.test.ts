// No message lost when the gateway dies mid-delivery: a real gateway process (test/support/queue-gateway.ts)
// is SIGKILLed while its handler holds messages, a second one is started, and every message is
// delivered at least once and acknowledged at the end, duplicates carrying the same ce-id (RabbitMQ
// messages are published WITHOUT a message-id: their derived id must be stable across redeliveries).
// Redis: the entries of the dead consumer are claimed after 5 s idle; RabbitMQ: requeued when the
// connection drops; NATS: redelivered after the ack wait (10 s).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BrokerClient, brokerClient, brokersPresent } from "./support/brokers.js";
import { waitFor } from "./support/gateway.js";

const present = await brokersPresent();
const root = new URL("..", import.meta.url).pathname;
const children: ChildProcess[] = [];
let client: BrokerClient | undefined;

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await client?.close();
  client = undefined;
});

interface Line {
  at: number;
  phase: "received" | "done";
  headers: Record<string, string>;
  body: string;
  pid: number;
}
const read = (file: string): Line[] => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line) : []);

/** Start a gateway process; resolves once it consumes. */
async function gatewayProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/support/queue-gateway.ts")], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const ok = await waitFor(() => out.includes("ready ") || child.exitCode !== null, 30_000);
  if (!ok || !out.includes("ready ")) throw new Error(`the gateway did not start: ${out}`);
  return child;
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

for (const broker of ["redis", "rabbitmq", "nats"] as const) {
  describe.skipIf(!present[broker])(`${broker}: gateway killed mid-delivery`, () => {
    it("loses no message: every one delivered at least once and acked, duplicates with the same ce-id", { timeout: 90_000 }, async () => {
      client = await brokerClient(broker);
      const queue = `zs-crash-${broker}-${Date.now()}`;
      const file = join(mkdtempSync(join(tmpdir(), `zs-crash-${broker}-`)), "events.jsonl");
      await client.prepare(queue);
      const N = 6;
      const known: (string | null)[] = [];
      for (let i = 0; i < N; i++) known.push(await client.publish(queue, { order: String(i) }, broker !== "rabbitmq"));
      const env = { ZS_BROKER: broker, ZS_URL: client.url, ZS_QUEUE: queue, EVENTS_FILE: file };

      const first = await gatewayProcess({ ...env, HOLD_MS: "60000" }); // the handler holds every message
      expect(await waitFor(() => read(file).some((l) => l.phase === "received"), 30_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      first.kill("SIGKILL");
      await exited(first);
      const killedAt = Date.now();
      const held = read(file).filter((l) => l.phase === "received");
      expect(held.length).toBeGreaterThanOrEqual(1);
      expect(read(file).filter((l) => l.phase === "done")).toHaveLength(0); // nothing was answered

      const second = await gatewayProcess({ ...env, HOLD_MS: "0" });
      const orders = () => new Set(read(file).filter((l) => l.phase === "done").map((l) => (JSON.parse(l.body) as { order: string }).order));
      expect(await waitFor(() => orders().size === N, 45_000), `delivered orders: ${[...orders()].join(",")}`).toBe(true);
      const done = read(file).filter((l) => l.phase === "done");
      // one id per message, the same on every delivery of it (the held ones were delivered twice)
      const idsByOrder = new Map<string, Set<string>>();
      for (const l of [...held, ...done]) {
        const order = (JSON.parse(l.body) as { order: string }).order;
        idsByOrder.set(order, (idsByOrder.get(order) ?? new Set()).add(l.headers["ce-id"] as string));
      }
      expect([...idsByOrder.values()].every((s) => s.size === 1)).toBe(true);
      expect(new Set([...idsByOrder.values()].map((s) => [...s][0])).size).toBe(N);
      if (broker !== "rabbitmq") expect(new Set(done.map((l) => l.headers["ce-id"]))).toEqual(new Set(known));
      for (const h of held) expect(done.some((d) => d.headers["ce-id"] === h.headers["ce-id"] && d.at > killedAt)).toBe(true);

      second.kill("SIGTERM");
      await exited(second);
      expect(await waitFor(() => client!.allAcked(queue, "workers"), 10_000)).toBe(true);
    });
  });
}

describe.skipIf(!present.nats)("nats: gateway killed during the LAST attempt", () => {
  it("the MAX_DELIVERIES advisory dead-letters the message the server gave up on", { timeout: 60_000 }, async () => {
    client = await brokerClient("nats");
    const queue = `zs-crash-last-${Date.now()}`;
    const dlq = `${queue}-dlq`;
    const file = join(mkdtempSync(join(tmpdir(), "zs-crash-last-")), "events.jsonl");
    await client.prepare(queue);
    const id = await client.publish(queue, { order: "last" });
    const env = { ZS_BROKER: "nats", ZS_URL: client.url, ZS_QUEUE: queue, EVENTS_FILE: file, ZS_RETRIES: "0", ZS_DLQ: dlq }; // max_deliver 1
    const first = await gatewayProcess({ ...env, HOLD_MS: "60000" });
    expect(await waitFor(() => read(file).some((l) => l.phase === "received"), 30_000)).toBe(true);
    first.kill("SIGKILL");
    await exited(first);
    await gatewayProcess({ ...env, HOLD_MS: "0" });
    // no redelivery (max_deliver reached); after the ack wait the server's advisory reaches the new gateway
    let dead: Awaited<ReturnType<BrokerClient["deadLetters"]>> = [];
    expect(await waitFor(async () => (dead = await client!.deadLetters(dlq)).length > 0, 30_000)).toBe(true);
    expect(dead[0]).toMatchObject({ originalId: id, attempts: 1 });
    expect(dead[0]!.failure).toMatch(/before a restart/);
    expect(read(file).filter((l) => l.phase === "done")).toHaveLength(0);
  });
});
