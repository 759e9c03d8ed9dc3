# The relay as a container: one process per node; rooms in Redis when TANDEM_RELAY_REDIS is set.
# Build from the repository root: docker build -f deploy/relay.Dockerfile -t tandem-relay .
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/build.mjs --production

FROM node:20-bookworm-slim
ENV NODE_ENV=production TANDEM_RELAY_HOST=0.0.0.0 TANDEM_RELAY_PORT=8787
WORKDIR /app
# relay.js is a self-contained bundle (ws, yjs, ioredis inside); webview/ is the browser viewer it serves
COPY --from=build /src/dist/relay.js /app/relay.js
COPY --from=build /src/dist/webview /app/webview
ENV TANDEM_RELAY_STATIC_DIR=/app/webview
USER node
EXPOSE 8787
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8787/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "/app/relay.js"]
