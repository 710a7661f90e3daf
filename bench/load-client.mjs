// A closed-loop HTTP load client with microsecond latencies: node bench/load-client.mjs <url> <connections> <seconds>
// Runs in its own process (so it does not share an event loop with what it measures). Prints JSON.
import { Agent, request } from "node:http";

const [url, connections = "10", seconds = "5"] = process.argv.slice(2);
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const latencies = [];
let errors = 0;
let non2xx = 0;
const end = performance.now() + Number(seconds) * 1000;
const warmEnd = performance.now() + 500;

function once() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent }, (res) => {
      res.resume();
      res.on("end", () => {
        const t1 = performance.now();
        if (t0 > warmEnd) latencies.push(t1 - t0);
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
        resolve();
      });
    });
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

await Promise.all(Array.from({ length: Number(connections) }, async () => {
  while (performance.now() < end) await once();
}));
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
const measuredSeconds = (end - warmEnd) / 1000;
console.log(JSON.stringify({ requests: latencies.length, rps: latencies.length / measuredSeconds, p50: q(0.5), p99: q(0.99), errors, non2xx }));
agent.destroy();
