#!/usr/bin/env bash
# Refreshes the map's basemap (server/assets/countries-50m.json) from the npm
# package world-atlas: Natural Earth's 1:50m countries and land as TopoJSON
# (the data public domain, the package ISC). The file is committed, so builds
# and `make run` need nothing from the network; run this only to change the
# version. Checks first: does nothing when the file already matches.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${WORLD_ATLAS_VERSION:-2.0.2}"
target=server/assets/countries-50m.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack "world-atlas@$VERSION" --silent >/dev/null && tar xzf world-atlas-*.tgz)
if cmp -s "$work/package/countries-50m.json" "$target"; then
  echo "basemap: $target is world-atlas $VERSION already"
  exit 0
fi
cp "$work/package/countries-50m.json" "$target"
echo "basemap: $target refreshed from world-atlas $VERSION; update SOURCE in server/src/map/basemap.rs"
