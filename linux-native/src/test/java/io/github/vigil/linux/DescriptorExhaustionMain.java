package io.github.vigil.linux;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Run in a separate JVM under a low descriptor limit by {@link DescriptorExhaustionTest}: for {@code rounds} rounds,
 * a supervisor on the Linux backend starts {@code sleep} processes until a start fails, kills one of those running from
 * outside, and is closed. Prints {@code KEY value} lines: {@code START-ERROR}, {@code STATE}, {@code RESTARTS} (the
 * failed process's restart attempts), {@code DIAGNOSIS} (its last diagnosis's headline), {@code SAMPLE} (whether a
 * running one could be sampled at the limit), {@code KILLED-HEARD} (the outside kill's exit), {@code PIDS} (every run
 * started), {@code FDS-AFTER} and {@code THREADS-AFTER} (this JVM's descriptors and vigil threads after the close).
 */
public final class DescriptorExhaustionMain {
  private DescriptorExhaustionMain() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    for (int round = 0; round < rounds; round++) {
      round(args.length > 1 ? args[1] : "linux");
      System.out.println("FDS-AFTER " + descriptors());
      System.out.println("THREADS-AFTER " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
          .filter(n -> n.startsWith("vigil")).sorted().toList());
    }
  }

  private static void round(String backend) throws Exception {
    List<SupervisorEvent> failedOnes = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch killedHeard = new CountDownLatch(1);
    CountDownLatch diagnosed = new CountDownLatch(3);
    List<ProcessController> running = new ArrayList<>();
    List<Long> pids = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Supervisor sup = Supervisor.builder().name("fd-limit").backend(backend).build()) {
      sup.subscribe(e -> {
        if (e instanceof SupervisorEvent.Started s) {
          pids.add(s.pid());
        }
        if (e.process().equals("p-1") && e instanceof SupervisorEvent.Exited x) {
          System.out.println("KILLED-HEARD " + x.exit());
          killedHeard.countDown();
        }
        if (e instanceof SupervisorEvent.Diagnosed d && !e.process().equals("p-1")) {
          failedOnes.add(e);
          diagnosed.countDown();
        }
        if (e instanceof SupervisorEvent.RestartScheduled && !e.process().equals("p-1")) {
          failedOnes.add(e);
        }
      });
      for (int i = 0; i < 200; i++) {
        ProcessController c = sup.register(ProcessSpec.builder("p-" + i).command("/bin/sleep", "1000")
            .restartPolicy(RestartPolicy.onFailure().withStartLimit(2, Duration.ofMinutes(1))).startupGrace(Duration.ZERO).build());
        try {
          c.start(Duration.ofSeconds(20));
          running.add(c);
        } catch (Exception e) {
          System.out.println("START-ERROR " + i + " " + e.getMessage());
          System.out.println("STATE " + c.status().state());
          break;
        }
      }
      if (!diagnosed.await(20, TimeUnit.SECONDS)) {
        System.out.println("NOT-DIAGNOSED");
        Thread.getAllStackTraces().forEach((t, st) -> {
          if (t.getName().startsWith("vigil")) {
            System.out.println("THREAD " + t.getName() + " " + t.getState() + " " + java.util.Arrays.toString(st));
          }
        });
      }
      System.out.println("RESTARTS " + failedOnes.stream().filter(e -> e instanceof SupervisorEvent.RestartScheduled).count());
      failedOnes.stream().filter(e -> e instanceof SupervisorEvent.Diagnosed).reduce((a, b) -> b)
          .ifPresent(d -> System.out.println("DIAGNOSIS " + ((SupervisorEvent.Diagnosed) d).diagnosis().headline()));
      System.out.println("SAMPLE " + running.get(0).sample().isPresent());
      long pid = running.get(1).status().pid();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      if (!killedHeard.await(20, TimeUnit.SECONDS)) {
        System.out.println("KILLED-HEARD none");
      }
    }
    StringBuilder line = new StringBuilder("PIDS");
    pids.forEach(p -> line.append(' ').append(p));
    System.out.println(line);
  }

  private static long descriptors() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
