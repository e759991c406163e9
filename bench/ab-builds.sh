# Sourced by the A/B scripts (exit-restart-ab, idle-loop-ab): builds this tree's bench module and REF's core and
# linux-native (git archive) and sets cp (this tree), basecp (REF's vigil jars, this tree's bench and libraries),
# java ($JAVA_HOME or the default JDK 17) and jopts (what that JDK needs for JNA). Usage: ab_builds REF WORKDIR
ab_builds() {
  local ref="$1" work="$2"
  rm -rf "$work"
  mkdir -p "$work/baseline"
  mvn -q -B -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=runtime
  cp="$root/bench/target/classes:$(cat "$work/classpath.txt")"
  git archive "$ref" | tar -x -C "$work/baseline"
  (cd "$work/baseline" && mvn -q -B -o -pl linux-native -am package -DskipTests)
  basecp="$root/bench/target/classes:$work/baseline/core/target/vigil-core-0.1.0-SNAPSHOT.jar:$work/baseline/linux-native/target/vigil-linux-native-0.1.0-SNAPSHOT.jar:$(tr ':' '\n' < "$work/classpath.txt" | grep -v '/vigil-' | paste -sd:)"
  java="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java"
  jopts=()
  if "$java" -version 2>&1 | head -1 | grep -q '"2[4-9]'; then
    jopts=(--enable-native-access=ALL-UNNAMED)
  fi
}
