#!/usr/bin/env bash
# Install Debian packages the project needs when they are missing (root only;
# otherwise say what to install). Usage: ensure-system-packages.sh PKG...
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "需要系统软件包：${missing[*]}（请以 root 运行 apt-get install ${missing[*]}）" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
