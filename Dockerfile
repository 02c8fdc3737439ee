# swarmscope's collector and API (`swarmscope collect`, `swarmscope serve`; DESIGN.md §3), run with
# tsx exactly as in development and CI: no build step, the same TypeScript the tests exercise.
# docker-compose.yml builds it once and runs it twice, with different commands.

FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
# better-sqlite3 is built from source by node-gyp when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# The methods record names the commit a figure came from (core/software-identity.ts): the image has no .git.
ARG SWARMSCOPE_COMMIT=unknown
ENV NODE_ENV=production \
    SWARMSCOPE_COMMIT=${SWARMSCOPE_COMMIT} \
    SWARMSCOPE_HOST=0.0.0.0 \
    SWARMSCOPE_DATA_DIR=/data
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY . .
# Local state (the watchlist and alerting database beside InfluxDB, the spool) lives on a volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["node", "--import", "tsx", "cli/main.ts"]
CMD ["serve"]
