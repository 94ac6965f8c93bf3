#!/usr/bin/env bash
# Apicurio Registry (a schema registry nobody here wrote, with a Confluent-compatible API at
# /apis/ccompat/v7) for tests and local use, built from Maven Central as scripts/kafka.sh fetches Kafka.
#   scripts/apicurio.sh fetch          build the runnable app once into the cache
#   scripts/apicurio.sh start [PORT]   start it on 127.0.0.1:PORT (default 8080), in-memory storage, wait until it answers
#   scripts/apicurio.sh stop           stop the registry started by `start`
# Maven Central has only io.apicurio:apicurio-registry-app's classes (a Quarkus application, no
# runnable jar): `fetch` makes one (a project of the parent POM's version, which the app's sibling
# dependencies take) with Quarkus's own Maven plugin, at the Quarkus version
# Apicurio's parent POM names, from the app jar's dependencies and its application.properties.
# Not run to completion here: this machine's Maven Central lacks a dependency of the app
# (io.apicurio:apicurio-registry-schema-util-provider 3.3.3 and 3.3.2; 2.0.2.Final needs
# org.everit.json.schema 1.12.2, which is not on Central at all).
# Environment: EDDY_APICURIO_CACHE (default .cache/apicurio), EDDY_APICURIO_DIR (pid + log,
# default .cache/apicurio-run), APICURIO_VERSION (default 3.3.3), EDDY_APICURIO_WATCH_PID (stop the
# registry when that process is gone).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${APICURIO_VERSION:-3.3.3}"
cache="${EDDY_APICURIO_CACHE:-$root/.cache/apicurio}"
build="$cache/$version"
app="$build/target/quarkus-app/quarkus-run.jar"
run="${EDDY_APICURIO_DIR:-$root/.cache/apicurio-run}"

need() { command -v "$1" >/dev/null || { echo "apicurio.sh: '$1' is required but not installed" >&2; exit 3; }; }

fetch() {
  if [ -f "$app" ]; then return 0; fi
  need java; need mvn; need unzip
  mkdir -p "$build/src/main/resources"
  echo "apicurio.sh: fetching io.apicurio:apicurio-registry-app:$version from Maven Central" >&2
  mvn -q -B dependency:get -Dartifact="io.apicurio:apicurio-registry-app:$version" -Dtransitive=false >&2
  mvn -q -B dependency:get -Dartifact="io.apicurio:apicurio-registry:$version:pom" -Dtransitive=false >&2
  local repo="${MAVEN_REPO:-$HOME/.m2/repository}"
  local parent="$repo/io/apicurio/apicurio-registry/$version/apicurio-registry-$version.pom"
  local quarkus; quarkus="$(sed -n 's:.*<quarkus.version>\(.*\)</quarkus.version>.*:\1:p' "$parent" | head -1)"
  [ -n "$quarkus" ] || { echo "apicurio.sh: no quarkus.version in $parent" >&2; exit 1; }
  # The app's configuration is read from the application's own resources: take the jar's.
  unzip -o -q -d "$build/src/main/resources" "$repo/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version.jar" application.properties
  cat >"$build/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>io.apicurio</groupId><artifactId>apicurio-registry</artifactId><version>$version</version><relativePath/></parent>
  <artifactId>eddy-apicurio-runtime</artifactId>
  <properties><maven.compiler.release>17</maven.compiler.release><skipTests>true</skipTests></properties>
  <dependencies>
    <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>$version</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>io.quarkus</groupId><artifactId>quarkus-maven-plugin</artifactId><version>$quarkus</version>
        <executions><execution><goals><goal>build</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
POM
  echo "apicurio.sh: building the runnable app with quarkus-maven-plugin $quarkus (minutes, once)" >&2
  mvn -q -B -f "$build/pom.xml" -DskipTests -Dcheckstyle.skip -Denforcer.skip -Dmaven.javadoc.skip package >&2
  [ -f "$app" ] || { echo "apicurio.sh: the build made no $app" >&2; exit 1; }
}

pidfile() { echo "$run/apicurio.pid"; }

start() {
  local port="${1:-8080}"
  fetch
  if [ -f "$(pidfile)" ] && kill -0 "$(cat "$(pidfile)")" 2>/dev/null; then echo "apicurio.sh: already running (pid $(cat "$(pidfile)"))" >&2; return 0; fi
  mkdir -p "$run"
  nohup java -Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -Dquarkus.management.enabled=false \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -jar "$app" >"$run/stdout.log" 2>&1 &
  echo $! >"$(pidfile)"
  if [ -n "${EDDY_APICURIO_WATCH_PID:-}" ]; then
    ( trap '' HUP; while kill -0 "$EDDY_APICURIO_WATCH_PID" 2>/dev/null && kill -0 "$(cat "$(pidfile)" 2>/dev/null || echo 0)" 2>/dev/null; do sleep 2; done; stop ) </dev/null >/dev/null 2>&1 &
  fi
  for _ in $(seq 1 360); do
    if ! kill -0 "$(cat "$(pidfile)")" 2>/dev/null; then echo "apicurio.sh: registry exited during start-up:" >&2; tail -40 "$run/stdout.log" >&2 || true; exit 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'GET /apis/ccompat/v7/subjects HTTP/1.0\r\n\r\n' >&3; head -1 <&3 | grep -q ' 200'; }; then
      echo "apicurio.sh: registry up on 127.0.0.1:$port (pid $(cat "$(pidfile)"))" >&2; return 0
    fi
    sleep 0.5
  done
  echo "apicurio.sh: registry did not answer within 180 s" >&2; stop; exit 1
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
  *) echo "usage: $0 fetch | start [PORT] | stop" >&2; exit 2 ;;
esac
