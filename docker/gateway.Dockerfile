# The zeroscale gateway image, two programs with different entrypoints (bundled into one file each
# by `npm run build`), plus the runner that serves `code` functions:
#   /zeroscale/gateway.cjs     the data plane (default entrypoint): faces traffic; run it as 65532,
#                              read-only, with no Docker socket
#   /zeroscale/controller.cjs  the controller: the only one given the Docker socket; serves the
#                              gateway start/stop/state of the app's pre-created containers over a
#                              Unix socket in a shared volume (runtime/controller/protocol.ts)
#   /zeroscale/dispatcher.cjs  keda()'s push-mode dispatcher (runtime/dispatcher-main.ts): consumes one
#                              queue trigger and POSTs its CloudEvents to the function's Service; run
#                              it as `node /zeroscale/dispatcher.cjs` (keda({ dispatcherImage }))
# Built by the Docker backend's Pulumi program, context: the zeroscale package (by hand:
# `npm run build && docker build -f docker/gateway.Dockerfile .`). BASE_IMAGE is any image with
# node 20 on PATH and haproxy at /usr/sbin/haproxy (docker({ dataPlane: "haproxy" }), the default,
# runs it as user 65532 with its config and sockets in a temp dir under /tmp); without haproxy there,
# and with a shell and apt-get (node:20-bookworm-slim, the default), Debian's haproxy is installed.
# Without a registry, build the base locally first and pass it:
#   scripts/make-node-image.sh --with-haproxy zeroscale/gateway-base:20
#   docker build -f docker/gateway.Dockerfile --build-arg BASE_IMAGE=zeroscale/gateway-base:20 .
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
# Exec form through node (a base image built by make-node-image.sh has no shell): apt-get only when haproxy is absent.
RUN ["node", "-e", "const fs = require('node:fs'); if (fs.existsSync('/usr/sbin/haproxy')) process.exit(0); const r = require('node:child_process').spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq --no-install-recommends haproxy && rm -rf /var/lib/apt/lists/*'], { stdio: 'inherit' }); if (r.status !== 0) { console.error('the gateway image needs haproxy at /usr/sbin/haproxy: use a BASE_IMAGE that has it (scripts/make-node-image.sh --with-haproxy) or one with apt-get'); process.exit(1); }"]
COPY dist/gateway/gateway.cjs /zeroscale/gateway.cjs
COPY dist/gateway/controller.cjs /zeroscale/controller.cjs
COPY dist/gateway/dispatcher.cjs /zeroscale/dispatcher.cjs
COPY dist/runtime/runner/serve.js dist/runtime/runner/format.js /zeroscale/runner/
# serve.js imports ./events.js: the self-contained event parser (RUNNER_FILES in runtime/drivers/paths.ts)
COPY dist/lib/events/parse.js /zeroscale/runner/events.js
COPY docker/runner-package.json /zeroscale/runner/package.json
# /app/code holds a code function's files in images built FROM this one. No package.json above it:
# the runner and node read a handler by its extension, its own package.json's "type", else its
# syntax (runtime/runner/format.ts), as on the process runtime.
ENV NODE_ENV=production
ENTRYPOINT ["node", "/zeroscale/gateway.cjs"]
CMD ["--config", "/etc/zeroscale/gateway.json"]
