#!/usr/bin/env bash
# Regenerates src/test/resources/process-exporter/scrape.prom: one real scrape of Debian's
# prometheus-process-exporter (on 127.0.0.1, a free port, at most 30 s) watching a multi-threaded JVM
# that started after the exporter, under the unique command name "vigilpe-java" (a symlink to java,
# since the kernel names a process after the file it executes).
# Usage: micrometer-binding/src/test/scripts/capture-process-exporter.sh [output file]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../resources/process-exporter/scrape.prom}"
exporter="$(command -v prometheus-process-exporter)"
java_bin="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}/bin/java"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))"
timeout 30 "$exporter" -web.listen-address "127.0.0.1:$port" -procnames vigilpe-java >"$work/exporter.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/metrics" >/dev/null && break; sleep 0.1; done
cat >"$work/Busy.java" <<'JAVA'
public class Busy {
  public static void main(String[] args) throws Exception {
    byte[] kept = new byte[32 << 20];
    java.util.Arrays.fill(kept, (byte) 1);
    long x = 0, end = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < end) { x += x * 31 + 1; }
    try (var out = new java.io.FileOutputStream(args[0])) { out.write(kept, 0, 1 << 20); }
    System.out.println(x + kept[7]);
    Thread.sleep(25_000);
  }
}
JAVA
ln -s "$java_bin" "$work/vigilpe-java"
"$work/vigilpe-java" "$work/Busy.java" "$work/written" >/dev/null &
pids+=($!)
sleep 6
mkdir -p "$(dirname "$out")"
{
  echo "# prometheus-process-exporter $(dpkg-query -W -f='${Version}' prometheus-process-exporter 2>/dev/null || echo unknown)," \
    "-procnames vigilpe-java, captured $(date -u +%Y-%m-%dT%H:%M:%SZ) by $(basename "$0")"
  curl -sf "http://127.0.0.1:$port/metrics"
} >"$out"
echo "wrote $out ($(grep -c '^namedprocess' "$out") namedprocess samples)"
