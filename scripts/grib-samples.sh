#!/usr/bin/env bash
# What the GRIB2 decoding tests compare against: ecCodes' own tools
# (`grib_ls`, `grib_get_data`, Debian's libeccodes-tools) and real files
# published in a registry package — the sample data of pygrib 2.1.8's
# source distribution on PyPI (GFS with complex packing, ECMWF TIGGE with
# JPEG 2000 on a reduced Gaussian grid, NAM/Eta on a Lambert grid, JPEG 2000
# on a polar stereographic grid, a bitmap with a scanning mode), checked against its SHA-256 and unpacked into
# target/grib-samples/. Checks first: a second run takes a moment.
#
# The NetCDF tests' too: ncdump (Debian's netcdf-bin) and ERA5 pressure-level
# files as CDS delivers them (NetCDF-4, packed shorts) from pycontrails
# 0.64.0's source distribution on PyPI (Apache 2.0), with a classic copy of
# one made by nccopy and a bzip2 copy of a GRIB2 file (as DWD publishes).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v grib_get_data >/dev/null || ! command -v grib_ls >/dev/null \
  || ! command -v ncdump >/dev/null || ! command -v nccopy >/dev/null || ! command -v bzip2 >/dev/null; then
  echo "grib-samples: installing libeccodes-tools, netcdf-bin and bzip2 (Debian)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    libeccodes-tools netcdf-bin bzip2 >/dev/null
fi

OUT=target/grib-samples
FILES="gfs.t12z.pgrbf120.2p5deg.grib2 ecmwf_tigge.grb eta.grb safrica.grib2 scanning_mode_with_bitmap.grib2 regular_latlon_surface.grib2 ds.maxt.bin"
SDIST=pygrib-2.1.8.tar.gz
SHA256=7ad941571c02b9afa685cb92fb85fb5ed2cd0e36c4ec40cb74d7782dc7975400
URL=https://files.pythonhosted.org/packages/dc/e9/29ebe5a47274afcfb37b17be9097b24cf2ff5640672cb06db12ff9a46346/$SDIST

netcdf_samples() {
  local files="met-20190101-eu.nc met-era5-cocip1.nc met-ecmwf-sl.nc"
  local sdist=pycontrails-0.64.0.tar.gz
  local sha=689d2a2daccad92c392ed7a3967b5ae6d8563178b456cce9a0a403cd104a2216
  local url=https://files.pythonhosted.org/packages/61/db/ab75e68cc7047b373699cc0c91c8e1bda2cc8323a77311dc55d04c4f4242/$sdist
  local missing=0
  for f in $files era5-eu-classic.nc; do [[ -s "$OUT/$f" ]] || missing=1; done
  [[ $missing -eq 0 ]] && return 0
  echo "grib-samples: fetching $sdist from PyPI"
  mkdir -p "$OUT"
  local tmp
  tmp=$(mktemp -d)
  curl -fsSL -o "$tmp/$sdist" "$url"
  echo "$sha  $tmp/$sdist" | sha256sum -c --quiet
  local members=""
  for f in $files; do members="$members pycontrails-0.64.0/tests/unit/static/$f"; done
  # shellcheck disable=SC2086
  tar -xzf "$tmp/$sdist" -C "$tmp" $members pycontrails-0.64.0/LICENSE
  for f in $files; do mv "$tmp/pycontrails-0.64.0/tests/unit/static/$f" "$OUT/$f"; done
  mv "$tmp/pycontrails-0.64.0/LICENSE" "$OUT/LICENSE.pycontrails"
  rm -rf "$tmp"
  nccopy -k classic "$OUT/met-20190101-eu.nc" "$OUT/era5-eu-classic.nc"
}

grib_samples() {
missing=0
for f in $FILES; do [[ -s "$OUT/$f" ]] || missing=1; done
[[ $missing -eq 0 ]] && return 0

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
}

grib_samples
netcdf_samples
if [[ ! -s "$OUT/gfs.t12z.pgrbf120.2p5deg.grib2.bz2" ]]; then
  bzip2 -kc "$OUT/gfs.t12z.pgrbf120.2p5deg.grib2" > "$OUT/gfs.t12z.pgrbf120.2p5deg.grib2.bz2"
fi
