# One image for both roles of docker-compose.yml: `npm run worker:prod` (the default command) and
# `npm start` (the web server), both compiled JavaScript run by node.
#
# Debian (glibc), not Alpine: Temporal's native core-bridge and sharp ship prebuilt binaries for
# glibc only; ffmpeg and ffprobe for the analysis come as static linux binaries through npm.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, as package-lock.json pins them ----------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# TypeScript to dist/, the workflow bundle to dist/workflow-bundle.js (so the worker runs no
# webpack when it starts), and the review page to src/ui/dist.
RUN npm run build

# ---- runtime: production dependencies and the build's output only ----------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

# npm runs scripts through this shell. bash execs a script's single command, so node replaces
# the shell and the SIGTERM npm forwards on `docker stop` reaches the worker, which then drains
# its running activities. Debian's dash would keep a shell in between that dies on the signal
# and leaves node running until the container is killed.
ENV NPM_CONFIG_SCRIPT_SHELL=/bin/bash
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
ENV NODE_ENV=production
# Inside a container every interface is private to it; the port mappings decide what is exposed.
ENV HOST=0.0.0.0
ENV DATA_DIR=/data

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The review page's static bundle, served by the web server from src/ui/dist.
COPY --from=build /app/src/ui/dist ./src/ui/dist

# A named volume mounted on /data starts out with this directory's owner: the app's user.
RUN mkdir -p /data && chown node:node /data
USER node

# 3000: the web server (PORT). 9464: the worker's Prometheus endpoint (METRICS_PORT).
EXPOSE 3000 9464
CMD ["npm", "run", "--silent", "worker:prod"]
