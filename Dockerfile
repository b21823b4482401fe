# Vigil's container image: `docker build -t vigil .` (see README.md, "Run with Docker").
#
# Production: point DATABASE_URL at a managed PostgreSQL (docker-compose.yml shows one
# beside Vigil). Without it Vigil starts an embedded PostgreSQL in VIGIL_DATA_DIR, which
# is the /data volume below, so the database never lands in the container layer.
#
# No Docker daemon runs where this project is built, so `npm run check:docker`
# (scripts/docker-check.ts, part of CI) parses this file and replays it on the host's
# Node 24: the RUN steps of both stages, the COPYs, the ENV, then the CMD, /healthz, the
# HEALTHCHECK and a SIGTERM. Keep instructions within what it understands (it says so).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a change to the sources does not re-install them.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Production dependencies only. The package's own `prepare` (svelte-kit sync) needs dev
# tools, so scripts are skipped at install and the dependencies' own install scripts
# (embedded PostgreSQL's binaries) run through `npm rebuild`, which skips the root's.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts && npm rebuild
# The SvelteKit bundle (migrations are bundled into it), the Node server that serves it
# (plain TypeScript run by Node 24) and the modules the server imports from src/lib.
COPY --from=build /app/build ./build
COPY --from=build /app/server ./server
COPY --from=build /app/src/lib ./src/lib

# Data: the embedded PostgreSQL (when DATABASE_URL is unset) and the generated
# encryption key (when VIGIL_ENCRYPTION_KEY is unset). Keep this volume even with
# DATABASE_URL unless VIGIL_ENCRYPTION_KEY is set: stored secrets need that key.
RUN mkdir -p /data && chown node:node /data
ENV VIGIL_DATA_DIR=/data \
    PORT=3000 \
    HOST=0.0.0.0
VOLUME ["/data"]
EXPOSE 3000

# The node image's unprivileged user; PostgreSQL refuses to run as root anyway.
USER node

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form (the node image's docker-entrypoint.sh execs it): node is PID 1 and gets
# SIGTERM itself; server/index.ts then closes the sockets, the job workers and the
# embedded database and exits 0 (at most 15 s, so give `docker stop -t 20` under
# load). `docker run --init` adds a zombie reaper.
STOPSIGNAL SIGTERM
CMD ["node", "server/index.ts"]
