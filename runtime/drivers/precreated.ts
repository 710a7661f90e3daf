import Docker from "dockerode";
import type { FunctionNode } from "../../lib/index.js";
import { LABEL_APP, LABEL_FUNCTION } from "./docker.js";
import { type Driver, DriverError, type Instance, type InstanceSpec } from "./types.js";
import { containerUsage } from "./usage.js";

/** The label holding the port a pre-created container listens on. */
export const LABEL_PORT = "zeroscale.dev/port";

/** Options of the {@link PrecreatedContainersDriver}. */
export interface PrecreatedOptions {
  readonly docker?: Docker;
  /** "host": instances listen on 127.0.0.1:<port>; "bridge": on <container name>:<port> in the app's network. @default "host" */
  readonly networkMode?: "host" | "bridge";
}

/**
 * Instances are containers that Pulumi created but did not start (the Docker backend): up to
 * maxInstances per function, labelled with app, function and port. The gateway starts and stops
 * them with demand; it never creates or removes containers, so `pulumi up` / `destroy` own their
 * lifecycle and drift. It touches only containers carrying its app's label.
 */
export class PrecreatedContainersDriver implements Driver {
  readonly kind = "docker" as const;
  private readonly docker: Docker;
  private readonly inUse = new Set<string>();

  constructor(
    private readonly app: string,
    private readonly o: PrecreatedOptions = {},
  ) {
    this.docker = o.docker ?? new Docker();
  }

  async prepare(fn: FunctionNode): Promise<void> {
    const list = await this.containers(fn.id);
    if (list.length === 0) throw new DriverError(`${fn.id}: no containers labelled ${LABEL_APP}=${this.app}, ${LABEL_FUNCTION}=${fn.id}; run pulumi up with the docker() backend first`);
  }

  async start(spec: InstanceSpec): Promise<Instance> {
    const list = await this.containers(spec.fn.id);
    const free = list.find((c) => !this.inUse.has(c.Id) && c.State !== "running");
    if (!free) throw new DriverError(`${spec.fn.id}: all ${list.length} pre-created containers are in use (maxInstances)`);
    this.inUse.add(free.Id);
    const container = this.docker.getContainer(free.Id);
    const exited = container.wait({ condition: "next-exit" }).then(
      () => undefined,
      () => undefined,
    );
    try {
      await container.start();
    } catch (e) {
      this.inUse.delete(free.Id);
      throw e;
    }
    const port = Number(free.Labels[LABEL_PORT]);
    const host = this.o.networkMode === "bridge" ? (free.Names[0] ?? "").replace(/^\//, "") : "127.0.0.1";
    const release = () => this.inUse.delete(free.Id);
    void exited.then(release);
    return {
      id: free.Id.slice(0, 12),
      host,
      port,
      exited,
      async stop(graceMs: number) {
        await container.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) }).catch(() => undefined);
        release();
      },
      usage: () => containerUsage(container),
    };
  }

  /** Stop (never remove) running containers of the app: a restarted gateway starts from a clean state. */
  async cleanup(app: string): Promise<number> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${app}`, LABEL_PORT] } });
    const running = list.filter((c) => c.State === "running");
    await Promise.all(running.map((c) => this.docker.getContainer(c.Id).stop({ t: 5 }).catch(() => undefined)));
    return running.length;
  }

  private containers(fnId: string): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${this.app}`, `${LABEL_FUNCTION}=${fnId}`, LABEL_PORT] } });
  }
}
