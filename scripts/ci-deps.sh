#!/usr/bin/env bash
# Pre-fetch what the test suite needs beyond npm: the Apache Kafka jars for the bundled broker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/kafka.sh fetch
