# syntax=docker/dockerfile:1
# Kairos service image. Two stages: the build stage compiles better-sqlite3 (a native addon) and installs
# the production dependencies; the runtime stage is the slim image with no compiler, running as `node`.
#
# The runtime runs the TypeScript sources directly with tsx (a production dependency, the same as
# `npm start`): the compiled dist/ would also need the drizzle migrations and the Piscina worker paths
# rewritten, for no gain in decision latency (tsx compiles each module once at start).
#
#   docker build -t kairos .
#   KEY=$(docker run --rm kairos node --import tsx scripts/keys.ts generate)   # keep it in your secret store
#   docker run -p 3000:3000 -v kairos-data:/data -e KAIROS_BOOTSTRAP_OPS_KEY="$KEY" kairos
#   curl -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
#        -d '{"name":"web","role":"app"}' http://127.0.0.1:3000/v1/keys               # a key for the web app
#
# The image listens on 0.0.0.0, so API keys are mandatory: without KAIROS_BOOTSTRAP_OPS_KEY (or a key already in
# /data, e.g. `docker exec <container> node --import tsx scripts/keys.ts create --role ops --name admin`) the
# container refuses to start with exit code 78 and says what to do. KAIROS_AUTH=off runs it without keys, on purpose.

# Runtime: the newest Node 24. Build: better-sqlite3 12 compiled against Node >= 24.19 headers aborts the process
# when the GC finalises a Statement outside a JS context ("Assertion failed: (env) != nullptr" in
# RemoveEnvironmentCleanupHook; nodejs/node#65446: 24.19 made the header-only node::ObjectWrap register cleanup
# hooks). The ABI is the same for every 24.x, so the addon is compiled on 24.18.1 and runs on the newest 24.
# .ci/run tests exactly this combination.
ARG NODE_VERSION=24
ARG NODE_BUILD_VERSION=24.18.1

# ---- build: dependencies, with the native addon compiled against 24.18.1's headers -------------------
FROM node:${NODE_BUILD_VERSION}-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Build native addons against the image's own headers rather than downloading them; refuse headers whose
# ObjectWrap registers cleanup hooks (see above).
ENV npm_config_nodedir=/usr/local
RUN test -f /usr/local/include/node/node_object_wrap.h \
 && ! grep -q AddCleanupHook /usr/local/include/node/node_object_wrap.h
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
# Drop the dev dependencies (tsx stays: it is a runtime dependency).
RUN npm prune --omit=dev \
 && npm cache clean --force

# ---- runtime -------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    KAIROS_DATA_DIR=/data
WORKDIR /app
# The code stays owned by root (read-only for the service); only /data is the service's to write.
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# slim has no curl: ask Node's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1 (not npm) so SIGTERM reaches the graceful shutdown in src/main.ts.
CMD ["node", "--import", "tsx", "src/main.ts"]
