#!/usr/bin/env bash
# System packages the test suite uses: Debian's Chromium (Playwright drives it), gettext, and
# Tesseract OCR with its Simplified Chinese data (a test reads the rendered PDF announcement).
# PostgreSQL's server binaries are expected from the OS (Debian's postgresql-15); the test run
# starts its own throwaway cluster. Nothing here is fatal: the tests that need a missing
# package are skipped with a message saying so (unless CI requires them).
set -uo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
tesseract --list-langs 2>/dev/null | grep -qx chi_sim || need+=(tesseract-ocr-chi-sim)
if ! command -v pg_config >/dev/null || [ ! -x "$(pg_config --bindir 2>/dev/null)/initdb" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
echo "Installing system packages: ${need[*]} (安装系统软件包)" >&2
if as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
  exit 0
fi
echo "Could not install ${need[*]}; the tests that need them will be skipped. 无法安装 ${need[*]}，相关测试将跳过。" >&2
exit 0
