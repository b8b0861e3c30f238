# syntax=docker/dockerfile:1
# One image for every reposync process; the command picks it:
#   npm run api | npm run worker | npm run migrate
# The app runs TypeScript through tsx (a runtime dependency), so the sources ship as they are;
# only the Temporal workflow bundle is prebuilt, once, here.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lock lacks other platforms' optional packages (the registry we build against does not serve
# them), which `npm ci` refuses; `npm install` then installs the locked versions for this one.
RUN npm ci --omit=dev --no-audit --no-fund || npm install --omit=dev --no-audit --no-fund

# --- prebuilt workflow bundle (needs the dev dependencies) -----------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY migrations ./migrations
# Bundling at start-up costs seconds and memory on every worker; do it once at build time:
# https://docs.temporal.io/develop/typescript/core-application#prebuilt-workflow-bundles
RUN npm run build:workflows && test -s dist/workflow-bundle.js

# --- runtime --------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# git: the worker clones and pushes repositories; tini: PID 1 that forwards SIGTERM, so the
# worker drains its activities on `docker compose stop`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY src ./src
COPY scripts ./scripts
COPY migrations ./migrations
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
# The image's own `node` user (uid 1000); sources stay root-owned and read-only to it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "run", "api"]
