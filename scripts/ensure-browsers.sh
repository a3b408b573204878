#!/usr/bin/env bash
# Makes sure the Debian browsers the runtime matrix and the demo e2e drive are installed (idempotent, quiet).
# Runs as the first step of `npm test`; installs with apt-get when missing (as root, or through sudo).
set -euo pipefail
packages=(chromium firefox-esr webkit2gtk-driver xvfb xauth)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
if [ ${#missing[@]} -eq 0 ]; then
  echo "browsers: installed (chromium, firefox-esr, webkit2gtk-driver, xvfb)"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "browsers: missing ${missing[*]}: run as root: apt-get update && apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi
echo "browsers: installing ${missing[*]} with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "browsers: installed"
