import Docker from "dockerode";
import type { FunctionNode } from "../../lib/index.js";
import { LABEL_APP, LABEL_FUNCTION } from "./docker.js";
import { type Driver, DriverError, type ExitInfo, type Instance, type InstanceSpec, type InstanceUsage } from "./types.js";
import { containerUsage } from "./usage.js";

/** The label holding the port a pre-created container listens on. */
export const LABEL_PORT = "zeroscale.dev/port";
/** The label holding a pre-created container's pids limit (applied before each start: @pulumi/docker cannot set it). */
export const LABEL_PIDS_LIMIT = "zeroscale.dev/pids-limit";

/** Options of the {@link PrecreatedContainersDriver}. */
export interface PrecreatedOptions {
  readonly docker?: Docker;
  /** "host": instances listen on 127.0.0.1:<port>; "bridge": on <container name>:<port> in the app's network. @default "host" */
  readonly networkMode?: "host" | "bridge";
}

/** One of the app's pre-created function containers, as the allow-list knows it (labels only: never env). */
export interface OwnedContainer {
  /** The full 64-hex container id. */
  readonly id: string;
  readonly name: string;
  readonly fn: string;
  readonly port: number;
  /** Where the gateway reaches it: 127.0.0.1 (host mode) or its name on the app network (bridge). */
  readonly host: string;
  /** Its pids limit (label), applied before each start; null without the label. */
  readonly pidsLimit: number | null;
}

/** A container's state: what the controller may tell the data plane (no env, no config, no mounts). */
export interface ContainerState extends OwnedContainer {
  /** Docker's state: created, running, exited, ... */
  readonly state: string;
  readonly running: boolean;
  /** The health check's status (starting, healthy, unhealthy), or null without one. */
  readonly health: string | null;
  readonly exitCode: number | null;
}

/** A container that is not one of the app's pre-created function containers (the allow-list refuses it). */
export class NotOwnedError extends Error {
  override readonly name = "NotOwnedError";
}

/**
 * Instances are containers that Pulumi created but did not start (the Docker backend): up to
 * maxInstances per function, labelled with app, function and port. It starts and stops them with
 * demand; it never creates or removes containers, so `pulumi up` / `destroy` own their lifecycle and
 * drift. It touches only containers carrying its app's label, a function label and a port label
 * (so never the gateway or the controller, which carry the app label only).
 *
 * In the Docker backend the data plane does not use this class: the controller
 * (runtime/controller/server.ts) does, and serves only the narrow operations below (owned, list,
 * startContainer, stopContainer, stateOf, usageOf, stopAll) to the data plane's ControllerDriver.
 */
export class PrecreatedContainersDriver implements Driver {
  readonly kind = "docker" as const;
  private readonly docker: Docker;
  private readonly inUse = new Set<string>();
  /** Ownership by full id. A container's labels never change, so an id found owned stays owned. */
  private readonly known = new Map<string, OwnedContainer>();

  constructor(
    private readonly app: string,
    private readonly o: PrecreatedOptions = {},
  ) {
    this.docker = o.docker ?? new Docker();
  }

  // --- the narrow operations (the controller's allow-list) ---

  /** The app's pre-created containers of one function, with their Docker state. */
  async list(fnId: string): Promise<{ id: string; state: string }[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${this.app}`, `${LABEL_FUNCTION}=${fnId}`, LABEL_PORT] } });
    return list
      .map((c) => this.remember(c))
      .filter((c): c is { info: Docker.ContainerInfo; owned: OwnedContainer } => c !== undefined && c.owned.fn === fnId)
      .map(({ info, owned }) => ({ id: owned.id, state: info.State }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The container if `id` (a full 64-hex id, nothing else) is one of this app's function containers; else NotOwnedError. */
  async owned(id: string): Promise<OwnedContainer> {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new NotOwnedError("not a full container id");
    const hit = this.known.get(id);
    if (hit) return hit;
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${this.app}`, LABEL_FUNCTION, LABEL_PORT] } });
    for (const c of list) this.remember(c);
    const found = this.known.get(id);
    if (!found) throw new NotOwnedError(`not a container of app ${this.app}`);
    return found;
  }

  async startContainer(id: string): Promise<OwnedContainer> {
    const c = await this.owned(id);
    const container = this.docker.getContainer(c.id);
    if (c.pidsLimit !== null) await container.update({ PidsLimit: c.pidsLimit });
    await container.start();
    return c;
  }

  async stopContainer(id: string, seconds: number): Promise<void> {
    const c = await this.owned(id);
    await this.docker
      .getContainer(c.id)
      .stop({ t: Math.max(0, Math.min(60, Math.round(seconds))) })
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 304) throw e; // 304: already stopped
      });
  }

  /** State only: built field by field from inspect, so env, config and mounts never leave this method. */
  async stateOf(id: string): Promise<ContainerState> {
    const c = await this.owned(id);
    const s = (await this.docker.getContainer(c.id).inspect()).State;
    return { ...c, state: s.Status, running: s.Running, health: s.Health?.Status ?? null, exitCode: s.Running ? null : s.ExitCode };
  }

  async usageOf(id: string): Promise<InstanceUsage | null> {
    const c = await this.owned(id);
    return containerUsage(this.docker.getContainer(c.id));
  }

  /** Stop every running function container of the app; returns how many. */
  async stopAll(seconds = 5): Promise<number> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${this.app}`, LABEL_FUNCTION, LABEL_PORT], status: ["running", "restarting", "paused"] } });
    const owned = list.map((c) => this.remember(c)).filter((c) => c !== undefined);
    await Promise.all(owned.map(({ owned: c }) => this.stopContainer(c.id, seconds).catch(() => undefined)));
    return owned.length;
  }

  private remember(c: Docker.ContainerInfo): { info: Docker.ContainerInfo; owned: OwnedContainer } | undefined {
    const l = c.Labels ?? {};
    const port = Number(l[LABEL_PORT]);
    const fn = l[LABEL_FUNCTION];
    if (l[LABEL_APP] !== this.app || !fn || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    const name = (c.Names[0] ?? "").replace(/^\//, "");
    const pids = Number(l[LABEL_PIDS_LIMIT]);
    const pidsLimit = Number.isInteger(pids) && pids > 0 ? pids : null;
    const owned: OwnedContainer = { id: c.Id, name, fn, port, host: this.o.networkMode === "bridge" ? name : "127.0.0.1", pidsLimit };
    this.known.set(c.Id, owned);
    return { info: c, owned };
  }

  // --- the Driver (used directly only where the process may hold the socket: tests, tools) ---

  async prepare(fn: FunctionNode): Promise<void> {
    const list = await this.list(fn.id);
    if (list.length === 0) throw new DriverError(`${fn.id}: no containers labelled ${LABEL_APP}=${this.app}, ${LABEL_FUNCTION}=${fn.id}; run pulumi up with the docker() backend first`);
  }

  async start(spec: InstanceSpec): Promise<Instance> {
    const list = await this.list(spec.fn.id);
    const free = list.find((c) => !this.inUse.has(c.id) && c.state !== "running");
    if (!free) throw new DriverError(`${spec.fn.id}: all ${list.length} pre-created containers are in use (maxInstances)`);
    this.inUse.add(free.id);
    const container = this.docker.getContainer(free.id);
    const exited = container.wait({ condition: "next-exit" }).then(
      (r: { StatusCode?: number }): ExitInfo => ({ code: r?.StatusCode ?? null, signal: null }),
      () => undefined,
    );
    let owned: OwnedContainer;
    try {
      owned = await this.startContainer(free.id);
    } catch (e) {
      this.inUse.delete(free.id);
      throw e;
    }
    const release = () => this.inUse.delete(free.id);
    void exited.then(release);
    return {
      id: free.id.slice(0, 12),
      host: owned.host,
      port: owned.port,
      exited,
      stop: async (graceMs: number) => {
        await this.stopContainer(free.id, Math.max(1, Math.ceil(graceMs / 1000))).catch(() => undefined);
        release();
      },
      usage: () => containerUsage(container),
    };
  }

  /** Stop (never remove) running containers of the app: a restarted gateway starts from a clean state. */
  async cleanup(app: string): Promise<number> {
    if (app !== this.app) throw new DriverError(`this driver serves app ${this.app}, not ${app}`);
    return this.stopAll();
  }
}
