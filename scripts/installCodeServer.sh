#!/usr/bin/env bash
# Installs code-server (VS Code's server build with its web workbench; the extension host is the
# real Node extension host) for the workbench tests and `npm start`, on a machine that reaches only
# the npm registry and Debian apt. See ../shared/REAL-VSCODE.md (outside the
# repository) for why each step is needed.
#
# It installs into a cache outside node_modules, so `npm ci` keeps it:
#   ${AO_CODE_SERVER_HOME:-<repo>/.cache/code-server}/<version>/node_modules/code-server
# A finished install is marked by `.installed`; a second run only checks the apt packages and exits.
# Runs of one cache folder take turns (flock on <home>/.install.lock).
#
# Usage: scripts/installCodeServer.sh [--no-browser] [--print-entry]
#   --no-browser   do not install Debian chromium (the workbench tests need it; `npm start` does not)
#   --print-entry  print the path of code-server's entry.js on stdout when done (logs go to stderr)
set -euo pipefail

readonly VERSION=4.99.4
readonly APT_BUILD_PACKAGES=(ripgrep libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev pkg-config)

with_browser=1
print_entry=0
for arg in "$@"; do
  case "$arg" in
    --no-browser) with_browser=0 ;;
    --print-entry) print_entry=1 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "installCodeServer: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${AO_CODE_SERVER_HOME:-$repo/.cache/code-server}"
dir="$home/$VERSION"
cs="$dir/node_modules/code-server"
marker="$dir/.installed"
started=$SECONDS

log() { echo "installCodeServer: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs one step and reports how long it took, so slow steps show up in CI logs.
step() {
  local name="$1"; shift
  local t0=$SECONDS
  log "$name ..."
  "$@" >&2
  log "$name done in $((SECONDS - t0)) s"
}

ensure_apt_packages() {
  local wanted=("${APT_BUILD_PACKAGES[@]}")
  if [[ $with_browser == 1 ]]; then wanted+=(chromium); fi
  local missing=()
  local pkg
  for pkg in "${wanted[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then missing+=("$pkg"); fi
  done
  if [[ ${#missing[@]} == 0 ]]; then return 0; fi
  if ! command -v apt-get >/dev/null; then
    log "no apt-get here: install these yourself if the build below fails: ${missing[*]}"
    return 0
  fi
  if [[ "$(id -u)" != 0 ]]; then
    log "not root, so not installing apt packages: ${missing[*]}"
    log "run as root, or: sudo apt-get install -y ${missing[*]}"
    return 0
  fi
  step "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
    || { step "apt-get update" apt-get update -q && step "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; }
}

# node-gyp downloads Node's headers unless told where they are; use the local ones when present.
use_local_node_headers() {
  if [[ -n "${npm_config_nodedir:-}" ]]; then return 0; fi
  local prefix
  prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [[ -f "$prefix/include/node/node.h" ]]; then export npm_config_nodedir="$prefix"; fi
}

install_code_server() {
  [[ "$NODE_MAJOR" == 20 ]] || die "code-server $VERSION needs Node 20; this is Node $(node -v)"
  command -v rg >/dev/null || die "ripgrep (rg) is missing: apt-get install -y ripgrep"

  # A half-finished install (no marker) is thrown away rather than patched.
  rm -rf "$dir"
  mkdir -p "$dir"
  # Its own package.json keeps npm from walking up to the repository's.
  printf '{ "name": "code-server-cache", "private": true }\n' >"$dir/package.json"

  # As REAL-VSCODE.md found: code-server refuses root without unsafe_perm; node-pty's `npx node-gyp` is cancelled without yes.
  export npm_config_unsafe_perm=true npm_config_yes=true
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_loglevel=warn
  use_local_node_headers

  cd "$dir"
  step "npm install code-server@$VERSION (no scripts)" npm install --ignore-scripts --no-package-lock "code-server@$VERSION"
  step "npm rebuild argon2" npm rebuild argon2

  cd "$cs/lib/vscode"
  step "VS Code dependencies (no scripts)" npm install --omit=dev --ignore-scripts
  # @vscode/ripgrep's postinstall downloads from GitHub unless bin/ already exists.
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  step "npm rebuild (native modules)" npm rebuild
  # What code-server's postinstall.sh does after its npm install.
  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh

  cd extensions
  step "built-in extension dependencies" npm install --omit=dev

  node -e 'require(process.argv[1])' "$cs/lib/vscode/node_modules/node-pty" 2>/dev/null || die "node-pty did not build"
  printf 'code-server %s\nnode %s\n' "$VERSION" "$(node -v)" >"$marker"
}

# Native modules are built for one Node ABI: another Node major means a fresh install.
installed_for_this_node() {
  [[ -f "$marker" && -f "$cs/out/node/entry.js" ]] && grep -q "^node v${NODE_MAJOR}\." "$marker"
}

NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
# One run at a time per cache folder: a second run (the workbench setup while .ci/run's early
# install is still going) waits for the first, then finds code-server installed.
mkdir -p "$home"
exec 9>"$home/.install.lock"
if command -v flock >/dev/null && ! flock -n 9; then
  log "another installCodeServer.sh is running for $home; waiting for it"
  flock 9
fi
ensure_apt_packages
if installed_for_this_node; then
  log "code-server $VERSION already installed in $cs"
else
  log "installing code-server $VERSION into $cs (takes a few minutes)"
  install_code_server
  log "code-server $VERSION installed in $((SECONDS - started)) s: $cs"
fi
if [[ $print_entry == 1 ]]; then echo "$cs/out/node/entry.js"; fi
