// The shell script a schedule Job runs to send one firing's CloudEvent with the trigger's effective
// delivery (KEDA's CronJob, Container Apps' schedule job): up to retries + 1 attempts with the backoff
// of lib/events/delivery.ts between them, each bounded by the per-attempt timeout, success = 2xx, then
// the event with the failure to the dead-letter function. Pure: the script text is fixed, what varies
// is in the env, so the manifests stay readable and the script is tested once (test/schedule-script.test.ts).
import { backoffDelayMs, type EffectiveDelivery } from "../../lib/events/delivery.js";
import { ZEROSCALE_TYPES, zeroscaleSource } from "../../lib/events/event-types.js";
import type { TriggerNode } from "../../lib/index.js";

/** Where the script POSTs. */
export interface ScriptTarget {
  readonly url: string;
  /** A Host header to send (KEDA: the HTTP add-on's interceptor routes on it). @default none */
  readonly host?: string;
}

/** What the script is built from. */
export interface ScheduleScriptSpec {
  /** The schedule trigger (its id, data). */
  readonly trigger: TriggerNode;
  /** Its effective delivery on the engine (effectiveDelivery(engine, trigger)). */
  readonly delivery: EffectiveDelivery;
  readonly target: ScriptTarget;
  /** The dead-letter function, when the delivery has one. @default null */
  readonly deadLetter?: ScriptTarget | null;
  /** Per-attempt timeout when the delivery leaves it to the platform (null). */
  readonly fallbackTimeoutSeconds: number;
  /** Extra curl arguments, fixed at synth time (e.g. ["--proto", "=https"]). @default [] */
  readonly curlArgs?: readonly string[];
}

/** The script and its env (sorted by name). */
export interface ScheduleScript {
  readonly script: string;
  readonly env: { readonly name: string; readonly value: string }[];
  /** The longest the script can run: every attempt, every backoff and the dead letter, seconds (rounded up). */
  readonly maxSeconds: number;
}

/** Single-quote a word for sh. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The script. `post URL HOST [curl args...]` makes one attempt and sets `reason` on failure; the id
 * (`<trigger id>@<time>`) and time are computed once, so every retry and the dead letter carry the
 * same ce-id. The body is piped from CE_DATA (never `--data-binary "$CE_DATA"`, which would read a
 * file for data starting with "@").
 */
function scriptText(curlArgs: readonly string[]): string {
  const extra = curlArgs.map(q).join(" ");
  return [
    "set -u",
    "time=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)", // the ISO form the gateway's ids use (Date#toISOString)
    'id="$CE_TRIGGER@$time"',
    "reason=''",
    "post() {",
    '  url=$1; host=$2; shift 2',
    '  set -- "$@" -H "ce-specversion: 1.0" -H "ce-type: $CE_TYPE" -H "ce-source: $CE_SOURCE" -H "ce-id: $id" -H "ce-time: $time"',
    '  if [ -n "$host" ]; then set -- "$@" -H "Host: $host"; fi',
    '  if [ -n "$CONTENT_TYPE" ]; then set -- "$@" -H "content-type: $CONTENT_TYPE"; fi',
    `  out=$(printf '%s' "$CE_DATA" | curl -sS${extra ? ` ${extra}` : ""} -o /dev/null -w '%{http_code} %{errormsg}' --max-time "$TIMEOUT" -X POST "$url" "$@" --data-binary @- 2>/dev/null)`,
    "  rc=$?",
    '  code=${out%% *}',
    '  case "$code" in 2??) return 0 ;; ""|000) reason="curl exit $rc: ${out#* }" ;; *) reason="HTTP $code" ;; esac',
    "  return 1",
    "}",
    "n=0",
    "for delay in 0 $BACKOFF; do",
    '  if [ "$n" -gt 0 ]; then sleep "$delay"; fi',
    "  n=$((n + 1))",
    '  if post "$TARGET_URL" "${TARGET_HOST:-}"; then echo "$id delivered on attempt $n" >&2; exit 0; fi',
    '  echo "$id attempt $n failed: $reason" >&2',
    "done",
    'if [ -n "${DEAD_LETTER_URL:-}" ]; then',
    '  last=$reason',
    '  if post "$DEAD_LETTER_URL" "${DEAD_LETTER_HOST:-}" -H "ce-zeroscalefailure: $last" -H "ce-zeroscaleattempts: $n"; then echo "$id sent to the dead letter after $n attempts: $last" >&2; exit 0; fi',
    '  echo "$id: the dead letter failed too: $reason" >&2',
    "  exit 1",
    "fi",
    'echo "$id dropped after $n attempts (no dead letter): $reason" >&2',
    "exit 1",
  ].join("\n");
}

/** A schedule trigger's delivery script (see the module comment). */
export function scheduleScript(spec: ScheduleScriptSpec): ScheduleScript {
  const t = spec.trigger;
  if (t.source.type !== "schedule") throw new Error(`zeroscale bug: ${t.id} is not a schedule trigger`);
  const data = t.source.data;
  const d = spec.delivery;
  const retries = d.retries ?? 0;
  const delaysMs = d.backoff === null ? [] : Array.from({ length: retries }, (_, i) => backoffDelayMs(d.backoff!.policy, d.backoff!.delayMs, i + 1));
  // No backoff known (the platform's own rule): retry at once.
  const backoff = (delaysMs.length ? delaysMs : Array.from({ length: retries }, () => 0)).map((ms) => String(ms / 1000));
  const timeout = d.timeoutSeconds ?? spec.fallbackTimeoutSeconds;
  const env: Record<string, string> = {
    BACKOFF: backoff.join(" "),
    CE_DATA: data === null ? "" : typeof data === "string" ? data : JSON.stringify(data),
    CE_SOURCE: zeroscaleSource(t),
    CE_TRIGGER: t.id,
    CE_TYPE: ZEROSCALE_TYPES.schedule,
    CONTENT_TYPE: data === null ? "" : typeof data === "string" ? "text/plain" : "application/json",
    TARGET_URL: spec.target.url,
    TIMEOUT: String(timeout),
    ...(spec.target.host ? { TARGET_HOST: spec.target.host } : {}),
    ...(spec.deadLetter ? { DEAD_LETTER_URL: spec.deadLetter.url, ...(spec.deadLetter.host ? { DEAD_LETTER_HOST: spec.deadLetter.host } : {}) } : {}),
  };
  const attempts = retries + 1 + (spec.deadLetter ? 1 : 0);
  const maxSeconds = Math.ceil(attempts * timeout + delaysMs.reduce((a, b) => a + b, 0) / 1000);
  return {
    script: scriptText(spec.curlArgs ?? []),
    env: Object.keys(env)
      .sort()
      .map((name) => ({ name, value: env[name] as string })),
    maxSeconds,
  };
}
