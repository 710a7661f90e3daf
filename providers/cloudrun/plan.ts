import type { EffectiveScaling } from "../../lib/engines/index.js";
import type { Plan } from "../../lib/index.js";
import type { ImageBuild } from "../images/spec.js";

/** An environment variable of a Cloud Run container: a plain value, or a Secret Manager reference (never a value). */
export type CloudRunEnv =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly secret: {
        /** The Secret Manager secret id: `<store>-<key>` ({@link secretIdOf}). */
        readonly id: string;
        /** The zeroscale secret store and key it comes from. */
        readonly store: string;
        readonly key: string;
        readonly version: "latest";
      };
    };

/** A schedule trigger: a Cloud Scheduler job that POSTs to the service with an OIDC token. */
export interface CloudRunSchedule {
  readonly trigger: string;
  /** The job name. */
  readonly name: string;
  /** 5-field cron. */
  readonly cron: string;
  readonly timezone: string;
  /** The request body and its content type (the trigger's data). */
  readonly body: string;
  readonly contentType: string;
  /** Cloud Scheduler's attemptDeadline, seconds (15..1800): the trigger's per-attempt timeout, clamped. */
  readonly attemptDeadlineSeconds: number;
  /** Cloud Scheduler's retryConfig (durations as Cloud Scheduler writes them, e.g. "2s"), from the cloudrun delivery model. */
  readonly retry: { readonly retryCount: number; readonly minBackoffDuration: string; readonly maxBackoffDuration: string; readonly maxDoublings: number };
  /**
   * The request's headers: Content-Type and the binary CloudEvent attributes a job can fix
   * (ce-specversion, ce-type, ce-source). A job cannot template a per-run ce-id or ce-time: Cloud
   * Scheduler adds X-CloudScheduler-JobName and X-CloudScheduler-ScheduleTime (RFC 3339) to every
   * attempt, and zeroscale's event parser derives id and time from them (the same for every retry of a run).
   */
  readonly headers: Readonly<Record<string, string>>;
}

/** What one function became: one Cloud Run service and what it needs. */
export interface CloudRunServicePlan {
  readonly id: string;
  /** The service name (the function's DNS-1035 name, <= 49 characters). */
  readonly name: string;
  /** GCP labels (lowercase keys and values of [a-z0-9_-]). */
  readonly labels: Readonly<Record<string, string>>;
  readonly container: {
    /** The image, or a build's placeholder `<repository>:zeroscale-unbuilt` until deploy() pushes it. */
    readonly image: string;
    readonly command: readonly string[] | null;
    readonly args: readonly string[] | null;
    readonly port: number;
    readonly env: readonly CloudRunEnv[];
    /** Cloud Run's CPU limit ("1", "2", or a fraction such as "0.5" with concurrency 1). */
    readonly cpu: string;
    /** Memory limit in Mi, e.g. "512Mi". */
    readonly memory: string;
    readonly startupProbePath: string;
  };
  /** maxInstanceRequestConcurrency. */
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  /** resources.cpuIdle: CPU only while serving requests (request-based billing). Always true. */
  readonly cpuIdle: true;
  readonly scaling: { readonly minInstances: number; readonly maxInstances: number; idleTimeoutSeconds: number | null };
  /** The Cloud Run model's effective behaviour (lib/engines/cloudrun), null until the policy handler ran. */
  effective: EffectiveScaling | null;
  readonly triggers: string[];
  /** HTTP triggers by id: the path, which the service sees as is (one URL per service). */
  readonly http: Record<string, { readonly path: string }>;
  readonly schedules: CloudRunSchedule[];
  /** allUsers may invoke (cloudRun({ allowUnauthenticated: true }) and an http trigger). */
  public: boolean;
  /** The runtime service account's id (the function's identity; secretAccessor on the secrets it reads only). */
  readonly serviceAccount: string;
  /** The invoker service account of its Cloud Scheduler jobs (roles/run.invoker on this service only); null without schedules. */
  invoker: string | null;
  /** Secret Manager secret ids it reads, sorted. */
  readonly secrets: readonly string[];
}

/** The compiled plan of the cloudRun backend (plain data). */
export interface CloudRunPlan extends Plan {
  readonly backend: "cloudrun";
  readonly app: string;
  /** The Google Cloud project; null: the provider's (gcp:project). */
  readonly project: string | null;
  readonly region: string;
  /** The Artifact Registry repository to create (createRegistry), else null. */
  readonly repository: { readonly id: string; readonly location: string; readonly project: string } | null;
  readonly services: CloudRunServicePlan[];
  /** The images to build and push, sorted by function id (as KubePlan.builds). */
  readonly builds: readonly ImageBuild[];
}

/** The Secret Manager secret id of a zeroscale secret store + key: `<store>-<key>`, other characters as "_". */
export function secretIdOf(store: string, key: string): string {
  return `${store}-${key}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** A service account id (6..30 characters) from a DNS-1035 name ending in an 8-hex hash, with an optional role suffix. */
export function accountIdOf(name: string, suffix = ""): string {
  const hash = name.slice(-8);
  const room = 30 - 9 - (suffix ? suffix.length + 1 : 0);
  const stem = name.slice(0, -9).slice(0, room).replace(/-+$/, "");
  return [stem, suffix, hash].filter((s) => s !== "").join("-");
}

/** A GCP label map: keys and values lowercased, other characters than [a-z0-9_-] as "_", at most 63 characters. */
export function gcpLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[clean(k)] = clean(labels[k] as string);
  return out;
}
