#!/usr/bin/env bash
# Installs what building and testing opsboard needs, from the package registries
# only (crates.io, npm, Debian). Idempotent: each step checks first, so a second
# run takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"
# cargo install compiles tools in release mode; without LTO it takes half the time.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

# 1. The Rust toolchain pinned in rust-toolchain.toml, with the wasm target.
#    (RUSTUP_AUTO_INSTALL=0 on these machines: install explicitly. A toolchain
#    that is already installed does not pick the target up from the file.)
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  say "installing Rust $toolchain"
  rustup toolchain install
fi
if ! rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown --toolchain "$toolchain"
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed --toolchain "$toolchain" | grep -q "^$component"; then
    rustup component add "$component" --toolchain "$toolchain"
  fi
done

# 2. cargo-leptos, the build tool for the server + wasm pair.
leptos_version=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$leptos_version"; then
  say "installing cargo-leptos $leptos_version (about 12 minutes)"
  cargo install cargo-leptos --version "$leptos_version" --locked
fi

# 3. The wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in
#    Cargo.lock (cargo-leptos would otherwise try to download it).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen_version\$"; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: one crate locked by that release is not on the registry.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# 4. Chromium for the browser tests, from Debian.
if ! command -v chromium >/dev/null 2>&1; then
  say "installing Chromium"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

# 5. Playwright and binaryen (wasm-opt) from npm, as locked in end2end/.
if [ ! -f end2end/node_modules/.package-lock.json ] ||
   [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

say "ready"
