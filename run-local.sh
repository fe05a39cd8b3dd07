#!/usr/bin/env bash
# One command for the whole pipeline on this machine, no Docker: builds what it needs (tests skipped)
# and starts a real Kafka broker, a real Postgres, the persister and the ingest-api in one process,
# with the demo chat app at http://localhost:8080/ when Node.js is installed to build it.
#   ./run-local.sh            keeps the data of the previous run (under .local-stack/)
#   ./run-local.sh --fresh    starts from an empty database
# PORT (default 8080), PERSISTER_PORT, LOCAL_POSTGRES_PORT, CHATSYNC_DATA_DIR, CHATSYNC_DEMO_DIR, EVENTS_PARTITIONS override.
set -euo pipefail
cd "$(dirname "$0")"
echo "chat-sync: building the local stack (first run downloads dependencies)..."
./mvnw -B -q -pl local-stack -am package -DskipTests
if command -v npm >/dev/null 2>&1; then
  echo "chat-sync: building the demo chat app (clients/web)..."
  (cd clients/web && node scripts/install.mjs >/dev/null && npm run -s build:demo >/dev/null) \
    || echo "chat-sync: the demo did not build; the API runs without it"
else
  echo "chat-sync: npm not found, so the demo chat app is not built; the API runs without it"
fi
exec java -jar local-stack/target/local-stack-*-exec.jar "$@"
