# syntax=docker/dockerfile:1
# The one resumax image: every Deployment in k8s/ runs it with `serve --services <name>`, the
# migration Job with `migrate`. Build from the repository root:
#   docker build -t resumax:dev .
# Builder and runtime share a Debian release (bookworm), so the glibc the binary links against is
# the one it runs on.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# The whole workspace: every member crate must be present for cargo to resolve it, and
# libs/proto's build script compiles proto/ with protox (pure Rust, no protoc needed).
COPY . .
# Cached registry and target directories keep rebuilds incremental; the binary is copied out of
# the cache mount in the same step because the mount is gone afterwards.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin resumax \
    && install -D -m 0755 target/release/resumax /out/resumax

# distroless/cc: glibc, libgcc and CA certificates, no shell, no package manager; uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/resumax /usr/local/bin/resumax
USER 65532:65532
WORKDIR /home/nonroot
ENV RESUMAX_HTTP_ADDR=0.0.0.0:8080 \
    RESUMAX_GRPC_ADDR=0.0.0.0:50051
EXPOSE 8080 50051
# Kubernetes probes the gRPC health service and /readyz (k8s/base); distroless has no shell or
# curl for a Docker HEALTHCHECK to run.
# checkov:skip=CKV_DOCKER_2:health is probed by Kubernetes (grpc.health.v1 and /readyz), and the distroless image has no client to run a HEALTHCHECK
ENTRYPOINT ["resumax"]
CMD ["serve"]
