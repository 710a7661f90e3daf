import { describe, expect, it } from "vitest";
import {
  App,
  Duration,
  EventTrigger,
  formatDiagnostic,
  ScalingPolicy,
  ServerlessFunction,
  type ServerlessFunctionProps,
  synth,
  ValidationError,
} from "zeroscale";

const IMAGE = "registry.example.com/shop/api:1.4.2";

/** The formatted errors synth reports for the app `build` makes (throws if synth succeeds). */
function errorsOf(build: (app: App) => void): string[] {
  const app = new App({ name: "shop" });
  build(app);
  try {
    synth(app);
  } catch (e) {
    if (e instanceof ValidationError) return e.errors.map(formatDiagnostic);
    throw e;
  }
  throw new Error("expected a ValidationError");
}

function fnWith(props: { [K in keyof ServerlessFunctionProps]?: ServerlessFunctionProps[K] | undefined }) {
  return (app: App) => new ServerlessFunction(app, "api", { image: IMAGE, ...props } as ServerlessFunctionProps);
}

const untyped = (x: unknown) => x as never;

describe("validation: one rule, one exact message", () => {
  const cases: [string, (app: App) => void, string[]][] = [
    ["min > max (the documented example)", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      new ScalingPolicy(api, "scaling", { target: api, minInstances: 5, maxInstances: 2 });
    }, ["shop/api/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances."]],
    ["no source", fnWith({ image: undefined }), ["shop/api: (construct) none of image, build, code is set; set exactly one of image, build or code."]],
    ["two sources", fnWith({ build: { context: "api" } }), ["shop/api: (construct) sets image and build; set exactly one of image, build or code."]],
    ["bad image", fnWith({ image: "Shop/API latest" }), ['shop/api: image ("Shop/API latest") is not an image reference; use [registry/]repository[:tag][@digest], e.g. "registry.example.com/shop/api:1.4.2".']],
    ["absolute build context", fnWith({ image: undefined, build: { context: "/home/me/api" } }), ['shop/api: build.context ("/home/me/api") is not a relative path; use a path relative to the app\'s base directory, so the graph is the same on every machine.']],
    ["bad handler", fnWith({ image: undefined, code: { path: "src", handler: "index.ts#handler" } }), ['shop/api: code.handler ("index.ts#handler") is not "file#export" with a .js, .mjs or .cjs file; use e.g. "index.js#handler", or "index.js" for the default export (compile TypeScript first).']],
    ["port out of range", fnWith({ port: 80 }), ["shop/api: port (80) is outside 1024..65535; set port to a whole number from 1024 to 65535."]],
    ["reserved port", fnWith({ port: 8012 }), ["shop/api: port (8012) is reserved by Knative (8012, 8013, 8022, 9090, 9091); pick another port, e.g. 8080."]],
    ["memory not a quantity", fnWith({ memory: "256MB" }), ['shop/api: memory ("256MB") is not a Kubernetes quantity; use a size such as "128Mi", "512Mi" or "1Gi".']],
    ["memory too small", fnWith({ memory: "1Mi" }), ['shop/api: memory ("1Mi") is below 6Mi (Docker\'s minimum); use at least "6Mi"; most functions want "128Mi" or more.']],
    ["cpu finer than 1m", fnWith({ cpu: "0.0005" }), ['shop/api: cpu ("0.0005") is not a whole number of millicores (at least 1m); use a value such as "100m" or "1".']],
    ["timeout too long", fnWith({ timeout: Duration.minutes(20) }), ['shop/api: timeout ("20m") is outside 1s..10m; set timeout within 1s..10m.']],
    ["timeout not a duration", fnWith({ timeout: "30" }), ['shop/api: timeout ("30") is not a duration; use a number with a unit (ms, s, m, h), e.g. "30s" or "5m", within 1s..10m.']],
    ["timeout fractional", fnWith({ timeout: "1.5s" }), ['shop/api: timeout ("1.5s") is not a whole number of seconds; round it to whole seconds within 1s..10m.']],
    ["concurrency 0", fnWith({ concurrency: 0 }), ["shop/api: concurrency (0) is outside 1..1000; set concurrency to a whole number from 1 to 1000."]],
    ["reserved env", fnWith({ env: { PORT: "80" } }), ['shop/api: env.PORT ("PORT") is set by the platform (PORT, K_SERVICE, K_CONFIGURATION, K_REVISION); rename the variable; read the port from $PORT.']],
    ["bad env name", fnWith({ env: { "1X": "y" } }), ['shop/api: env.1X ("1X") is not a valid environment variable name; use letters, digits and \'_\', not starting with a digit.']],
    ["env and secret share a name", fnWith({ env: { DB: "x" }, secrets: { DB: { secret: "db", key: "url" } } }), ['shop/api: secrets.DB ("DB") is also set in env; set each variable in env or in secrets, not both.']],
    ["bad secret store", fnWith({ secrets: { DB: { secret: "Shop_DB", key: "url" } } }), ['shop/api: secrets.DB.secret ("Shop_DB") is not a valid secret store name; use lowercase alphanumerics, \'-\' and \'.\', e.g. "shop-db".']],
    ["bad readiness path", fnWith({ readinessPath: "healthz" }), ['shop/api: readinessPath ("healthz") is not a URL path; start it with "/" and use no spaces, e.g. "/healthz".']],
    ["empty command", fnWith({ command: [] }), ["shop/api: command ([]) is empty; leave command out to use the image's entrypoint, or name the program."]],
    ["bad label", fnWith({ labels: { "zeroscale.dev/x": "y" } }), ['shop/api: labels.zeroscale.dev/x ("zeroscale.dev/x") uses the reserved zeroscale.dev prefix; use a key such as "team" or "example.com/team".']],
    ["root with runAsNonRoot", fnWith({ security: { runAsUser: 0 } }), ["shop/api: security.runAsUser (0) is root while runAsNonRoot is true; use a non-root uid, or set runAsNonRoot: false explicitly."]],
    ["unknown prop (JavaScript users)", fnWith(untyped({ memroy: "1Gi" })), ['shop/api: memroy ("1Gi") is not a known prop; did you mean memory? Otherwise remove it (known props: image, build, code, port, env, secrets, memory, cpu, timeout, concurrency, readinessPath, command, args, labels, security).']],
    ["wrong type (JavaScript users)", fnWith(untyped({ memory: 256 })), ['shop/api: memory (256) must be a string; pass a Kubernetes quantity string such as "256Mi".']],
    ["missing nested prop", fnWith(untyped({ image: undefined, code: { handler: "index.js" } })), ['shop/api: code.path (missing) is required; set code.path to the directory holding the code, e.g. "./src".']],
    ["trigger with two sources", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      new EventTrigger(app, "t", { target: api, http: { path: "/a" }, schedule: { cron: "0 3 * * *" } });
    }, ["shop/t: (construct) sets http and schedule; set exactly one of http, schedule or queue; use one trigger per source."]],
    ["trigger with no source", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      new EventTrigger(app, "t", { target: api });
    }, ["shop/t: (construct) none of http, schedule, queue is set; set exactly one of http, schedule or queue; use one trigger per source."]],
    ["trigger target not a function", (app) => {
      new EventTrigger(app, "t", untyped({ target: app, http: { path: "/a" } }));
    }, ['shop/t: target ("shop (App)") is not a ServerlessFunction; pass the ServerlessFunction the construct applies to.']],
    ["trigger target in another App", (app) => {
      const other = new App({ name: "other" });
      const fn = new ServerlessFunction(other, "api", { image: IMAGE });
      new EventTrigger(app, "t", { target: fn, http: { path: "/a" } });
    }, ['shop/t: target ("other/api") is in another App (other); target a function of the same App, or move this construct into that App.']],
    ["bad route path", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addTrigger("http", { http: { path: "/api/" } });
    }, ['shop/api/http: http.path ("/api/") is not a route path; start it with "/", with no trailing "/", spaces or "//", e.g. "/api".']],
    ["duplicate route", (app) => {
      const a = new ServerlessFunction(app, "a", { image: IMAGE });
      const b = new ServerlessFunction(app, "b", { image: IMAGE });
      new EventTrigger(app, "a-http", { target: a, http: { path: "/api" } });
      new EventTrigger(app, "b-http", { target: b, http: { path: "/api", methods: ["POST"] } });
    }, ['shop/b-http: http.path ("/api") routes /api which shop/a-http already routes; give each trigger its own path, host or methods.']],
    ["bad cron", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addTrigger("nightly", { schedule: { cron: "61 3 * * *" } });
    }, ['shop/api/nightly: schedule.cron ("61 3 * * *") is not a valid cron expression (field 1, the minute, is "61", outside 0..59); use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" or "*/10 * * * *"; a leading seconds field works only on the zeroscale gateway (Kubernetes backends take 5 fields).']],
    ["cron that never fires", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addTrigger("never", { schedule: { cron: "0 0 31 2 *" } });
    }, ['shop/api/never: schedule.cron ("0 0 31 2 *") never fires; use a date that exists, e.g. "0 3 * * *".']],
    ["bad time zone", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Mars/Olympus" } });
    }, ['shop/api/nightly: schedule.timezone ("Mars/Olympus") is not an IANA time zone; use a name such as "UTC", "Europe/Berlin" or "America/New_York".']],
    ["credentials in a queue URL", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addTrigger("orders", { queue: { broker: "redis", connection: "redis://user:hunter2@cache:6379", name: "orders" } });
    }, ['shop/api/orders: queue.connection ("redis://***@cache:6379") holds credentials in plain text, which would be written into every manifest; put the URL in a secret store and pass { secret: "store-name", key: "url" }.']],
    ["wrong URL scheme for the broker", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addTrigger("orders", { queue: { broker: "rabbitmq", connection: "redis://cache:6379", name: "orders" } });
    }, ['shop/api/orders: queue.connection ("redis://cache:6379") has scheme redis: which rabbitmq does not use; use amqp: or amqps: e.g. "amqp://mq:5672".']],
    ["two policies on one function", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      new ScalingPolicy(app, "p1", { target: api });
      new ScalingPolicy(app, "p2", { target: api });
    }, ['shop/p2: target ("shop/api") already has a ScalingPolicy (shop/p1); give each function one ScalingPolicy; merge the two.']],
    ["metric with two keys", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ metric: untyped({ concurrency: 10, rps: 5 }) });
    }, ['shop/api/scaling: metric ({"concurrency":10,"rps":5}) is not one metric; pass an object with exactly one of concurrency, rps, cpu, memory, queueLength, e.g. { concurrency: 50 }.']],
    ["concurrency target above the limit", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE, concurrency: 10 });
      api.addScalingPolicy({ metric: { concurrency: 50 } });
    }, ["shop/api/scaling: metric.concurrency (50) is above the function's concurrency limit (10); set metric.concurrency <= 10, or raise concurrency on shop/api."]],
    ["cpu percent out of range", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ metric: { cpu: 150 } });
    }, ["shop/api/scaling: metric.cpu (150) is outside 1..100 (percent of the CPU request); set metric.cpu from 1 to 100, a whole number."]],
    ["queue metric without a queue trigger", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ metric: { queueLength: 10 } });
    }, ["shop/api/scaling: metric.queueLength (10) needs a queue trigger on shop/api, which has none; add an EventTrigger with a queue source for the function, or scale on concurrency or rps."]],
    ["stable window too short", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ stableWindow: "2s" });
    }, ['shop/api/scaling: stableWindow ("2s") is outside 6s..1h; set stableWindow within 6s..1h.']],
    ["panic threshold out of range", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ burst: { panicThresholdPercent: 100 } });
    }, ["shop/api/scaling: burst.panicThresholdPercent (100) is outside 110..1000; set burst.panicThresholdPercent to a number from 110 to 1000."]],
    ["initial above max", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ maxInstances: 3, initialInstances: 5 });
    }, ["shop/api/scaling: initialInstances (5) is above maxInstances (3); set initialInstances <= 3."]],
    ["baseline cron with seconds", (app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.addScalingPolicy({ schedule: [{ start: "0 0 8 * * 1-5", end: "0 18 * * 1-5", minInstances: 2 }] });
    }, ['shop/api/scaling: schedule.0.start ("0 0 8 * * 1-5") is not a valid cron expression (it has 6 fields; 5 are needed; a seconds field is not supported here); use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" or "0 8 * * 1-5".']],
  ];

  for (const [title, build, expected] of cases) {
    it(title, () => {
      expect(errorsOf(build)).toEqual(expected);
    });
  }

  it("rejects a bad app name", () => {
    const app = new App({ name: "Shop_App" });
    expect(() => synth(app)).toThrow(/Shop_App: name \("Shop_App"\) is not a DNS-1035 label of at most 30 characters/);
  });

  it("reports every problem at once, ordered by path, in one ValidationError", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: IMAGE, concurrency: 5000, memory: "lots" });
    new ScalingPolicy(app, "api-scaling", { target: api, minInstances: 5, maxInstances: 2 });
    new EventTrigger(app, "nightly", { target: api, schedule: { cron: "not a cron" } });
    let error: ValidationError | undefined;
    try {
      synth(app);
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.errors.map((d) => [d.path, d.prop, d.code])).toEqual([
      ["shop/api", "concurrency", "ZS-FN-CONCURRENCY"],
      ["shop/api", "memory", "ZS-FN-MEMORY"],
      ["shop/api-scaling", "maxInstances", "ZS-SCALING-MIN-MAX"],
      ["shop/nightly", "schedule.cron", "ZS-TRIGGER-SCHEDULE-CRON"],
    ]);
    expect(error?.message).toMatch(/^4 validation errors:\n {2}- shop\/api: concurrency \(5000\)/);
    expect(error?.errors[0]).toMatchObject({ severity: "error", value: 5000 });
  });

  it("warns (and keeps going) when idleTimeout cannot apply", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: IMAGE });
    api.addTrigger("http", { http: { path: "/api" } });
    api.addScalingPolicy({ minInstances: 2, idleTimeout: "5m" });
    const graph = synth(app);
    expect(graph.warnings.map(formatDiagnostic)).toEqual([
      'shop/api/scaling: idleTimeout ("5m") has no effect: minInstances is 2, so the function never scales to zero; remove idleTimeout or set minInstances: 0.',
    ]);
  });

  it("includes a user construct's own validations (constructs addValidation)", () => {
    const errors = errorsOf((app) => {
      const api = new ServerlessFunction(app, "api", { image: IMAGE });
      api.node.addValidation({ validate: () => ["team label is required"] });
    });
    expect(errors).toEqual(["shop/api: (construct) team label is required; fix what the construct's own validation reports."]);
  });

  it("reports a dependency cycle", () => {
    const errors = errorsOf((app) => {
      const a = new ServerlessFunction(app, "a", { image: IMAGE });
      const b = new ServerlessFunction(app, "b", { image: IMAGE });
      a.node.addDependency(b);
      b.node.addDependency(a);
    });
    expect(errors).toEqual(['shop/a: (dependencies) ("shop/a -> shop/b -> shop/a") forms a dependency cycle; remove one of the addDependency calls on that cycle.']);
  });
});
