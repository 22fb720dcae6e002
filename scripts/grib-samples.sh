#!/usr/bin/env bash
# What the GRIB2 decoding tests compare against: ecCodes' own tools
# (`grib_ls`, `grib_get_data`, Debian's libeccodes-tools) and real files
# published in a registry package — the sample data of pygrib 2.1.8's
# source distribution on PyPI (GFS with complex packing, ECMWF TIGGE with
# JPEG 2000 on a reduced Gaussian grid, NAM/Eta on a Lambert grid, JPEG 2000
# on a polar stereographic grid, a bitmap with a scanning mode), checked against its SHA-256 and unpacked into
# target/grib-samples/. Checks first: a second run takes a moment.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v grib_get_data >/dev/null || ! command -v grib_ls >/dev/null; then
  echo "grib-samples: installing libeccodes-tools (Debian)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libeccodes-tools >/dev/null
fi

OUT=target/grib-samples
FILES="gfs.t12z.pgrbf120.2p5deg.grib2 ecmwf_tigge.grb eta.grb safrica.grib2 scanning_mode_with_bitmap.grib2 regular_latlon_surface.grib2 ds.maxt.bin"
SDIST=pygrib-2.1.8.tar.gz
SHA256=7ad941571c02b9afa685cb92fb85fb5ed2cd0e36c4ec40cb74d7782dc7975400
URL=https://files.pythonhosted.org/packages/dc/e9/29ebe5a47274afcfb37b17be9097b24cf2ff5640672cb06db12ff9a46346/$SDIST

missing=0
for f in $FILES; do [[ -s "$OUT/$f" ]] || missing=1; done
[[ $missing -eq 0 ]] && exit 0

echo "grib-samples: fetching $SDIST from PyPI"
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL -o "$tmp/$SDIST" "$URL"
echo "$SHA256  $tmp/$SDIST" | sha256sum -c --quiet
members=""
for f in $FILES; do members="$members pygrib-2.1.8/sampledata/$f"; done
# shellcheck disable=SC2086
tar -xzf "$tmp/$SDIST" -C "$tmp" $members pygrib-2.1.8/LICENSE
for f in $FILES; do mv "$tmp/pygrib-2.1.8/sampledata/$f" "$OUT/$f"; done
mv "$tmp/pygrib-2.1.8/LICENSE" "$OUT/LICENSE.pygrib"
