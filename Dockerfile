# Multi-stage build: compile on Debian 12, run on a slim Debian 12 with only runtime libs.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config ca-certificates tzdata \
      libcpp-httplib-dev nlohmann-json3-dev libcurl4-openssl-dev libsqlitecpp-dev \
      libsqlite3-dev libspdlog-dev catch2 libkainjow-mustache-dev libssl-dev \
      libhowardhinnant-date-dev libpq-dev libhttp-parser-dev libsimdjson-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DREVIEWBOT_BUILD_TESTS=OFF \
    && cmake --build build -j"$(nproc)" --target reviewbot

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates tzdata libcurl4 libsqlite3-0 libspdlog1.10 libfmt9 libssl3 \
      libcpp-httplib0.11 libdate-tz3 libbrotli1 zlib1g libpq5 libhttp-parser2.9 libsimdjson14 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app reviewbot
WORKDIR /app
COPY --from=build /src/build/reviewbot /usr/local/bin/reviewbot
COPY templates /app/templates
USER reviewbot
# The SQLite default suits `docker run` on one host (mount /app/data). On Heroku the
# heroku-postgresql add-on's DATABASE_URL config var is set in the dyno's environment and
# takes precedence over this ENV, so the service runs on PostgreSQL there.
ENV TEMPLATES_DIR=/app/templates DATABASE_URL=sqlite:///app/data/reviewbot.db
RUN mkdir -p /app/data
VOLUME /app/data
EXPOSE 8080
CMD ["reviewbot"]
