#!/usr/bin/env bash
# Create .venv and install the pinned dependencies (requirements/*.txt, hash-checked).
# Usage: scripts/bootstrap.sh base|dev
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-base}
PYTHON=${PYTHON:-python3}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if ! "$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  if command -v python3.11 >/dev/null; then PYTHON=python3.11; else
    echo "Gaoxin needs Python 3.11 (Debian 12's python3). 需要 Python 3.11。" >&2; exit 1
  fi
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    echo "python3-venv is missing; installing it with apt-get. 正在安装 python3-venv……" >&2
    rm -rf .venv
    as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv >/dev/null \
      || { echo "Could not install python3-venv: run 'apt-get install python3-venv' as root. 无法安装 python3-venv。" >&2; exit 1; }
    "$PYTHON" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements/build.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r "requirements/$kind.txt"
# fairdraw's C loops (gaoxin/fairdraw/_speedups.c) need a C compiler, Python's headers and
# OpenSSL's; without them the install goes on and fairdraw runs its pure-Python code, slower.
include=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
build=()
command -v cc >/dev/null || build+=(gcc)
[ -f /usr/include/openssl/sha.h ] || build+=(libssl-dev)
[ -f "$include/Python.h" ] || build+=(python3-dev)
if [ ${#build[@]} -gt 0 ]; then
  echo "Installing ${build[*]} for fairdraw's C loops. 正在安装 ${build[*]}……" >&2
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${build[@]}" >/dev/null; } \
    || echo "Could not install ${build[*]}: fairdraw will run without its C loops. 无法安装，fairdraw 将以纯 Python 运行（较慢）。" >&2
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
