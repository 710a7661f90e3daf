#!/usr/bin/env bash
# Build a tiny local base image holding only this machine's node binary and the libraries it links
# (no registry needed): `docker import` of a root filesystem. Used for `code` functions on Docker.
# Usage: scripts/make-node-image.sh [tag]   (default zeroscale/node:20)
set -euo pipefail
TAG="${1:-zeroscale/node:20}"
NODE="$(command -v node)"
ROOT="$(mktemp -d)"
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/usr/bin" "$ROOT/tmp" "$ROOT/etc" "$ROOT/app" "$ROOT/zeroscale"
chmod 1777 "$ROOT/tmp"
cp "$(readlink -f "$NODE")" "$ROOT/usr/bin/node"
if command -v strip >/dev/null; then strip --strip-debug "$ROOT/usr/bin/node" || true; fi
for lib in $(ldd "$NODE" | grep -oE '/[^ ]+'); do
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done
printf 'root:x:0:0:root:/root:/bin/false\nnonroot:x:65532:65532:nonroot:/tmp:/bin/false\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$ROOT/etc/group"
echo '127.0.0.1 localhost' > "$ROOT/etc/hosts"
tar -C "$ROOT" -c . | docker import \
  -c 'ENTRYPOINT ["/usr/bin/node"]' -c 'WORKDIR /app' -c 'ENV NODE_ENV=production' \
  - "$TAG" >/dev/null
echo "$TAG"
