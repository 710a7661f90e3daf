import type { EffectiveScaling } from "../../lib/engines/index.js";
import type { DeploymentGraph, Diagnostic, Plan } from "../../lib/index.js";
import type { GatewaySettings } from "../../runtime/gateway-config.js";

/** An image a function runs. */
export type PlannedImage =
  | { readonly fn: string; readonly kind: "remote"; readonly name: string }
  | {
      readonly fn: string;
      readonly kind: "build";
      readonly name: string;
      /** Build context, relative to the program's folder. */
      readonly context: string;
      /** Dockerfile path inside the context (build functions)... */
      readonly dockerfile: string | null;
      /** ...or its content, generated for code functions (written next to the plan). */
      readonly dockerfileContent: string | null;
      readonly args: Readonly<Record<string, string>>;
    };

/** One pre-created (not started) function container. */
export interface PlannedContainer {
  readonly fn: string;
  readonly name: string;
  readonly index: number;
  readonly image: string;
  /** Port it listens on ($PORT). */
  readonly port: number;
  /** Plain environment (no secrets). */
  readonly env: Readonly<Record<string, string>>;
  /** Environment read from secret stores at deploy time (Pulumi secrets), never values. */
  readonly secretEnv: readonly { readonly name: string; readonly secret: string; readonly key: string }[];
  readonly labels: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** Most processes (threads included) the container may run. */
  readonly pidsLimit: number;
  readonly cpus: number;
  readonly user: string | null;
  readonly readOnly: boolean;
  readonly noNewPrivileges: boolean;
  readonly command: readonly string[] | null;
  readonly entrypoint: readonly string[] | null;
}

/** The gateway container's settings, as its config file holds them (plus the graph). */
export interface PlannedGateway {
  readonly name: string;
  readonly image: string;
  /** Host port the routes are published on. */
  readonly port: number;
  /** Host address they are published on (bridge mode). */
  readonly publishAddress: string;
  /** Admin port inside the gateway's network namespace (never published; 127.0.0.1 there). */
  readonly adminPort: number;
  /** The user it runs as ("65532:65532"): never root. */
  readonly user: string;
  /** Read-only root filesystem (always true). */
  readonly readOnly: boolean;
  readonly config: GatewaySettings;
}

/**
 * The controller container: the one that mounts the Docker socket. It serves the gateway only
 * start / stop / state of the app's pre-created function containers, over a Unix socket in a volume
 * only the two of them mount (runtime/controller/protocol.ts).
 */
export interface PlannedController {
  readonly name: string;
  /** The gateway image (entrypoint /zeroscale/controller.cjs). */
  readonly image: string;
  /** The host's Docker socket, mounted at /var/run/docker.sock. */
  readonly socketPath: string;
  /** The volume holding the controller's socket and token, shared with the gateway (read-only there). */
  readonly volume: string;
  /** Where that volume is mounted in both containers. */
  readonly mountPath: string;
  /** "none" in bridge mode (it needs no network), "host" in host mode. */
  readonly networkMode: "none" | "host";
  /** Its arguments. */
  readonly command: readonly string[];
}

/** The Docker backend's plan: plain data, JSON, validated by providers/docker/plan.schema.json. */
export interface DockerPlan extends Plan {
  readonly backend: "docker";
  readonly app: string;
  readonly network: { readonly name: string; readonly mode: "host" | "bridge" };
  readonly images: readonly PlannedImage[];
  readonly containers: readonly PlannedContainer[];
  readonly gateway: PlannedGateway;
  readonly controller: PlannedController;
  /** The graph the gateway runs (its config file holds it). */
  readonly graph: DeploymentGraph;
  /** Effective scaling per function, in zeroscale's vocabulary. */
  readonly functions: readonly { readonly id: string; readonly minInstances: number; readonly maxInstances: number; readonly idleTimeoutSeconds: number | null; readonly effective: EffectiveScaling | null; readonly triggers: readonly string[] }[];
  /** URL of every HTTP trigger. */
  readonly urls: Readonly<Record<string, string>>;
  readonly warnings: readonly Diagnostic[];
}
