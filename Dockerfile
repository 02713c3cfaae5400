# Multi-stage build. The SQL is checked at compile time against the committed `.sqlx/` data,
# so the build needs no database.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
ENV SQLX_OFFLINE=true
RUN cargo build --release --locked --bin lrs

# The runtime image carries the PostgreSQL server binaries so the embedded default works in
# the container: with no DATABASE_URL, the LRS runs its own cluster in /var/lib/lrs/data.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/lrs --create-home --shell /usr/sbin/nologin lrs
COPY --from=build /src/target/release/lrs /usr/local/bin/lrs
USER lrs
WORKDIR /var/lib/lrs
ENV LRS_BIND=0.0.0.0:8080 \
    LRS_DATA_DIR=/var/lib/lrs/data \
    LRS_LOG_FORMAT=json
VOLUME ["/var/lib/lrs/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/ready || exit 1
ENTRYPOINT ["lrs"]
CMD ["serve"]
