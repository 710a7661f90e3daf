#!/usr/bin/env bash
# Build a tiny local base image holding only this machine's node binary and the libraries it links
# (no registry needed): `docker import` of a root filesystem. Used for `code` functions on Docker.
# With --with-haproxy it also holds this machine's haproxy (/usr/sbin/haproxy, Debian's package) and
# its libraries: the base of the gateway image, whose HAProxy data plane runs as user 65532 with its
# config and sockets under /tmp (no /etc/haproxy, no chroot).
# Usage: scripts/make-node-image.sh [--with-haproxy] [tag]
#   (default tag zeroscale/node:20; zeroscale/gateway-base:20 with --with-haproxy)
set -euo pipefail
WITH_HAPROXY=0
if [ "${1:-}" = "--with-haproxy" ]; then WITH_HAPROXY=1; shift; fi
if [ "$WITH_HAPROXY" = 1 ]; then TAG="${1:-zeroscale/gateway-base:20}"; else TAG="${1:-zeroscale/node:20}"; fi
NODE="$(command -v node)"
ROOT="$(mktemp -d)"
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/usr/bin" "$ROOT/usr/sbin" "$ROOT/tmp" "$ROOT/etc" "$ROOT/app" "$ROOT/zeroscale"
chmod 1777 "$ROOT/tmp"
# Copy a binary's linked libraries (ldd's absolute paths, the loader included), following symlinks.
copy_libs() {
  for lib in $(ldd "$1" | grep -oE '/[^ ]+'); do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
  done
}
cp "$(readlink -f "$NODE")" "$ROOT/usr/bin/node"
if command -v strip >/dev/null; then strip --strip-debug "$ROOT/usr/bin/node" || true; fi
copy_libs "$NODE"
if [ "$WITH_HAPROXY" = 1 ]; then
  HAPROXY="$(command -v haproxy || true)"
  [ -n "$HAPROXY" ] || HAPROXY=/usr/sbin/haproxy
  if [ ! -x "$HAPROXY" ]; then echo "make-node-image.sh: --with-haproxy needs haproxy on this machine (apt-get install haproxy)" >&2; exit 1; fi
  cp "$(readlink -f "$HAPROXY")" "$ROOT/usr/sbin/haproxy"
  copy_libs "$HAPROXY"
fi
printf 'root:x:0:0:root:/root:/bin/false\nnonroot:x:65532:65532:nonroot:/tmp:/bin/false\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$ROOT/etc/group"
echo '127.0.0.1 localhost' > "$ROOT/etc/hosts"
tar -C "$ROOT" -c . | docker import \
  -c 'ENTRYPOINT ["/usr/bin/node"]' -c 'WORKDIR /app' -c 'ENV NODE_ENV=production' \
  - "$TAG" >/dev/null
echo "$TAG"
