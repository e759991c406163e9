package io.github.vigil.linux;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run by {@link InitProcessOrphansTest} as pid 1 of a pid namespace of its own (a container's {@code java -jar app.jar}):
 * supervises {@code count} runs that each leave a background sleep and exit, which the supervisor kills as leftovers;
 * waits up to {@code seconds} for them to be killed and then reaped, prints {@code LEFTOVERS n ZOMBIES m} (the sleeps still
 * alive, and the zombie children of this JVM, the namespace's init), then closes.
 */
public final class InitSupervisorMain {
  private InitSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    try (Supervisor sup = Supervisor.builder().name("init").backend("linux").build()) {
      for (int i = 0; i < count; i++) {
        // the run leaves a daemon (re-parented to init: here, this JVM) and exits 0: the supervisor kills the daemon
        sup.register(ProcessSpec.builder("daemonizing-" + i).command("/bin/sh", "-c", "(sleep 1000 &) ; sleep 0.3")
            .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start(Duration.ofSeconds(30));
      }
      // first the leftovers' kills (no sleep of theirs alive: each a zombie of this JVM, or reaped), then their reaping
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (liveLeftovers() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      int zombies = zombieChildren();
      while (zombies > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        zombies = zombieChildren();
      }
      System.out.println("PID " + ProcessHandle.current().pid() + " LEFTOVERS " + liveLeftovers() + " ZOMBIES " + zombies);
      System.out.flush();
    }
  }

  /** The runs' background sleeps still alive (not zombies), by their command line in this namespace's /proc. */
  static int liveLeftovers() throws Exception {
    int n = 0;
    try (var dir = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path p : dir) {
        try {
          String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ').strip();
          String stat = Files.readString(p.resolve("stat"));
          if (cmdline.equals("sleep 1000") && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') {
            n++;
          }
        } catch (java.io.IOException e) {
          // gone
        }
      }
    }
    return n;
  }

  /** Zombie children of this JVM, by the stat of every process in this (the namespace's) /proc. */
  static int zombieChildren() throws Exception {
    long self = ProcessHandle.current().pid();
    int n = 0;
    try (var dir = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path p : dir) {
        String stat;
        try {
          stat = Files.readString(p.resolve("stat"));
        } catch (java.io.IOException e) {
          continue;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (f[0].equals("Z") && Long.parseLong(f[1]) == self) {
          n++;
        }
      }
    }
    return n;
  }
}
