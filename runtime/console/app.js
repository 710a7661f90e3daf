// The zeroscale web console: GET /graph once, GET /live every second, live events over SSE /events.
import { instanceChart, loadChart } from "./charts.js";
import { drawGraph, markGraph, shortId } from "./graph.js";

const MAX_ROWS = 1000;
const $ = (sel) => document.querySelector(sel);

const state = {
  graph: null,
  live: null,
  selected: null,
  /** fn -> InstanceSample[] (the last 10 minutes). */
  samples: new Map(),
  since: 0,
  timeline: [],
  requests: [],
  logs: [],
  prices: null,
  svg: null,
  charts: null,
};

// ---------- helpers ----------

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}

const ms = (v) => (v === null || v === undefined ? "–" : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const num = (v, d = 2) => (Math.round(v * 10 ** d) / 10 ** d).toString();
const time = (at) => new Date(at).toLocaleTimeString([], { hour12: false });
const money = (v) => (v === 0 ? "$0" : v < 0.01 ? `$${v.toPrecision(3)}` : `$${v.toFixed(4)}`);

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

async function action(name, body) {
  const res = await fetch(`/actions/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const out = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  return { ok: res.ok, status: res.status, out };
}

function showResult(title, r) {
  const pre = $("#action-result");
  pre.hidden = false;
  pre.className = `result ${r.ok ? "ok" : "failed"}`;
  pre.textContent = `${title} → ${r.status}\n${JSON.stringify(r.out, null, 2)}`;
}

const functions = () => (state.graph?.nodes ?? []).filter((n) => n.kind === "function");
const triggers = () => (state.graph?.nodes ?? []).filter((n) => n.kind === "trigger");

// ---------- prices ----------

function loadPrices(defaults) {
  try {
    const saved = JSON.parse(localStorage.getItem("zeroscale.prices") ?? "null");
    if (saved && typeof saved.vcpuSecond === "number" && typeof saved.gibSecond === "number") return { fixed: 1, ...saved };
  } catch {
    // ignore a broken entry
  }
  return { vcpuSecond: defaults.vcpuSecond, gibSecond: defaults.gibSecond, fixed: 1 };
}

function setupPrices(defaults) {
  state.prices = loadPrices(defaults);
  const form = $("#prices");
  const fill = () => {
    form.vcpuSecond.value = String(state.prices.vcpuSecond);
    form.gibSecond.value = String(state.prices.gibSecond);
    form.fixed.value = String(state.prices.fixed);
  };
  fill();
  $("#prices-source").textContent = `Default prices: ${defaults.source}. Edit them for your provider; they are kept in this browser.`;
  form.addEventListener("input", () => {
    const v = Number(form.vcpuSecond.value);
    const g = Number(form.gibSecond.value);
    const f = Number(form.fixed.value);
    if (!(v >= 0) || !(g >= 0) || !(f >= 0)) return;
    state.prices = { vcpuSecond: v, gibSecond: g, fixed: Math.floor(f) };
    localStorage.setItem("zeroscale.prices", JSON.stringify(state.prices));
    void poll();
  });
  $("#prices-reset").addEventListener("click", () => {
    localStorage.removeItem("zeroscale.prices");
    state.prices = loadPrices(defaults);
    fill();
    void poll();
  });
}

// ---------- rendering ----------

function renderSummary() {
  const l = state.live;
  const total = l.functions.reduce((n, f) => n + f.requests, 0);
  const running = l.status.reduce((n, s) => n + s.instances.ready + s.instances.starting + s.instances.draining, 0);
  const elapsed = Math.round(l.elapsedSeconds);
  $("#summary").replaceChildren(
    h("span", {}, `engine ${l.engine}`),
    h("span", {}, "routes ", h("a", { href: l.url, target: "_blank", rel: "noreferrer" }, l.url)),
    h("span", { id: "total-requests" }, `${total} requests`),
    h("span", {}, `${running} instances`),
    h("span", {}, `up ${elapsed >= 60 ? `${Math.floor(elapsed / 60)}m ${elapsed % 60}s` : `${elapsed}s`}`),
  );
}

function renderFunctions() {
  const byFn = new Map(state.live.functions.map((f) => [f.fn, f]));
  const rows = state.live.status.map((s) => {
    const f = byFn.get(s.id) ?? { requests: 0, rps: 0, errors: {}, p50Ms: null, p99Ms: null, coldStarts: 0, lastColdStartMs: null, instanceSeconds: 0 };
    const errors = Object.entries(f.errors);
    const errorCount = errors.reduce((n, [, c]) => n + c, 0);
    return h(
      "tr",
      { dataset: { fn: s.id }, class: `${s.id === state.selected ? "selected" : ""} state-${s.state}`, onclick: () => select(s.id) },
      h("td", { class: "fn", title: s.name }, shortId(s.id)),
      h("td", {}, h("span", { class: `badge state-${s.state}`, title: s.error ?? "" }, s.state)),
      h("td", { class: "instances" }, `${s.instances.ready} / ${s.instances.starting} / ${s.instances.draining}`),
      h("td", { class: "rps" }, num(f.rps, 1)),
      h("td", { class: "requests" }, String(f.requests)),
      h("td", { class: `errors ${errorCount > 0 ? "bad" : ""}`, title: errors.map(([k, c]) => `${k}: ${c}`).join(", ") }, errorCount === 0 ? "0" : errors.map(([k, c]) => `${c}×${k}`).join(" ")),
      h("td", {}, ms(f.p50Ms)),
      h("td", {}, ms(f.p99Ms)),
      h("td", { class: "cold" }, f.coldStarts === 0 ? "0" : `${f.coldStarts} (last ${ms(f.lastColdStartMs)})`),
      h("td", { class: "buffered" }, String(s.buffered)),
      h("td", { class: "inflight" }, String(s.inflight)),
      h("td", { class: "instance-seconds" }, num(f.instanceSeconds, 1)),
    );
  });
  $("#functions tbody").replaceChildren(...rows);
}

function renderPanel() {
  const s = state.live.status.find((x) => x.id === state.selected);
  if (!s) return;
  $("#fn-title").textContent = s.id;
  const badge = $("#fn-state");
  badge.textContent = s.state;
  badge.className = `badge state-${s.state}`;
  const err = $("#fn-error");
  err.hidden = s.error === null;
  err.textContent = s.error ?? "";
  const samples = state.samples.get(s.id) ?? [];
  state.charts?.instances.update(samples);
  state.charts?.load.update(samples);
}

function renderTriggers() {
  const byTrigger = new Map(state.live.triggers.map((t) => [t.trigger, t]));
  const rows = triggers().map((t) => {
    const st = byTrigger.get(t.id);
    let act = "";
    if (t.source.type === "schedule") {
      act = h("button", { type: "button", class: "fire", dataset: { trigger: t.id }, onclick: async () => showResult(`fire ${t.id}`, await action("fire", { trigger: t.id })) }, "fire now");
    } else if (t.source.type === "queue") {
      const input = h("input", { class: "publish-data", value: '{"test":true}', size: 16, "aria-label": `message for ${t.id}` });
      const send = async () => {
        let data = input.value;
        try {
          data = JSON.parse(input.value);
        } catch {
          // send the text as it is
        }
        showResult(`publish ${t.id}`, await action("publish", { trigger: t.id, data }));
      };
      act = h("span", {}, input, h("button", { type: "button", class: "publish", dataset: { trigger: t.id }, onclick: send }, "publish"));
    } else if (t.source.type === "http") {
      act = h("button", { type: "button", class: "try", onclick: () => prefillInvoke(t) }, "invoke…");
    }
    const kind = t.source.type === "queue" ? `queue (${t.source.broker})` : t.source.type;
    return h(
      "tr",
      { dataset: { trigger: t.id } },
      h("td", { title: t.name }, shortId(t.id)),
      h("td", {}, kind),
      h("td", {}, shortId(t.target)),
      h("td", { class: "delivered" }, st ? String(st.delivered) : "–"),
      h("td", {}, st ? String(st.retried) : "–"),
      h("td", {}, st ? String(st.deadLettered) : "–"),
      h("td", {}, st ? String(st.dropped) : "–"),
      h("td", {}, act),
    );
  });
  $("#triggers tbody").replaceChildren(...rows);
}

function renderCost() {
  const nodes = new Map(functions().map((n) => [n.id, n]));
  const rows = state.live.cost.map((c) => {
    const n = nodes.get(c.fn);
    return h(
      "tr",
      { dataset: { fn: c.fn } },
      h("td", {}, shortId(c.fn)),
      h("td", {}, n ? `${n.cpu} CPU, ${n.memory}` : ""),
      h("td", { class: "instance-seconds" }, num(c.actual.instanceSeconds, 1)),
      h("td", { class: "actual" }, money(c.actual.cost)),
      h("td", {}, `${money(c.alwaysOnMax.cost)} (${num(c.alwaysOnMax.instanceSeconds, 0)} s)`),
      h("td", {}, `${money(c.alwaysOnFixed.cost)} (${c.alwaysOnFixed.size} × ${num(c.elapsedSeconds, 0)} s)`),
      h("td", { class: c.savedVsMaxPercent >= 0 ? "good" : "bad" }, `${num(c.savedVsMaxPercent, 1)}%`),
      h("td", { class: c.savedVsFixedPercent >= 0 ? "good" : "bad" }, `${num(c.savedVsFixedPercent, 1)}%`),
    );
  });
  const total = state.live.cost.reduce((t, c) => ({ actual: t.actual + c.actual.cost, max: t.max + c.alwaysOnMax.cost, fixed: t.fixed + c.alwaysOnFixed.cost }), { actual: 0, max: 0, fixed: 0 });
  rows.push(h("tr", { class: "total" }, h("td", {}, "total"), h("td"), h("td"), h("td", {}, money(total.actual)), h("td", {}, money(total.max)), h("td", {}, money(total.fixed)), h("td"), h("td")));
  $("#cost tbody").replaceChildren(...rows);
}

function timelineItem(t) {
  const text =
    t.type === "decision"
      ? `${t.data.function}: desired ${t.data.desired} (ready ${t.data.ready}) — ${t.data.reason}`
      : `${t.data.fn}: instance ${t.data.id} ${t.data.state}${t.data.coldStartMs !== undefined ? ` after ${ms(t.data.coldStartMs)}` : ""}${t.data.reason ? ` — ${t.data.reason}` : ""}`;
  const bad = t.type === "instance" && (t.data.state === "failed" || /exited|crash/i.test(t.data.reason ?? ""));
  return h("li", { class: `${t.type} ${bad ? "bad" : ""} ${t.type === "instance" ? `st-${t.data.state}` : ""}`, dataset: { fn: t.type === "decision" ? t.data.function : t.data.fn } }, h("time", {}, time(t.at)), " ", text);
}

function renderTimeline() {
  const only = $("#timeline-only-selected").checked;
  const items = state.timeline.filter((t) => !only || (t.type === "decision" ? t.data.function : t.data.fn) === state.selected);
  $("#timeline").replaceChildren(...items.slice(-300).reverse().map(timelineItem));
}

function renderRequests() {
  const q = $("#requests-filter").value.trim().toLowerCase();
  const rows = state.requests
    .filter((r) => !q || `${r.fn} ${r.method} ${r.path} ${r.status}`.toLowerCase().includes(q))
    .slice(-200)
    .reverse()
    .map((r) =>
      h("tr", { class: r.status >= 500 ? "bad" : r.status >= 400 ? "warn" : "", dataset: { fn: r.fn, status: r.status } }, h("td", {}, time(r.at)), h("td", {}, r.fn), h("td", {}, r.method), h("td", { class: "path" }, r.path), h("td", { class: "status" }, String(r.status)), h("td", {}, ms(r.ms)), h("td", {}, r.coldStart ? "cold" : "")),
    );
  $("#requests tbody").replaceChildren(...rows);
}

function renderLogs() {
  const fn = $("#logs-fn").value;
  const q = $("#logs-filter").value.trim().toLowerCase();
  const items = state.logs
    .filter((l) => (!fn || l.fn === fn) && (!q || l.line.toLowerCase().includes(q)))
    .slice(-300)
    .reverse()
    .map((l) => h("li", { class: `level-${l.level} ${l.stream}`, dataset: { fn: l.fn } }, h("time", {}, time(l.at)), " ", h("span", { class: "log-fn" }, l.fn), " ", h("span", { class: "log-level" }, l.level), " ", h("span", { class: "log-line" }, l.line)));
  $("#logs").replaceChildren(...items);
}

function push(list, item) {
  list.push(item);
  if (list.length > MAX_ROWS) list.splice(0, list.length - MAX_ROWS);
}

// ---------- selection and actions ----------

function routesOf(fnId) {
  return triggers().filter((t) => t.target === fnId && t.source.type === "http");
}

function prefillInvoke(t) {
  select(t.target);
  const form = $("#invoke-form");
  form.path.value = t.source.path.replace(/\*.*$/, "");
  form.method.value = t.source.methods[0] ?? "GET";
  form.path.focus();
}

function select(fnId) {
  if (state.selected === fnId) return;
  state.selected = fnId;
  const route = routesOf(fnId)[0];
  const form = $("#invoke-form");
  form.path.value = route ? route.source.path.replace(/\*.*$/, "") : "/";
  if (route) form.method.value = route.source.methods[0] ?? "GET";
  if (state.svg) markGraph(state.svg, fnId, new Map((state.live?.status ?? []).map((s) => [s.id, s.state])));
  if (state.live) {
    renderFunctions();
    renderPanel();
    renderTimeline();
  }
}

function setupActions() {
  $("#invoke-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = { method: f.method.value, path: f.path.value, ...(f.body.value && f.method.value !== "GET" ? { body: f.body.value, headers: { "content-type": /^[[{]/.test(f.body.value.trim()) ? "application/json" : "text/plain" } } : {}) };
    showResult(`${body.method} ${body.path}`, await action("invoke", body));
  });
  $("#scale-to-zero").addEventListener("click", async () => state.selected && showResult(`scale ${state.selected} to zero`, await action("scale-to-zero", { fn: state.selected })));
  $("#requests-filter").addEventListener("input", renderRequests);
  $("#logs-filter").addEventListener("input", renderLogs);
  $("#logs-fn").addEventListener("change", renderLogs);
  $("#timeline-only-selected").addEventListener("change", renderTimeline);
}

// ---------- data ----------

async function poll() {
  const p = state.prices;
  const q = new URLSearchParams({ since: String(state.since), ...(p ? { vcpuSecond: String(p.vcpuSecond), gibSecond: String(p.gibSecond), fixed: String(p.fixed) } : {}) });
  const live = await getJson(`/live?${q}`);
  state.live = live;
  for (const [fn, samples] of Object.entries(live.samples)) {
    const list = state.samples.get(fn) ?? [];
    for (const s of samples) if (s.at > state.since) list.push(s);
    if (list.length > 600) list.splice(0, list.length - 600);
    state.samples.set(fn, list);
  }
  state.since = Math.max(state.since, ...Object.values(live.samples).flatMap((s) => s.map((x) => x.at)));
  renderSummary();
  renderFunctions();
  renderPanel();
  renderTriggers();
  renderCost();
  if (state.svg) markGraph(state.svg, state.selected, new Map(live.status.map((s) => [s.id, s.state])));
  document.body.dataset.ready = "true";
}

function connect() {
  const es = new EventSource("/events");
  const conn = $("#connection");
  es.onopen = () => {
    conn.dataset.state = "live";
    conn.textContent = "live";
  };
  es.onerror = () => {
    conn.dataset.state = "down";
    conn.textContent = "disconnected: retrying…";
  };
  const onTimeline = (type) => (ev) => {
    push(state.timeline, { type, at: Date.now(), data: JSON.parse(ev.data) });
    renderTimeline();
  };
  es.addEventListener("decision", onTimeline("decision"));
  es.addEventListener("instance", onTimeline("instance"));
  es.addEventListener("request", (ev) => {
    push(state.requests, JSON.parse(ev.data));
    renderRequests();
  });
  es.addEventListener("log", (ev) => {
    push(state.logs, JSON.parse(ev.data));
    renderLogs();
  });
}

async function main() {
  const [graph, live, requests, logs, timeline] = await Promise.all([getJson("/graph"), getJson("/live?since=0"), getJson("/requests?limit=1000"), getJson("/logs?limit=1000"), getJson("/timeline")]);
  state.graph = graph;
  $("#app-name").textContent = graph.app.name;
  document.title = `${graph.app.name} · zeroscale console`;
  state.svg = drawGraph($("#graph"), graph, select);
  state.requests = requests.requests;
  state.logs = logs.logs;
  state.timeline = timeline.events.map((e) => ({ type: e.type, at: e.at, data: e.data }));
  for (const n of functions()) $("#logs-fn").append(h("option", { value: n.id }, n.id));
  setupPrices(live.prices);
  setupActions();
  state.charts = { instances: instanceChart($("#chart-instances")), load: loadChart($("#chart-load")) };
  connect();
  state.selected = null;
  await poll();
  select(functions()[0]?.id ?? null);
  renderRequests();
  renderLogs();
  renderTimeline();
  setInterval(() => void poll().catch((e) => console.warn(e)), 1000);
}

main().catch((e) => {
  document.body.prepend(h("div", { class: "fatal" }, `The console could not load: ${e.message}`));
});
