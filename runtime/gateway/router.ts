import type { DeploymentGraph } from "../../lib/index.js";
import { hostName } from "./edge.js";

/** One HTTP route. */
export interface Route {
  readonly trigger: string;
  readonly fn: string;
  readonly host: string | null;
  readonly path: string;
  readonly methods: readonly string[];
}

/** The result of matching a request. */
export type Match = { readonly route: Route } | { readonly status: 404 | 405; readonly allowed?: readonly string[] };

/**
 * Routes HTTP triggers by host, path prefix (on segment boundaries: "/api" matches "/api" and
 * "/api/x", not "/apix") and method. The longest path wins; a host route beats a host-less one.
 */
export class Router {
  readonly routes: readonly Route[];

  constructor(graph: DeploymentGraph) {
    const routes: Route[] = [];
    for (const n of graph.nodes) {
      if (n.kind === "trigger" && n.source.type === "http") {
        routes.push({ trigger: n.id, fn: n.target, host: n.source.host, path: n.source.path, methods: n.source.methods });
      }
    }
    this.routes = routes.sort((a, b) => b.path.length - a.path.length || Number(b.host !== null) - Number(a.host !== null));
  }

  match(method: string, host: string | undefined, path: string): Match {
    const h = host === undefined ? undefined : hostName(host); // the same normalisation as the allow-list (edge.ts)
    let allowed: string[] | undefined;
    for (const r of this.routes) {
      if (r.host !== null && hostName(r.host) !== h) continue;
      if (!(r.path === "/" || path === r.path || path.startsWith(`${r.path}/`))) continue;
      if (r.methods.length === 0 || r.methods.includes(method) || (method === "HEAD" && r.methods.includes("GET"))) return { route: r };
      allowed = [...(allowed ?? []), ...r.methods];
    }
    return allowed ? { status: 405, allowed } : { status: 404 };
  }
}
