// The fault suite's harness: apps built on test/fixtures/functions/faults.js, a ledger of every
// execution (the function appends one line per request id when it starts and when it answers), and
// the suite's four assertions: every request got exactly one response of a documented status,
// nothing executed twice, nothing executed for a client that left, no process left behind.
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { App, type ScalingPolicyOptions, ServerlessFunction, type ServerlessFunctionProps } from "zeroscale";
import type { Gateway } from "../../runtime/index.js";
import { alive } from "../support/gateway.js";

/** One execution record written by the faults function. */
export interface LedgerLine {
  readonly id: string;
  readonly phase: "start" | "end";
  readonly pid: number;
  readonly at: number;
}

/** A ledger file shared by every instance of a test's functions (containers reach it through `collect()`). */
export class Ledger {
  readonly file = join(mkdtempSync(join(tmpdir(), "zs-faults-")), "ledger.jsonl");
  private server: Server | undefined;

  /** A collector on 127.0.0.1 that appends what instances POST (for containers, which cannot write the file); its URL. */
  async collect(): Promise<string> {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        appendFileSync(this.file, body);
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  lines(): LedgerLine[] {
    try {
      return readFileSync(this.file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LedgerLine);
    } catch {
      return [];
    }
  }
  /** How many times each request id started executing. */
  executions(): Map<string, number> {
    const out = new Map<string, number>();
    for (const l of this.lines()) if (l.phase === "start") out.set(l.id, (out.get(l.id) ?? 0) + 1);
    return out;
  }
  pids(): number[] {
    return [...new Set(this.lines().map((l) => l.pid))];
  }
}

/** An app with faults.js functions (one per name) on /<name>, all writing to `ledger`. */
export function faultsApp(name: string, ledger: Ledger, fns: Record<string, { fn?: Partial<ServerlessFunctionProps>; policy?: ScalingPolicyOptions; handler?: string }>, ledgerUrl?: string): App {
  const app = new App({ name });
  for (const [id, spec] of Object.entries(fns)) {
    const { env, ...fnProps } = spec.fn ?? {};
    const f = new ServerlessFunction(app, id, {
      code: { path: "functions", handler: spec.handler ?? "faults.js#handler" },
      readinessPath: "/ready",
      env: { ...(ledgerUrl ? { LEDGER_URL: ledgerUrl } : { LEDGER: ledger.file }), ...(env ?? {}) },
      ...fnProps,
    } as ServerlessFunctionProps);
    f.addTrigger("http", { http: { path: `/${id}` } });
    f.addScalingPolicy(spec.policy ?? {});
  }
  return app;
}

/** What one request ended with: a status, or a client-side error (reset, aborted). */
export interface Outcome {
  readonly id: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly body: string;
  readonly ms: number;
}

let seq = 0;
/** A fresh request id. */
export const nextId = (prefix = "r") => `${prefix}-${process.pid}-${++seq}`;

/** Send one request with an x-test-id; never throws (an error is an outcome). `abortAfterMs` makes the client leave. */
export function send(gateway: Gateway, path: string, opts: { id?: string; method?: string; body?: Buffer | string; abortAfterMs?: number; headers?: Record<string, string>; agent?: false } = {}): Promise<Outcome> {
  const id = opts.id ?? nextId();
  const url = new URL(path, gateway.url);
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<Outcome, "id" | "ms">) => {
      if (settled) return;
      settled = true;
      resolve({ id, ms: Date.now() - started, ...o });
    };
    const req = httpRequest(
      { host: "127.0.0.1", port: url.port, path: url.pathname + url.search, method: opts.method ?? (opts.body ? "POST" : "GET"), agent: opts.agent ?? false, headers: { "x-test-id": id, ...(opts.headers ?? {}) } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => done({ status: res.statusCode ?? 0, error: null, body }));
        res.on("error", (e) => done({ status: res.statusCode ?? null, error: e.message, body }));
        res.on("aborted", () => done({ status: res.statusCode ?? null, error: "aborted", body }));
      },
    );
    req.on("error", (e) => done({ status: null, error: (e as NodeJS.ErrnoException).code ?? e.message, body: "" }));
    if (opts.abortAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        done({ status: null, error: "client left", body: "" });
      }, opts.abortAfterMs);
    }
    req.end(opts.body);
  });
}

/** The suite's assertions over a set of outcomes. */
export function assertGuarantees(ledger: Ledger, outcomes: readonly Outcome[], documented: readonly number[], { departed = [] as readonly string[] } = {}): void {
  const exec = ledger.executions();
  for (const o of outcomes) {
    if (departed.includes(o.id)) continue;
    expect(o.error, `${o.id}: one response, not a connection error`).toBeNull();
    expect(documented, `${o.id}: status ${o.status} (${o.body.slice(0, 120)})`).toContain(o.status);
  }
  for (const [id, n] of exec) expect(n, `${id} executed ${n} times`).toBeLessThanOrEqual(1);
  for (const id of departed) expect(exec.get(id) ?? 0, `${id}: executed for a client that left`).toBe(0);
}

/** After stop: no instance process of the ledger is left. */
export async function assertNoProcessLeft(ledger: Ledger): Promise<void> {
  const deadline = Date.now() + 3000;
  let left = ledger.pids().filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  expect(left, "instance processes left after stop").toEqual([]);
}
