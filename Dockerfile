# OpsGrade GitHub App image: Node 24 slim, production dependencies only, non-root, health-checked.
# Build: docker build -t opsgrade-app .   Run: see docs/app.md ("On a server").

# Stage 1: install production dependencies. tree-sitter's native addon is built here when no
# prebuilt binary fits, so the compiler toolchain never reaches the final image.
FROM node:24-slim AS dependencies
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the runtime. Node 24 runs the TypeScript sources directly (type stripping).
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json app.yml ./
COPY schema ./schema
COPY rules ./rules
COPY src ./src
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 (not npm), so SIGTERM from `docker stop` reaches the app, which drains
# running reviews and concludes the rest before exiting.
STOPSIGNAL SIGTERM
CMD ["node", "node_modules/probot/bin/probot.js", "run", "./src/app/index.ts"]
