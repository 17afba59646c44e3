#!/usr/bin/env bash
# Installs, from Debian's packages, the real peers the tests run against (tshark, softflowd,
# nfdump, pmacct, prometheus, victoria-metrics, ...), when they are missing. Idempotent; needs
# root (CI and the dev machines are).
# `install-peers.sh bench` also installs what the benchmarks run beside flowlens (ClickHouse).
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

# command -> Debian package
declare -A peers=(
  [tshark]=tshark
  [softflowd]=softflowd
  [nfcapd]=nfdump
  [nfdump]=nfdump
  [nfreplay]=nfdump
  [pmacctd]=pmacct
  [sfacctd]=pmacct
  [tcpdump]=tcpdump
  [editcap]=wireshark-common
  [mergecap]=wireshark-common
  [psql]=postgresql-client
  [pgbench]=postgresql-15
  [openssl]=openssl
  [nc]=netcat-openbsd
  [curl]=curl
  [nft]=nftables
  [dnsmasq]=dnsmasq
  [dig]=bind9-dnsutils
  [traceroute]=traceroute
  [fping]=fping
  [ethtool]=ethtool
  [python3]=python3
  [make]=make # with python3 and g++: node-gyp builds the synthetic agent's addon (binding.gyp)
  [g++]=g++
  [sysctl]=procps
  [ip]=iproute2
  [udhcpc]=udhcpc
  [setcap]=libcap2-bin
  [prometheus]=prometheus
  [victoria-metrics]=victoria-metrics
  [prometheus-blackbox-exporter]=prometheus-blackbox-exporter
  [chromium]=chromium # the portal's end-to-end tests (issue 8) drive it through playwright-core
)
# file -> Debian package: captures other projects ship, read by the host agent's tests (issue 6)
declare -A files=(
  [/usr/share/gocode/src/github.com/gopacket/gopacket/pcap/test_dns.pcap]=golang-github-gopacket-gopacket-dev
  [/usr/share/doc/python3-dpkt/examples/data/http.pcap]=python3-dpkt
)
if [ "${1:-}" = bench ]; then
  peers[clickhouse-server]=clickhouse-server
  peers[nfcapd]=nfdump
  peers[nfpcapd]=nfdump # bench:agent runs it on the same capture
fi

missing=()
for cmd in "${!peers[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${peers[$cmd]}")
done
for file in "${!files[@]}"; do
  [ -e "$file" ] || missing+=("${files[$file]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-peers: installing ${pkgs[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: need root to apt-get install ${pkgs[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Packages like postgresql-15 (which carries pgbench) must not start their own services here.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
for cmd in "${!peers[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "install-peers: $cmd still missing (package ${peers[$cmd]})" >&2; exit 1; }
done
for file in "${!files[@]}"; do
  [ -e "$file" ] || { echo "install-peers: $file still missing (package ${files[$file]})" >&2; exit 1; }
done
