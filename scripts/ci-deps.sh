#!/usr/bin/env bash
# Pre-fetch what the test suite needs beyond npm: the Apache Kafka jars for the bundled broker, and
# pgJDBC (the PostgreSQL JDBC driver) that test/server/pgwire-jdbc.test.ts runs as a real client.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/kafka.sh fetch

pgjdbc_version=42.7.4
pgjdbc_dir=.cache/pgjdbc
if [ ! -f "$pgjdbc_dir/postgresql-$pgjdbc_version.jar" ]; then
  command -v mvn >/dev/null || { echo "ci-deps.sh: 'mvn' is required to fetch pgJDBC" >&2; exit 3; }
  echo "ci-deps.sh: fetching org.postgresql:postgresql:$pgjdbc_version from Maven Central" >&2
  mvn -q -B dependency:copy -Dartifact="org.postgresql:postgresql:$pgjdbc_version" -DoutputDirectory="$pgjdbc_dir" >&2
fi
