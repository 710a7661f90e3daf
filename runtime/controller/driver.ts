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
  private leased = false;

  constructor(private readonly o: ControllerDriverOptions = {}) {
    this.socketPath = o.socketPath ?? CONTROLLER_SOCKET;
    this.token = o.token;
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

  /** At the gateway's start: take the lease (the controller stops everything when it closes), then stop what an earlier run left. */
  async cleanup(_app: string): Promise<number> {
    this.lease();
    const { stopped } = await this.call<{ stopped: number }>("POST", "/v1/stop");
    return stopped;
  }

  /** Hold `GET /v1/lease` open for the life of this process, reconnecting after a controller restart. */
  private lease(): void {
    if (this.leased) return;
    this.leased = true;
    const open = () => {
      const req = request({ socketPath: this.socketPath, path: "/v1/lease", method: "GET", headers: { authorization: `Bearer ${this.currentToken()}` } }, (res) => {
        if (res.statusCode === 401) this.token = this.o.token; // re-read the file next time
        res.resume();
        res.on("close", retry);
      });
      req.on("socket", (s) => s.unref()); // the lease never keeps the gateway alive
      req.on("error", retry);
      req.end();
    };
    let waiting = false;
    const retry = () => {
      if (waiting) return;
      waiting = true;
      setTimeout(() => {
        waiting = false;
        open();
      }, 1000).unref();
    };
    open();
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
