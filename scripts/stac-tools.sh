#!/usr/bin/env bash
# Installs the Python tools the STAC tests run against the real server —
# stac-api-validator, pystac-client and stac-pydantic, pinned — into
# .stac-tools/ (a virtual environment), from PyPI only. Checks first: a
# second run takes a moment. The schemas they fetch come from the offline
# mirror in ../shared/stac-offline (see its README), never the internet.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.stac-tools
PINNED="stac-api-validator==0.6.8 pystac-client==0.9.1 stac-pydantic==3.7.1"
STAMP="$VENV/installed"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$PINNED" ]]; then
  exit 0
fi
echo "stac-tools: installing $PINNED into $VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check $PINNED
echo "$PINNED" > "$STAMP"
