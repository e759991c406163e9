package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A hundred processes whose checks all hang (HTTP requests never answered, TCP connects never
 * accepted, async checks never completing) beside one healthy process: the threads of the JVM grow
 * by a fixed few, not by the number of checks; every hung attempt is abandoned at its timeout; and
 * the healthy process's checks keep passing at their interval.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class HealthCheckScaleTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final String marker = (50000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  @Test
  void hundredHungChecksNeitherExhaustThreadsNorDelayAHealthyProcess() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long fdsBefore = openFds();
    // HTTP: accepted and read from, never answered
    List<Socket> held = new CopyOnWriteArrayList<>();
    ServerSocket silentHttp = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!silentHttp.isClosed()) {
        try {
          held.add(silentHttp.accept());
        } catch (IOException e) {
          // closed
        }
      }
    }, "test-silent-http");
    acceptor.setDaemon(true);
    acceptor.start();
    // TCP: a listener that never accepts, with its backlog already full, so new connects hang in SYN_SENT
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    List<SocketChannel> fillers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()));
      fillers.add(ch);
    }
    HealthCheckAcceptanceTest.TcpServer live = new HealthCheckAcceptanceTest.TcpServer(0);
    Duration initialDelay = Duration.ofSeconds(10); // the 101 starts all fall inside it, which a loaded machine takes seconds for
    Duration hungTimeout = Duration.ofMillis(500);
    Duration healthyInterval = Duration.ofMillis(500);
    try (Supervisor sup = Supervisor.builder().name("scale").backend("jdk").build()) {
      List<ProcessSpec> specs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        HealthCheck.Builder check;
        switch (i % 3) {
          case 0:
            check = HealthCheck.http("http://127.0.0.1:" + silentHttp.getLocalPort() + "/health");
            break;
          case 1:
            check = HealthCheck.tcp("127.0.0.1", full.getLocalPort());
            break;
          default:
            check = HealthCheck.customAsync("never", pid -> new CompletableFuture<>());
            break;
        }
        specs.add(ProcessSpec.builder("hung-" + i).command("sleep", marker).startupGrace(Duration.ZERO)
            .healthCheck(check.name("hangs").interval(Duration.ofSeconds(1)).timeout(hungTimeout).initialDelay(initialDelay)
                .failureThreshold(1).action(HealthCheck.Action.NOTIFY).build())
            .build());
      }
      specs.add(ProcessSpec.builder("healthy").command("sleep", marker).startupGrace(Duration.ZERO)
          .healthCheck(HealthCheck.tcp("127.0.0.1", live.port()).name("port").interval(healthyInterval).initialDelay(initialDelay)
              .failureThreshold(1).action(HealthCheck.Action.NOTIFY).build())
          .build());
      sup.registerAll(specs);
      sup.startAll().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      ProcessController healthy = sup.controller("healthy").orElseThrow();
      List<ProcessController> hung = sup.controllers().stream().filter(c -> c.name().startsWith("hung-")).toList();
      int baseline = threads.getThreadCount();
      java.util.Set<String> baselineNames = new java.util.HashSet<>();
      Thread.getAllStackTraces().keySet().forEach(t -> baselineNames.add(t.getName()));
      java.util.Set<String> added = new java.util.TreeSet<>();
      assertThat(sup.controllers()).as("the baseline must be taken before any check ran; the machine was too slow")
          .allMatch(c -> c.health().checks().get(0).attempts() == 0);

      int peak = baseline;
      long end = System.nanoTime() + Duration.ofSeconds(6).plus(initialDelay).toNanos();
      while (System.nanoTime() < end) {
        peak = Math.max(peak, threads.getThreadCount());
        Thread.getAllStackTraces().forEach((t, st) -> {
          if (!baselineNames.contains(t.getName())) {
            added.add(t.getName());
          }
        });
        Thread.sleep(20);
      }
      List<String> healthThreads = List.copyOf(added);

      HealthReport.Check good = healthy.health().checks().get(0);
      assertThat(good.failures()).as("failed attempts of the healthy process: %s", good.recent()).isZero();
      assertThat(good.attempts()).as("attempts of the healthy process in 6 s at an interval of 500 ms").isGreaterThanOrEqualTo(6);
      assertThat(healthy.status().health()).isEqualTo(HealthState.HEALTHY);
      for (ProcessController c : hung) {
        HealthReport.Check h = c.health().checks().get(0);
        assertThat(h.recent()).as(c.name()).hasSizeGreaterThanOrEqualTo(3)
            .allMatch(r -> r.status() == CheckResult.Status.TIMED_OUT, "timed out");
        assertThat(c.status().health()).isEqualTo(HealthState.UNHEALTHY);
      }
      System.out.printf("threads: baseline %d (101 processes), peak %d with 100 hung checks; threads added %s; healthy attempts %d%n",
          baseline, peak, healthThreads, good.attempts());
      // six health threads (see HealthCheck), plus the short-lived ones the JDK's HttpClient starts to complete an
      // exchange where the common pool has one thread (two CPUs), plus slack for JVM housekeeping
      assertThat(peak - baseline).as("threads added by 100 hung checks: %s", healthThreads).isLessThanOrEqualTo(10);
      sup.stopAll().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      live.close();
      silentHttp.close();
      full.close();
      for (Socket s : held) {
        s.close();
      }
      for (SocketChannel ch : fillers) {
        ch.close();
      }
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
    assertThat(Processes.vigilThreads()).noneMatch(n -> n.startsWith("vigil-scale"));
    // hung HTTP exchanges and TCP connects were closed at their timeouts, not left open
    System.gc(); // JDK 17's HttpClient has no close(): its selector goes once the client is unreachable
    boolean fdsBack = Processes.eventually(Duration.ofSeconds(10), () -> openFds() <= fdsBefore + 4);
    System.out.printf("open fds: %d before, %d after%n", fdsBefore, openFds());
    assertThat(fdsBack).as("open fds %d before, %d after", fdsBefore, openFds()).isTrue();
  }

  private static long openFds() {
    try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
