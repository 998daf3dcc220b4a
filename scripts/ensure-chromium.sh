#!/usr/bin/env bash
# The browser journeys need Debian's chromium, and a CJK font so that screenshots of the zh-CN pages show
# text rather than boxes; install them when missing (root, Debian packages).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} for the browser tests" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "chromium is not installed; install Debian's 'chromium' package" >&2
  exit 1
fi
