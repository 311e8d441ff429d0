#!/usr/bin/env bash
# Set up a development checkout on a fresh Debian/Ubuntu machine: the command-line peers and shells the
# tests run against (installed with apt-get when run as root or with sudo), then .venv with relu-cli
# installed editable with its dev extra.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(bash bash-completion mawk gawk miller zsh fish parallel time jq man-db groff-base)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" = none ] || ! command -v apt-get >/dev/null; then
        echo "setup-dev: please install: ${missing[*]}" >&2
    else
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
