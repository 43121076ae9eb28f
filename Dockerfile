# Addendum, headless: the proxy and its dashboard, without Electron.
#
#   docker build -t addendum .
#   docker run -d --name addendum -p 127.0.0.1:8000:8000 -p 127.0.0.1:8001:8001 \
#     --env-file addendum.env -v addendum-data:/data addendum
#
# Behind a TLS-inspecting network, give npm the network's CA bundle as a build secret
# (never stored in a layer):  --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt

# ---- builder: full install, compile better-sqlite3, build, then drop dev dependencies ----
FROM node:20-slim AS builder

# node-gyp's toolchain for better-sqlite3; this stage only, the runtime has no compiler.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Electron is a dev dependency for the desktop shell: its package (types) is needed to
# type-check main/, its binary never is. better-sqlite3 compiles from source instead of
# fetching a prebuilt binary from GitHub (prebuild-install reads the variable), on every core.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    npm_config_build_from_source=true \
    JOBS=max \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false

COPY package.json package-lock.json ./
# The npm cache survives between builds on one machine; the CA secret is never in a layer.
RUN --mount=type=secret,id=ca --mount=type=cache,target=/root/.npm \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci

COPY tsconfig.json tsconfig.build.json vite.config.ts ./
COPY proxy proxy
COPY main main
COPY bench bench
COPY renderer renderer
# After the build, dev dependencies go, and so do better-sqlite3's compiler leftovers
# (sources and object files): loading it needs only build/Release/better_sqlite3.node.
RUN npm run build \
 && npm prune --omit=dev \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target build/Release/.deps \
           build/Release/sqlite3.a build/Release/test_extension.node

# ---- runtime: production dependencies, dist/proxy and dist/renderer, nothing else ----
FROM node:20-slim

ENV NODE_ENV=production \
    ADDENDUM_HOST=0.0.0.0 \
    ADDENDUM_PORT=8000 \
    ADDENDUM_DASHBOARD_HOST=0.0.0.0 \
    ADDENDUM_DASHBOARD_PORT=8001 \
    ADDENDUM_DATA_DIR=/data

WORKDIR /app
# Owned by root and read-only to the server: a compromised process cannot rewrite its code.
COPY --from=builder /src/package.json ./package.json
COPY --from=builder /src/node_modules ./node_modules
COPY --from=builder /src/dist/proxy ./dist/proxy
COPY --from=builder /src/dist/renderer ./dist/renderer
COPY scripts/container/healthcheck.mjs ./healthcheck.mjs

# The only writable place: history database and settings, on a volume.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node

EXPOSE 8000 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
# Node is PID 1 and installs its own SIGTERM/SIGINT handlers (a PID 1 without handlers
# would ignore SIGTERM): in-flight requests finish, the history is closed, exit code 0.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=2", "dist/proxy/cli/main.js"]
