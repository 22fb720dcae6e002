#!/usr/bin/env bash
# Installs the Python tools the STAC and WMS tests run against the real
# server — stac-api-validator, pystac-client and stac-pydantic; OWSLib and
# xmlschema (OGC's WMS schemas) — pinned, into
# .stac-tools/ (a virtual environment), from PyPI only. Checks first: a
# second run takes a moment. The schemas they validate against are the
# repository's own copies (server/tests/stac-schemas), never the internet.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.stac-tools
PINNED="stac-api-validator==0.6.8 pystac-client==0.9.1 stac-pydantic==3.7.1 OWSLib==0.35.0 xmlschema==4.3.2"
# `scripts/stac-tools.sh bench` adds rustac (a 33 MB wheel), which the
# search benchmark serves the same items with, for comparison.
if [[ "${1:-}" == "bench" ]]; then
  PINNED="$PINNED rustac==0.9.18"
fi
STAMP="$VENV/installed"

missing=()
for package in $PINNED; do
  grep -qxF "$package" "$STAMP" 2>/dev/null || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
echo "stac-tools: installing ${missing[*]} into $VENV"
[[ -x "$VENV/bin/pip" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${missing[@]}"
printf '%s\n' "${missing[@]}" >> "$STAMP"
