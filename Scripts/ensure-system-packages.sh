#!/usr/bin/env bash
# Installs the Debian packages Sluice builds against (libcurl headers for the Kubernetes client,
# zlib headers for the proxy's response compression, apr-util and libcrypt for basic authentication) when they are missing. Sourced by the demo and test scripts; prints the exact command when it
# cannot install by itself.
set -euo pipefail

missing=()
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || missing+=(libcurl4-openssl-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# Basic authentication checks htpasswd hashes with apr-util and libcrypt; its tests make the
# files with Apache's own htpasswd.
dpkg -s libaprutil1-dev >/dev/null 2>&1 || missing+=(libaprutil1-dev)
dpkg -s libcrypt-dev >/dev/null 2>&1 || missing+=(libcrypt-dev)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# The tests drive the proxy with the real curl (TLS, streaming).
command -v curl >/dev/null 2>&1 || missing+=(curl)
# `promtool check metrics` lints a live /metrics scrape in the proxy's tests.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
for extra in "$@"; do
    dpkg -s "$extra" >/dev/null 2>&1 || missing+=("$extra")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "error: need root to install ${missing[*]}; run: apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || {
    echo "error: no Swift toolchain on PATH; install Swift 6 from swift.org (https://www.swift.org/install/linux/)" >&2
    exit 1
}
