# Net-Pulse, headless: the dashboard and JSON API over HTTP on port 8080.
#
#   docker build -t netpulse .
#   docker buildx build --platform linux/amd64,linux/arm64,linux/arm/v7 -t netpulse .
#
# Run it with host networking, or it measures only its own container (see
# docs/docker.md). The build stages run on the build machine and cross-compile,
# so other platforms need no emulation. The legacy builder sets no
# BUILDPLATFORM; "linux" then means the daemon's own platform.

ARG GO_VERSION=1.26
ARG NODE_VERSION=20

FROM --platform=${BUILDPLATFORM:-linux} node:${NODE_VERSION}-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM --platform=${BUILDPLATFORM:-linux} golang:${GO_VERSION}-bookworm AS build
# The patched toolchain the Makefile uses too (see RELIABILITY.md, govulncheck);
# the go command fetches it from the module proxy.
ENV GOTOOLCHAIN=go1.27.3
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
ARG TARGETOS TARGETARCH TARGETVARIANT
ARG VERSION=dev
# mk/docker.mk is shared with the CI test that runs this same root
RUN make -f mk/docker.mk rootfs ROOTFS=/rootfs VERSION="$VERSION" \
        TARGETOS="$TARGETOS" TARGETARCH="$TARGETARCH" TARGETVARIANT="$TARGETVARIANT"

FROM scratch
ARG VERSION=dev
ARG REVISION=
LABEL org.opencontainers.image.title="Net-Pulse" \
      org.opencontainers.image.description="Self-hosted network traffic monitor: per-interface history and live throughput in a web dashboard" \
      org.opencontainers.image.source="https://github.com/netpulse/netpulse" \
      org.opencontainers.image.documentation="https://github.com/netpulse/netpulse/blob/main/docs/docker.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /rootfs /
ENV NETPULSE_LISTEN=0.0.0.0:8080 \
    NETPULSE_DATA_DIR=/data
USER 65532:65532
# SQLite falls back to the working directory for temporary files when /tmp
# is not writable (read-only root without a tmpfs)
WORKDIR /data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/netpulse", "--healthcheck"]
ENTRYPOINT ["/usr/local/bin/netpulse"]
CMD ["--headless"]
