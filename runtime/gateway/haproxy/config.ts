import { createHash } from "node:crypto";
import type { DataPlaneFunction } from "../data-plane.js";
import type { EdgeLimits } from "../edge.js";
import { hostName } from "../edge.js";
import type { Route } from "../router.js";

/**
 * The HAProxy configuration of the data plane, as one pure function of its input (no I/O, no
 * clock): the same input gives the same text, byte for byte. One frontend on the public address
 * routes like runtime/gateway/router.ts; one backend per function carries its slots and, as a
 * backup, the gateway's activator. See docs/data-plane.md.
 */

/**
 * One function as HAProxy serves it: the data plane's own description (concurrency = each slot's
 * `maxconn`, queueTimeoutMs = `timeout queue`, queueLimit = 503 above it, timeoutMs = `timeout server`).
 */
export type HaproxyFunction = DataPlaneFunction;

/** The state of one slot written into the config (so a reload keeps it). */
export interface SlotConfig {
  readonly host: string;
  readonly port: number;
  readonly state: "ready" | "drain" | "maint";
}

/** Everything the configuration depends on. */
export interface HaproxyConfigInput {
  readonly publicHost: string;
  readonly publicPort: number;
  readonly activator: { readonly host: string; readonly port: number };
  readonly functions: readonly HaproxyFunction[];
  readonly routes: readonly Route[];
  readonly limits: Pick<EdgeLimits, "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs" | "maxConnections" | "maxBodyBytes" | "maxHeaderBytes">;
  /** Host allow-list (route hosts are added); undefined = every host. */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Path of the admin stats socket (the runtime API). */
  readonly statsSocket: string;
  /** UDP request log to 127.0.0.1:port, `sample` = 1 in N requests (1 = all). Omitted: no request log. */
  readonly log?: { readonly port: number; readonly sample: number } | undefined;
  /** @default 1 */
  readonly nbthread?: number | undefined;
  /** @default 5000 */
  readonly connectTimeoutMs?: number | undefined;
  /** Slot states by function id (index = slot number); missing slots are in maintenance. */
  readonly slotStates?: Readonly<Record<string, readonly (SlotConfig | undefined)[]>> | undefined;
}

/** The frontend's name (also `%b` in log lines of answers HAProxy gives before routing). */
export const FRONTEND = "zs_public";
/** The backup server of every backend: the gateway's activator. */
export const ACTIVATOR_SERVER = "activator";
/** The placeholder address of a free slot. */
export const FREE_SLOT: SlotConfig = { host: "127.0.0.1", port: 1, state: "maint" };
/**
 * Each slot's check: a refused connection marks it down at once (so the retry goes to another slot,
 * or to the activator when none is left, which evicts the instance); a TCP check every 2 s brings it
 * back if it listens again. The control plane forces `health up` when it enables a slot.
 */
export const SLOT_CHECK = "check inter 2s observe layer4 error-limit 1 on-error mark-down";
/** The request log's format: tag, backend, server, status, total ms, method, path (last: the rest of the line). */
export const LOG_FORMAT = "zs1 %b %s %ST %Ta %HM %HPO";

/** The HAProxy backend of a function: `zs_b_<id>`, characters HAProxy refuses replaced, with a hash when any was. */
export function backendName(fnId: string): string {
  const safe = fnId.replace(/[^A-Za-z0-9_.:-]/g, "_");
  return safe === fnId ? `zs_b_${fnId}` : `zs_b_${safe}_${createHash("sha256").update(fnId).digest("hex").slice(0, 8)}`;
}

/** The server name of slot `k`. */
export function slotName(k: number): string {
  return `s${k}`;
}

/** A word of the config in double quotes (`"`, `\` and `$` escaped). */
function q(s: string): string {
  return `"${s.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** JSON for a single-quoted HAProxy string (no `'`), for a log-format string when `lf` (`%` doubled). */
function js(value: unknown, lf: boolean): string {
  const text = JSON.stringify(value).replace(/'/g, "\\u0027");
  return lf ? text.replace(/%/g, "%%") : text;
}

/** Literal text inside a log-format string. */
function lf(s: string): string {
  return s.replace(/%/g, "%%");
}

function ms(n: number): string {
  return `${Math.max(1, Math.round(n))}ms`;
}

function addr(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** An `http-request return` with a JSON body (`lf`: the body is a log-format string). */
function jsonReturn(status: number, body: string, lf: boolean, cond: string, headers: readonly [string, string][] = []): string {
  const hdrs = headers.map(([k, v]) => ` hdr ${k} ${q(v)}`).join("");
  return `  http-request return status ${status} content-type application/json ${lf ? "lf-string" : "string"} '${body}'${hdrs} if ${cond}`;
}

/**
 * A path the Node edge would rewrite or refuse (edge.ts normalizeTarget): empty or dot segments,
 * encoded unreserved characters, encoded slash / backslash / dot, a backslash, a bad escape.
 * HAProxy 2.6's `normalize-uri` is experimental, so such paths get 400 here instead.
 */
const NOT_NORMAL = String.raw`(//|/\./|/\.\./|/\.$|/\.\.$|\\|%([^0-9A-Fa-f]|.[^0-9A-Fa-f]|.?$)|%(2[DdEeFf]|5[CcFf]|7[Ee]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]))`;

/** The Allow methods of one route as Router reports them (its declared list). */
function routeMethods(r: Route): string[] {
  return r.methods.includes("GET") && !r.methods.includes("HEAD") ? [...r.methods, "HEAD"] : [...r.methods];
}

/** Routes in Router's order: longest path first, a host route before a host-less one (stable). */
export function sortRoutes(routes: readonly Route[]): Route[] {
  return [...routes].sort((a, b) => b.path.length - a.path.length || Number(b.host !== null) - Number(a.host !== null));
}

function frontend(input: HaproxyConfigInput): string[] {
  const { limits } = input;
  const routes = sortRoutes(input.routes);
  const out: string[] = [`frontend ${FRONTEND}`, `  bind ${addr(input.publicHost, input.publicPort)}`, `  maxconn ${limits.maxConnections}`];
  out.push(`  option http-keep-alive`);
  // The host as Router matches it (hostName in edge.ts): lower case, port and trailing dot dropped.
  out.push(`  http-request set-var(txn.zs_host) req.hdr(host),lower,regsub(:[0-9]*$,),regsub([.]$,)`);
  out.push(jsonReturn(400, js({ error: "bad request-target: the path is not in normal form (an empty or dot segment, an encoded unreserved character, slash or backslash); send it normalised" }, false), false, `{ path -m reg ${q(NOT_NORMAL)} }`));
  if (input.allowedHosts !== undefined) {
    const entries = [...input.allowedHosts, ...routes.flatMap((r) => (r.host === null ? [] : [r.host]))];
    const exact = new Set<string>();
    const names = new Set<string>();
    for (const entry of entries) {
      const e = entry.trim().toLowerCase();
      const hasPort = e.startsWith("[") ? e.includes("]:") : e.includes(":");
      if (hasPort) exact.add(e);
      else names.add(e.replace(/\.$/, ""));
    }
    for (const e of [...exact].sort()) out.push(`  acl zs_host_ok req.hdr(host),lower -m str ${q(e)}`);
    for (const n of [...names].sort()) out.push(`  acl zs_host_ok var(txn.zs_host) -m str ${q(n)}`);
    const denied = `'{"error":"host \\"%[req.hdr(host),json(utf8s),json(utf8s)]\\" is not allowed here"}'`;
    const cond = exact.size + names.size > 0 ? "!zs_host_ok" : "TRUE";
    out.push(`  http-request return status 403 content-type application/json lf-string ${denied} hdr connection close if ${cond}`);
  }
  out.push(`  acl zs_routed var(txn.zs_r) -m found`, `  acl zs_allowing var(txn.zs_allow) -m found`);
  routes.forEach((r, i) => {
    if (r.host !== null) out.push(`  acl zs_h${i} var(txn.zs_host) -m str ${q(hostName(r.host))}`);
    if (r.path !== "/") out.push(`  acl zs_p${i} path -m str ${q(r.path)}`, `  acl zs_p${i} path -m beg ${q(`${r.path}/`)}`);
    if (r.methods.length > 0) out.push(`  acl zs_m${i} method ${routeMethods(r).map(q).join(" ")}`);
  });
  // Router.match, rule by rule: the first route whose host, path and method match wins; the
  // methods of those whose host and path match (before a win) make the 405's Allow.
  routes.forEach((r, i) => {
    const hp = [r.host !== null ? `zs_h${i}` : "", r.path !== "/" ? `zs_p${i}` : ""].filter(Boolean).join(" ");
    const where = `!zs_routed${hp ? ` ${hp}` : ""}`;
    const m = r.methods.length > 0 ? ` zs_m${i}` : "";
    out.push(`  http-request set-var(txn.zs_r) int(${i}) if ${where}${m}`);
    out.push(`  http-request set-var-fmt(txn.zs_fn) ${q(lf(r.fn))} if { var(txn.zs_r) -m int ${i} }`);
    if (r.methods.length > 0) {
      const list = r.methods.join(", ");
      const arr = r.methods.map((x) => JSON.stringify(x)).join(",");
      out.push(`  http-request set-var-fmt(txn.zs_allow) ${q(`%[var(txn.zs_allow)], ${lf(list)}`)} if ${where} zs_allowing`);
      out.push(`  http-request set-var-fmt(txn.zs_allowj) ${q(`%[var(txn.zs_allowj)],${lf(arr)}`)} if ${where} zs_allowing`);
      out.push(`  http-request set-var-fmt(txn.zs_allowj) ${q(lf(arr))} if ${where} !zs_allowing`);
      out.push(`  http-request set-var-fmt(txn.zs_allow) ${q(lf(list))} if ${where} !zs_allowing`);
    }
  });
  const notAllowed = `{"error":"%[method] is not allowed on %[path,json(utf8s)]","allowed":[%[var(txn.zs_allowj)]]}`;
  out.push(`  http-request return status 405 content-type application/json lf-string '${notAllowed}' hdr allow "%[var(txn.zs_allow)]" if !zs_routed zs_allowing`);
  const listed = js(routes.map((r) => `${r.methods.length ? r.methods.join(",") : "*"} ${r.host ?? ""}${r.path}`), true);
  out.push(`  http-request return status 404 content-type application/json lf-string '{"error":"no route for %[method] %[path,json(utf8s)]","routes":${listed}}' if !zs_routed`);
  const tooLarge = `{"error":"request body over ${limits.maxBodyBytes} bytes","function":"%[var(txn.zs_fn),json(utf8s)]"}`;
  out.push(`  http-request return status 413 content-type application/json lf-string '${tooLarge}' hdr connection close if { req.hdr_val(content-length) gt ${limits.maxBodyBytes} }`);
  // What the Node gateway sets (gateway.ts serve()): replaced, never appended to what the client sent.
  out.push(`  http-request set-header x-forwarded-for %[src]`, `  http-request set-header x-forwarded-host %[req.hdr(host)]`, `  http-request set-header x-forwarded-proto http`);
  for (const h of ["keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "te", "trailer", "upgrade"]) out.push(`  http-request del-header ${h}`);
  for (const h of ["keep-alive", "proxy-connection", "proxy-authenticate", "trailer", "upgrade"]) out.push(`  http-response del-header ${h}`);
  routes.forEach((r, i) => out.push(`  use_backend ${backendName(r.fn)} if { var(txn.zs_r) -m int ${i} }`));
  return out;
}

function backend(input: HaproxyConfigInput, f: HaproxyFunction): string[] {
  if (!Number.isInteger(f.slots) || f.slots < 1 || f.slots > 100) throw new RangeError(`${f.id}: slots (${f.slots}) must be a whole number from 1 to 100`);
  const seconds = (n: number) => `${Math.round(n / 100) / 10}s`;
  const body = (error: string) => js({ error, function: f.id }, false);
  const out = [`backend ${backendName(f.id)}`, `  balance leastconn`, `  timeout queue ${ms(f.queueTimeoutMs)}`, `  timeout server ${ms(f.timeoutMs)}`];
  // The activator holds a request while an instance starts, then runs it: its answer may take both.
  out.push(`  http-request set-timeout server ${ms(f.timeoutMs + f.queueTimeoutMs)} if { nbsrv eq 0 }`);
  if (Number.isFinite(f.queueLimit)) {
    out.push(`  http-request return status 503 content-type application/json string '${body(`${f.id} has ${f.queueLimit} requests waiting for an instance already; retry shortly`)}' hdr retry-after 1 if { queue ge ${Math.max(0, Math.floor(f.queueLimit))} }`);
  }
  out.push(`  http-error status 503 content-type application/json string '${body(`no instance of ${f.id} was free within ${seconds(f.queueTimeoutMs)}; retry shortly`)}' hdr retry-after 1`);
  out.push(`  http-error status 504 content-type application/json string '${body(`${f.id} did not answer within its timeout (${seconds(f.timeoutMs)})`)}'`);
  out.push(`  http-error status 502 content-type application/json string '${body(`the instance of ${f.id} failed (no or a malformed response)`)}'`);
  const states = input.slotStates?.[f.id] ?? [];
  for (let k = 0; k < f.slots; k++) {
    const s = states[k] ?? FREE_SLOT;
    const flags = s.state === "maint" ? " disabled" : s.state === "drain" ? " weight 0" : "";
    out.push(`  server ${slotName(k)} ${addr(s.host, s.port)}${flags} maxconn ${f.concurrency} ${SLOT_CHECK}`);
  }
  out.push(`  server ${ACTIVATOR_SERVER} ${addr(input.activator.host, input.activator.port)} backup`);
  return out;
}

/** The whole configuration file for `input` (deterministic). */
export function haproxyConfig(input: HaproxyConfigInput): string {
  const { limits } = input;
  const known = new Set(input.functions.map((f) => f.id));
  for (const r of input.routes) if (!known.has(r.fn)) throw new Error(`route ${r.trigger} targets ${r.fn}, which is not among the data plane's functions`);
  for (const f of input.functions) if (!/^[A-Za-z0-9._:/-]+$/.test(f.id)) throw new Error(`function id ${JSON.stringify(f.id)} has characters the HAProxy config cannot carry`);
  const global = [
    "global",
    `  nbthread ${input.nbthread ?? 1}`,
    // No global maxconn: HAProxy derives it from the file-descriptor limit; the frontend's is the cap.
    `  stats socket ${q(input.statsSocket)} mode 600 level admin expose-fd listeners`,
    // Headers must fit one buffer (beside the rewrite reserve); a larger block gets 400 (Node: 431).
    `  tune.bufsize ${Math.max(16_384, limits.maxHeaderBytes + 2048)}`,
    `  tune.maxrewrite 1024`,
    ...(input.log ? [`  log 127.0.0.1:${input.log.port} len 1024 format raw${input.log.sample > 1 ? ` sample 1:${input.log.sample}` : ""} local0`] : []),
  ];
  const error = (status: number, text: string) => `  http-error status ${status} content-type application/json string '${js({ error: text }, false)}'`;
  const defaults = [
    "defaults",
    "  mode http",
    ...(input.log ? ["  log global", `  log-format ${q(LOG_FORMAT)}`] : []),
    "  option http-keep-alive",
    `  timeout http-request ${ms(limits.headersTimeoutMs)}`,
    `  timeout client ${ms(limits.requestTimeoutMs)}`,
    `  timeout http-keep-alive ${ms(limits.keepAliveTimeoutMs)}`,
    `  timeout connect ${ms(input.connectTimeoutMs ?? 5000)}`,
    // Retried only when the connection never opened: a request that may have reached an instance is never sent again.
    "  retries 2",
    "  retry-on conn-failure",
    "  option redispatch",
    // A client that leaves aborts its request on the server side too (the activator then drops what it held).
    "  option abortonclose",
    error(400, "bad request: HAProxy could not parse it"),
    error(408, "the request was not received in time"),
    error(500, "the data plane failed while handling the request"),
    error(502, "the instance failed (no or a malformed response)"),
    error(503, "no instance is available; retry shortly"),
    error(504, "the function did not answer within its timeout"),
  ];
  const sections = [global, defaults, frontend(input), ...input.functions.map((f) => backend(input, f))];
  return `${sections.map((s) => s.join("\n")).join("\n\n")}\n`;
}
