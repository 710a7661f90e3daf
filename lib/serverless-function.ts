import { Construct } from "constructs";
import type { DurationLike } from "./duration.js";
import { EventTrigger, type EventTriggerProps, type TriggerSourceProps } from "./event-trigger.js";
import { ScalingPolicy, type ScalingPolicyOptions } from "./scaling-policy.js";

const FUNCTION_BRAND = Symbol.for("zeroscale.ServerlessFunction");

/** A reference to one key of a secret store (a Kubernetes Secret, a Docker secret, a Pulumi secret). Never the value. */
export interface SecretRef {
  /** Name of the secret store, e.g. "shop-db". */
  readonly secret: string;
  /** Key inside it, e.g. "url". */
  readonly key: string;
}

/** Build the function's image from a Dockerfile. */
export interface BuildSource {
  /** Build context directory, relative to the app's base directory. */
  readonly context: string;
  /** Dockerfile path inside the context. @default "Dockerfile" */
  readonly dockerfile?: string;
  /** Build arguments. @default {} */
  readonly args?: Readonly<Record<string, string>>;
}

/** Run a Fetch-style handler `(request: Request) => Response | Promise<Response>`; the backends wrap it in a server on `$PORT`. */
export interface CodeSource {
  /** Directory holding the code, relative to the app's base directory. */
  readonly path: string;
  /** "file#export", or "file" for the default export, e.g. "index.js#handler". */
  readonly handler: string;
  /** Node.js runtime. @default "nodejs20" */
  readonly runtime?: "nodejs20" | "nodejs22";
}

/**
 * The container's security settings. The defaults meet the Pod Security Standards "restricted"
 * profile; each relaxation is explicit and shows in the output (a `zeroscale.dev/security-relaxed`
 * annotation on Kubernetes).
 */
export interface SecurityOptions {
  /** Refuse to run as root. @default true */
  readonly runAsNonRoot?: boolean;
  /** The user id to run as; null keeps the image's user. @default 65532 */
  readonly runAsUser?: number | null;
  /** Mount the root filesystem read-only (a writable /tmp is always mounted). @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Allow setuid binaries to gain privileges. @default false */
  readonly allowPrivilegeEscalation?: boolean;
}

/** Props of a {@link ServerlessFunction}. Exactly one of `image`, `build`, `code` is required. */
export interface ServerlessFunctionProps {
  /** A container image reference, e.g. "registry.example.com/shop/api:1.4.2". @default none (one of image, build, code) */
  readonly image?: string;
  /** Build the image from a Dockerfile. @default none (one of image, build, code) */
  readonly build?: BuildSource;
  /** A Fetch-style handler in a directory. @default none (one of image, build, code) */
  readonly code?: CodeSource;
  /** Port the container listens on; it is also passed as `$PORT`. @default 8080 */
  readonly port?: number;
  /** Plain environment variables (no secrets here: use `secrets`). @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from secret stores: `{ DB_URL: { secret: "shop-db", key: "url" } }`. @default {} */
  readonly secrets?: Readonly<Record<string, SecretRef>>;
  /** Memory request and limit, a Kubernetes quantity such as "256Mi". @default "256Mi" */
  readonly memory?: string;
  /** CPU request and limit, a Kubernetes quantity such as "250m" or "1". @default "250m" */
  readonly cpu?: string;
  /** Longest time one request may take, 1s..600s in whole seconds. @default 300s */
  readonly timeout?: DurationLike;
  /** Most in-flight requests one instance takes at once, 1..1000. @default 100 */
  readonly concurrency?: number;
  /** HTTP path probed before an instance gets traffic. @default "/" */
  readonly readinessPath?: string;
  /** Overrides the image's entrypoint. @default the image's */
  readonly command?: readonly string[];
  /** Overrides the image's arguments. @default the image's */
  readonly args?: readonly string[];
  /** Labels on this function's resources. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Container security settings. @default the "restricted" profile: non-root (uid 65532), read-only root, no privilege escalation, all capabilities dropped */
  readonly security?: SecurityOptions;
}

/**
 * A container (or, in dev without Docker, a process) that serves HTTP on `$PORT` and runs only
 * when needed. Triggers deliver events to it; a ScalingPolicy says how it scales.
 */
export class ServerlessFunction extends Construct {
  /** True when `x` is a ServerlessFunction (also across copies of the package). */
  static isServerlessFunction(x: unknown): x is ServerlessFunction {
    return typeof x === "object" && x !== null && FUNCTION_BRAND in x;
  }

  /** The props this function was created with. */
  readonly props: ServerlessFunctionProps;

  constructor(scope: Construct, id: string, props: ServerlessFunctionProps) {
    super(scope, id);
    Object.defineProperty(this, FUNCTION_BRAND, { value: true });
    this.props = props ?? {};
  }

  /** Add a trigger that targets this function (the same node as `new EventTrigger(this, id, { target: this, ... })`), with its delivery policy if given. */
  addTrigger(id: string, source: TriggerSourceProps & Pick<EventTriggerProps, "delivery">): EventTrigger {
    return new EventTrigger(this, id, { ...source, target: this });
  }

  /** Add this function's scaling policy, as child "scaling" (the same node as `new ScalingPolicy(...)`). */
  addScalingPolicy(options: ScalingPolicyOptions, id = "scaling"): ScalingPolicy {
    return new ScalingPolicy(this, id, { ...options, target: this });
  }
}
