# Sluice container image.
#
#   docker build -t sluice:0.1.0 .
#
# Build stage: the official Swift image, pinned to the toolchain Sluice is developed and
# tested with, on Debian 12 (bookworm) like the runtime stage, so the libcurl and zlib the binary
# links against are the ones it finds at run time.
FROM swift:6.3.1-bookworm AS build

# Reason for the ignore: the base image is pinned by tag and Debian bookworm's package
# versions only move for security fixes, which we want.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev zlib1g-dev libjemalloc-dev libaprutil1-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Resolve dependencies in their own layer: it is reused while only sources change. The pinned
# versions (Package.resolved) are the ones CI tested.
COPY Package.swift Package.resolved ./
RUN swift package resolve

COPY Sources ./Sources
COPY Tests ./Tests
# The release flags live in one script, shared with the benchmark (bench/run.sh).
COPY Scripts/build-release.sh ./Scripts/
RUN BIN="$(Scripts/build-release.sh)" \
    && install -D -m 0755 "$BIN" /out/sluice \
    && install -D -m 0755 /usr/libexec/swift/linux/swift-backtrace-static /out/swift-backtrace-static

# Runtime stage: Debian slim plus what the binary loads: libcurl (the Kubernetes API
# client), zlib (response compression; also a dependency of libcurl), jemalloc (its allocator, see
# Scripts/build-release.sh), apr-util and libcrypt (basic authentication's password hashes) and
# CA certificates. The
# Swift runtime is linked in statically; libstdc++ and libc come with the base image.
FROM debian:bookworm-slim

# Reason for the ignore: as in the build stage, bookworm's versions move only for fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 zlib1g libjemalloc2 libaprutil1 libcrypt1 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 65532 sluice \
    && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin sluice

COPY --from=build /out/sluice /usr/local/bin/sluice
# Swift's crash reporter: a crash prints every thread's backtrace to the pod's log.
COPY --from=build /out/swift-backtrace-static /usr/local/libexec/swift-backtrace-static
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static

# Nothing is written outside /tmp, so the root filesystem can be mounted read-only.
USER 65532:65532
WORKDIR /
EXPOSE 8080 8443 10254
ENTRYPOINT ["sluice", "controller"]
