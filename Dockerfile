# syntax=docker/dockerfile:1
# Build: docker build -t paht .
# Run (SQLite in a volume): docker run -p 8080:8080 -v paht-data:/data -e PAHT_JWT_SECRET=... paht
# Run on PostgreSQL: add -e DATABASE_URL=postgres://user:pass@host:5432/paht

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY assets ./assets
# Cargo reads every target the manifest declares, tests and benchmarks included.
COPY tests ./tests
COPY benches ./benches
RUN cargo build --release --locked && strip target/release/paht

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin paht \
 && mkdir -p /data && chown paht /data
COPY --from=build /src/target/release/paht /usr/local/bin/paht
USER paht
WORKDIR /data
ENV PAHT_BIND=0.0.0.0:8080 \
    PAHT_DATA_DIR=/data \
    PAHT_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/paht"]
CMD ["serve"]
