/**
 * The data plane's driver in the Docker backend: it has no Docker access and asks the controller
 * (./server.ts, over its Unix socket, with the shared token) to start and stop the app's pre-created
 * containers. Same behaviour as PrecreatedContainersDriver, which the controller runs.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import type { FunctionNode } from "../../lib/index.js";
import { type Driver, DriverError, type ExitInfo, type Instance, type InstanceSpec, type InstanceUsage } from "../drivers/types.js";
import type { ContainerState } from "../drivers/precreated.js";
import { CONTROLLER_SOCKET, CONTROLLER_TOKEN_FILE } from "./protocol.js";

/** Options of the {@link ControllerDriver}. */
export interface ControllerDriverOptions {
  /** The controller's Unix socket. @default "/run/zeroscale/controller.sock" */
  readonly socketPath?: string;
  /** The token; or... */
  readonly token?: string;
  /** ...the file holding it, read when needed (and again after a 401: the controller restarted). @default "/run/zeroscale/token" */
  readonly tokenFile?: string;
  /** How often the state of running instances is read to notice exits, ms. @default 1000 */
  readonly pollMs?: number;
  /** Longest the first lease may take to be acknowledged before `cleanup()` (the gateway's start) fails, ms. @default 5000 */
  readonly leaseTimeoutMs?: number;
  /** Where lease failures and reconnections are logged. @default one JSON line on stderr */
  readonly log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

interface Tracked {
  readonly id: string;
  readonly exit: (info: ExitInfo | void) => void;
}

export class ControllerDriver implements Driver {
  readonly kind = "docker" as const;
  private readonly socketPath: string;
  private readonly inUse = new Set<string>();
  /** Running instances by function, watched for exits. */
  private readonly watched = new Map<string, Map<string, Tracked>>();
  private timer: NodeJS.Timeout | undefined;
  private token: string | undefined;
  private leasing: Promise<void> | undefined;
  private readonly log: NonNullable<ControllerDriverOptions["log"]>;

  constructor(private readonly o: ControllerDriverOptions = {}) {
    this.socketPath = o.socketPath ?? CONTROLLER_SOCKET;
    this.token = o.token;
    this.log = o.log ?? ((level, msg, fields) => console.error(JSON.stringify({ level, msg, component: "controller-driver", ...fields })));
  }

  async prepare(fn: FunctionNode): Promise<void> {
    const { containers } = await this.call<{ containers: { id: string; state: string }[] }>("GET", `/v1/functions/${encodeURIComponent(fn.id)}`);
    if (containers.length === 0) throw new DriverError(`${fn.id}: the controller knows no pre-created containers of this function; run pulumi up with the docker() backend first`);
  }

  async start(spec: InstanceSpec): Promise<Instance> {
    const fnId = spec.fn.id;
    const { containers } = await this.call<{ containers: { id: string; state: string }[] }>("GET", `/v1/functions/${encodeURIComponent(fnId)}`);
    const free = containers.find((c) => !this.inUse.has(c.id) && c.state !== "running");
    if (!free) throw new DriverError(`${fnId}: all ${containers.length} pre-created containers are in use (maxInstances)`);
    this.inUse.add(free.id);
    let started: { host: string; port: number };
    try {
      started = await this.call("POST", `/v1/containers/${free.id}/start`);
    } catch (e) {
      this.inUse.delete(free.id);
      throw e;
    }
    let exit!: (info: ExitInfo | void) => void;
    const exited = new Promise<ExitInfo | void>((r) => (exit = r));
    const release = () => {
      this.inUse.delete(free.id);
      this.watched.get(fnId)?.delete(free.id);
    };
    void exited.then(release);
    this.watch(fnId, { id: free.id, exit });
    return {
      id: free.id.slice(0, 12),
      host: started.host,
      port: started.port,
      exited,
      stop: async (graceMs: number) => {
        await this.call("POST", `/v1/containers/${free.id}/stop?t=${Math.max(1, Math.ceil(graceMs / 1000))}`).catch(() => undefined);
        release();
        exit(await this.exitInfo(free.id));
      },
      usage: () => this.call<InstanceUsage | null>("GET", `/v1/containers/${free.id}/usage`).catch(() => null),
    };
  }

  /**
   * At the gateway's start: take the lease (the controller stops everything when it closes) and wait
   * for its acknowledgement, so no instance runs without one; then stop what an earlier run left.
   */
  async cleanup(_app: string): Promise<number> {
    await this.lease();
    const { stopped } = await this.call<{ stopped: number }>("POST", "/v1/stop");
    return stopped;
  }

  /**
   * Hold `GET /v1/lease` open for the life of this process, reconnecting after a controller restart
   * (every failure logged). Resolves once the controller acknowledged the first one; rejects, naming
   * the last failure, when that takes longer than `leaseTimeoutMs`.
   */
  private lease(): Promise<void> {
    this.leasing ??= new Promise<void>((resolve, reject) => {
      const timeoutMs = this.o.leaseTimeoutMs ?? 5000;
      let acknowledged = false;
      let gaveUp = false;
      let lastFailure = "no answer";
      const timer = setTimeout(() => {
        if (acknowledged) return;
        gaveUp = true;
        this.leasing = undefined; // a later cleanup() tries again
        reject(new DriverError(`the controller at ${this.socketPath} did not acknowledge the gateway's lease within ${timeoutMs} ms (${lastFailure}); without it, instances could outlive the gateway`));
      }, timeoutMs);
      // Kept referenced while waiting: the lease socket is unref'd, and the gateway's start awaits this,
      // so without it an empty event loop would end the gateway (exit 0) before it serves.
      const failed = (why: string, level: "warn" | "error" = "warn") => {
        lastFailure = why;
        this.log(level, acknowledged ? "the controller lease failed; retrying in 1 s" : "could not take the controller lease; retrying in 1 s", { socket: this.socketPath, error: why });
        retry();
      };
      const open = () => {
        if (gaveUp) return;
        let token: string;
        try {
          token = this.currentToken();
        } catch (e) {
          return failed(`cannot read the controller's token: ${(e as Error).message}`, "error");
        }
        let ended = false;
        const end = (why: string, level?: "warn" | "error") => {
          if (ended) return;
          ended = true;
          failed(why, level);
        };
        const req = request({ socketPath: this.socketPath, path: "/v1/lease", method: "GET", headers: { authorization: `Bearer ${token}` } }, (res) => {
          if (res.statusCode !== 200) {
            if (res.statusCode === 401) this.token = this.o.token; // re-read the file next time (the controller restarted)
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c.slice(0, 200)));
            res.on("close", () => end(`the controller refused the lease: ${res.statusCode ?? 0} ${body.trim()}`.trim(), res.statusCode === 401 ? "error" : "warn"));
            return;
          }
          let text = "";
          let mine = false;
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            if (mine) return;
            text += c;
            if (!text.includes("\n")) return;
            mine = true;
            let ok = false;
            try {
              ok = (JSON.parse(text.slice(0, text.indexOf("\n"))) as { lease?: unknown }).lease === true;
            } catch {
              ok = false;
            }
            if (!ok) return void req.destroy(new Error(`not a lease acknowledgement: ${JSON.stringify(text.slice(0, 100))}`));
            if (acknowledged) this.log("info", "the controller lease is held again", { socket: this.socketPath });
            acknowledged = true;
            clearTimeout(timer);
            resolve();
          });
          res.on("close", () => end("the controller closed the lease"));
        });
        req.on("socket", (s) => s.unref()); // the lease never keeps the gateway alive
        req.on("error", (e) => end(e.message));
        req.end();
      };
      let waiting = false;
      const retry = () => {
        if (waiting || gaveUp) return;
        waiting = true;
        setTimeout(() => {
          waiting = false;
          open();
        }, 1000).unref();
      };
      open();
    });
    return this.leasing;
  }

  private watch(fnId: string, t: Tracked): void {
    const m = this.watched.get(fnId) ?? new Map<string, Tracked>();
    m.set(t.id, t);
    this.watched.set(fnId, m);
    this.timer ??= setInterval(() => void this.poll(), this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  /** One state read per function with running instances: an instance whose container stopped has exited. */
  private async poll(): Promise<void> {
    for (const [fnId, tracked] of this.watched) {
      if (tracked.size === 0) continue;
      let containers: { id: string; state: string }[];
      try {
        ({ containers } = await this.call<{ containers: { id: string; state: string }[] }>("GET", `/v1/functions/${encodeURIComponent(fnId)}`));
      } catch {
        continue; // the controller is restarting: ask again next time
      }
      const running = new Set(containers.filter((c) => c.state === "running" || c.state === "restarting").map((c) => c.id));
      for (const t of [...tracked.values()]) {
        if (!running.has(t.id)) t.exit(await this.exitInfo(t.id));
      }
    }
    if ([...this.watched.values()].every((m) => m.size === 0) && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async exitInfo(id: string): Promise<ExitInfo | void> {
    try {
      const s = await this.call<ContainerState>("GET", `/v1/containers/${id}`);
      return s.running ? undefined : { code: s.exitCode, signal: null };
    } catch {
      return undefined;
    }
  }

  private currentToken(): string {
    if (this.token === undefined) this.token = readFileSync(this.o.tokenFile ?? CONTROLLER_TOKEN_FILE, "utf8").trim();
    return this.token;
  }

  /** One request; a 401 re-reads the token file once (the controller restarted with a new token). */
  private async call<T>(method: "GET" | "POST", path: string, retried = false): Promise<T> {
    let token: string;
    try {
      token = this.currentToken();
    } catch (e) {
      throw new DriverError(`cannot read the controller's token (${(e as Error).message}); is the controller running, with its volume mounted here?`);
    }
    const { status, body } = await new Promise<{ status: number; body: string }>((ok, fail) => {
      const req = request({ socketPath: this.socketPath, path, method, headers: { authorization: `Bearer ${token}` }, timeout: 60_000 }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => ok({ status: res.statusCode ?? 0, body: text }));
        res.on("error", fail);
      });
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (e) => fail(new DriverError(`the controller at ${this.socketPath} did not answer ${method} ${path} (${e.message})`)));
      req.end();
    });
    if (status === 401 && !retried && this.o.token === undefined) {
      this.token = undefined;
      return this.call(method, path, true);
    }
    if (status !== 200) throw new DriverError(`the controller refused ${method} ${path}: ${status} ${body.trim()}`);
    return JSON.parse(body) as T;
  }
}
