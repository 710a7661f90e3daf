// A witness: a program (and backend) that produces a diagnostic code no test/invalid/ program covers
// (warnings, and checks the CLI runs after compile). test/docs-generated.test.ts requires one for every
// catalogued code not in the corpus; each backend keeps its own in test/support/witnesses/<backend>.ts.
import { App, type Diagnostic, type DiagnosticCode, ServerlessFunction } from "zeroscale";
import type { ImageBuild } from "../../providers/images/spec.js";
import type { BackendName } from "../../providers/registry.js";

export interface Witness {
  readonly backend?: BackendName;
  readonly options?: Record<string, unknown>;
  readonly app: () => App;
  /** A check the CLI runs on the compiled plan (e.g. synth's refusal of unbuilt images): the diagnostics it reports. */
  readonly after?: (plan: { readonly builds?: readonly ImageBuild[] }) => readonly Diagnostic[];
}

export type Witnesses = Partial<Record<DiagnosticCode, Witness>>;

/** One function with an image (and optionally a policy and triggers) in a fresh app. */
export function fnApp(build: (fn: ServerlessFunction, app: App) => void, props: Record<string, unknown> = {}, appProps: Record<string, unknown> = {}): () => App {
  return () => {
    const app = new App({ name: "w", ...appProps });
    const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/w/fn:1.0.0", ...props });
    build(fn, app);
    return app;
  };
}
export const http = (fn: ServerlessFunction) => fn.addTrigger("h", { http: { path: "/" } });
export const redis = (fn: ServerlessFunction) => fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });
