# syntax=docker/dockerfile:1
# Haven API image. Two stages on the same Node 20 / Debian bookworm base:
#   build   - installs every dependency (compiling better-sqlite3 if no prebuilt binary fits), builds, prunes dev deps
#   runtime - the pruned node_modules and dist only; no compiler, runs as the unprivileged `node` user
# Node must be >= 20.19 (package.json engines): Nest 12 is ESM-only and the CommonJS build loads it via require(esm).

FROM node:20-bookworm AS build
# better-sqlite3 falls back to node-gyp when no prebuilt binary matches; these are what node-gyp needs
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# a transitive dependency (@scarf/scarf) phones home from its install script unless told not to
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci
COPY nest-cli.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
# `npm prune` keeps the native addons built above, so the runtime stage needs no build tools
RUN npm run build && npm prune --omit=dev

# same Node major and Debian release as the build stage, so the compiled addon (ABI, glibc) matches
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    SQLITE_PATH=/app/data/haven.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# only the SQLite default writes to disk; with EVENT_STORE=postgres nothing is written here
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# /health answers 200 when the event store answers and this node follows the log (503 otherwise); no curl in -slim
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/haven-api.js"]
