#!/usr/bin/env bash
# The bundled single-node Kafka broker for tests and local use (KRaft, broker+controller in one JVM).
#   scripts/kafka.sh fetch            download Apache Kafka jars from Maven Central into the cache
#   scripts/kafka.sh start [PORT [CONTROLLER_PORT]]
#                                     format storage if needed, start on 127.0.0.1:PORT (default 9092;
#                                     the controller on PORT+1), wait until it answers
#   scripts/kafka.sh stop             stop the broker started by `start`
# Environment: EDDY_KAFKA_CACHE (jar cache, default .cache/kafka), EDDY_KAFKA_DIR (data + pid + log,
# default .cache/kafka-run), KAFKA_VERSION (default 3.9.1), EDDY_KAFKA_WATCH_PID (stop the broker
# when that process is gone: test runs that die never leave a broker behind).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${KAFKA_VERSION:-3.9.1}"
cache="${EDDY_KAFKA_CACHE:-$root/.cache/kafka}"
libs="$cache/$version/libs"
run="${EDDY_KAFKA_DIR:-$root/.cache/kafka-run}"

need() { command -v "$1" >/dev/null || { echo "kafka.sh: '$1' is required but not installed" >&2; exit 3; }; }

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  need java; need mvn
  mkdir -p "$cache/$version"
  cat >"$cache/$version/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>eddy</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  echo "kafka.sh: fetching org.apache.kafka:kafka_2.13:$version and its dependencies from Maven Central" >&2
  mvn -q -B -f "$cache/$version/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

pidfile() { echo "$run/kafka.pid"; }

start() {
  local port="${1:-9092}"; local cport="${2:-$(( port + 1 ))}"
  fetch
  if [ -f "$(pidfile)" ] && kill -0 "$(cat "$(pidfile)")" 2>/dev/null; then echo "kafka.sh: already running (pid $(cat "$(pidfile)"))" >&2; return 0; fi
  mkdir -p "$run"
  cat >"$run/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.flush.interval.messages=9223372036854775807
# No time retention: tests and benchmarks write records stamped in 1970 or 2023, which the default
# 7 days would let the broker delete while they run.
log.retention.ms=-1
PROPS
  cat >"$run/log4j.properties" <<'L4J'
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
L4J
  local cp="$libs/*" jvm=(-Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dkafka.logs.dir="$run" -Dlog4j.configuration="file:$run/log4j.properties")
  if [ ! -f "$run/data/meta.properties" ]; then
    java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$(java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null)" -c "$run/server.properties" >"$run/format.log" 2>&1 \
      || { cat "$run/format.log" >&2; exit 1; }
  fi
  nohup java "${jvm[@]}" -cp "$cp" kafka.Kafka "$run/server.properties" >"$run/stdout.log" 2>&1 &
  echo $! >"$(pidfile)"
  if [ -n "${EDDY_KAFKA_WATCH_PID:-}" ]; then
    ( trap '' HUP; while kill -0 "$EDDY_KAFKA_WATCH_PID" 2>/dev/null && kill -0 "$(cat "$(pidfile)" 2>/dev/null || echo 0)" 2>/dev/null; do sleep 2; done; stop ) </dev/null >/dev/null 2>&1 &
  fi
  for _ in $(seq 1 240); do
    if ! kill -0 "$(cat "$(pidfile)")" 2>/dev/null; then echo "kafka.sh: broker exited during start-up:" >&2; tail -30 "$run/stdout.log" "$run/server.log" >&2 || true; exit 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && grep -q "BrokerServer id=1\] Transition from STARTING to STARTED" "$run/server.log" 2>/dev/null; then
      echo "kafka.sh: broker up on 127.0.0.1:$port (pid $(cat "$(pidfile)"))" >&2; return 0
    fi
    sleep 0.5
  done
  echo "kafka.sh: broker did not answer within 120 s" >&2; stop; exit 1
}

stop() {
  [ -f "$(pidfile)" ] || return 0
  local pid; pid="$(cat "$(pidfile)")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$(pidfile)"
}

case "${1:-}" in
  fetch) fetch ;;
  start) shift; start "$@" ;;
  stop) stop ;;
  classpath) fetch; echo "$libs/*" ;;
  *) echo "usage: $0 fetch | start [PORT] | stop | classpath" >&2; exit 2 ;;
esac
