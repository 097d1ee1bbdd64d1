# One image for both roles of docker-compose.yml: `npm run worker` (the default command) and
# `npm run web`.
#
# Debian (glibc), not Alpine: Temporal's native core-bridge and sharp ship prebuilt binaries for
# glibc only; ffmpeg and ffprobe for the analysis come as static linux binaries through npm.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- dependencies: exactly what package-lock.json pins ----------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies stay: the app runs through ts-node (with swc) as in development, the worker
# bundles the workflow code with webpack and swc when it starts, and vite builds the review page.
RUN npm ci --no-audit --no-fund && npm cache clean --force

# ---- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

# npm runs scripts through this shell. bash execs a script's single command, so node replaces
# the shell and the SIGTERM npm forwards on `docker stop` reaches the worker, which then drains
# its running activities. Debian's dash would keep a shell in between that dies on the signal
# and leaves node running until the container is killed.
ENV NPM_CONFIG_SCRIPT_SHELL=/bin/bash
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
# Inside a container every interface is private to it; the port mappings decide what is exposed.
ENV HOST=0.0.0.0
ENV DATA_DIR=/data

COPY --from=deps /app/node_modules ./node_modules
COPY . .

# The review page's static bundle, served by the web server from src/ui/dist.
RUN node node_modules/vite/bin/vite.js build --config src/ui/vite.config.mjs

# A named volume mounted on /data starts out with this directory's owner: the app's user.
RUN mkdir -p /data && chown node:node /data
USER node

# 3000: the web server (PORT). 9464: the worker's Prometheus endpoint (METRICS_PORT).
EXPOSE 3000 9464
CMD ["npm", "run", "--silent", "worker"]
