package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor's JVM run with a real descriptor limit of 128 ({@code prlimit --nofile=128:128}, as a gateway started
 * with a low LimitNOFILE): it starts processes until a start cannot get its pipes ({@link DescriptorExhaustionMain}).
 * That start fails as START_FAILED saying 'Too many open files', the restart policy decides as for any failed start
 * (two restarts, then FAILED), its diagnosis names this JVM's limit, the processes already running stay supervised (a
 * kill from outside is heard; one can be sampled), and the close leaves no process, no vigil thread, and no more
 * descriptors after the second round than after the first.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class DescriptorExhaustionTest {

  @TempDir Path tmp;

  @Test
  void aStartOutOfDescriptorsFailsNamingTheLimitAndTheRunningStaySupervised() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
    Path err = tmp.resolve("stderr");
    List<String> command = new ArrayList<>(List.of("/usr/bin/prlimit", "--nofile=128:128", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), DescriptorExhaustionMain.class.getName(), "3"));
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String said = out + "\n" + Files.readString(err);
    assertThat(p.exitValue()).as(said).isZero();

    assertThat(all(out, "START-ERROR")).as(said).hasSize(3).allSatisfy(l -> assertThat(l).contains("START_FAILED", "Too many open files"));
    assertThat(all(out, "STATE")).as(said).containsOnly("FAILED");
    assertThat(all(out, "RESTARTS")).as("the restart policy decided: two restarts, then FAILED\n%s", said).containsOnly("2");
    assertThat(all(out, "DIAGNOSIS")).as(said).hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("this JVM's descriptor limit", "(RLIMIT_NOFILE) was reached", "raise the descriptor limit of this JVM"));
    assertThat(all(out, "SAMPLE")).as("a running process sampled at the limit\n%s", said).containsOnly("true");
    assertThat(all(out, "KILLED-HEARD")).as("a running process killed from outside is heard\n%s", said).hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("SIGKILL"));
    assertThat(all(out, "THREADS-AFTER")).as(said).containsOnly("[]");
    List<String> fds = all(out, "FDS-AFTER");
    assertThat(fds).as(said).hasSize(3);
    assertThat(fds.get(2)).as("descriptors after the third round as after the second (the first loads classes)\n%s", said).isEqualTo(fds.get(1));
    List<Long> pids = all(out, "PIDS").stream().flatMap(l -> Arrays.stream(l.split(" "))).map(Long::parseLong).toList();
    assertThat(pids).hasSizeGreaterThan(10);
    assertThat(pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .filter(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("").endsWith("sleep")).toList())
        .as("runs left alive").isEmpty();
  }

  private static List<String> all(String out, String key) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^" + key + " (.*)$").matcher(out);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
