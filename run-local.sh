#!/usr/bin/env bash
# One command for the whole pipeline on this machine, no Docker: builds what it needs (tests skipped)
# and starts a real Kafka broker, a real Postgres, the persister and the ingest-api in one process.
#   ./run-local.sh            keeps the data of the previous run (under .local-stack/)
#   ./run-local.sh --fresh    starts from an empty database
# PORT (default 8080), PERSISTER_PORT, LOCAL_POSTGRES_PORT, CHATSYNC_DATA_DIR, EVENTS_PARTITIONS override.
set -euo pipefail
cd "$(dirname "$0")"
echo "chat-sync: building the local stack (first run downloads dependencies)..."
./mvnw -B -q -pl local-stack -am package -DskipTests
exec java -jar local-stack/target/local-stack-*-exec.jar "$@"
