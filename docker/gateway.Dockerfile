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
# `npm run build && docker build -f docker/gateway.Dockerfile .`). BASE_IMAGE is any
# image with node 20 on PATH (default node:20-bookworm-slim); without a registry, build
# zeroscale/node:20 locally first (scripts/make-node-image.sh) and pass it.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
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
