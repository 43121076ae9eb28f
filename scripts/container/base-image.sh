#!/usr/bin/env bash
# Builds a local stand-in for the official node:20-slim image, for machines that reach no
# image registry (this project's CI): Debian bookworm from debootstrap (minbase, from the
# mirror apt uses here), this machine's Node 20 and npm in /usr/local as the official image
# lays them out, Node's headers with npm_config_nodedir so node-gyp never downloads them,
# and a user `node` with uid 1000. The Dockerfile stays standard: it names node:20-slim.
#
# Usage: scripts/container/base-image.sh [engine] [tag]
# Does nothing when the tag already exists, so the debootstrap runs once per machine.
set -euo pipefail

engine="${1:-podman}"
tag="${2:-docker.io/library/node:20-slim}"

if "$engine" image inspect "$tag" >/dev/null 2>&1; then
  echo "base-image: $tag exists"
  exit 0
fi

for tool in debootstrap tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "base-image: $tool is missing" >&2; exit 1; }
done
node_bin="$(readlink -f "$(command -v node)")"
case "$("$node_bin" --version)" in
  v20.*) ;;
  *) echo "base-image: need Node 20 on this machine, found $("$node_bin" --version)" >&2; exit 1 ;;
esac
# npm's bin is a link into its package folder (e.g. /usr/lib/node_modules/npm/bin/npm-cli.js).
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
headers=""
for dir in /usr/include/node /usr/local/include/node; do
  [ -f "$dir/node_api.h" ] && { headers="$dir"; break; }
done
[ -n "$headers" ] || { echo "base-image: Node headers not found (Debian: /usr/include/node)" >&2; exit 1; }

# The Debian mirror apt is configured with here, in deb822 or one-line format.
mirror="$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
  | awk '/^URIs:/ && !/security/ { print $2; exit } /^deb / && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d "${TMPDIR:-/tmp}/addendum-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

echo "base-image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/include"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
cp -a "$headers" "$root/usr/local/include/node"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" /usr/sbin/groupadd --gid 1000 node
chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# What the official slim image also drops: package lists and downloaded .debs.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log

echo "base-image: importing as $tag"
tar --numeric-owner -C "$root" -c . | "$engine" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$("$node_bin" --version | sed 's/^v//')" \
  --change 'ENV npm_config_nodedir=/usr/local' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "base-image: built $tag"
