package io.github.vigil.linux;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a separate JVM by {@link ReverseBackendSwitchLeftoversTest}: a gateway on backend {@code args[0]} and state
 * directory {@code args[1]} supervising a web server on loopback port {@code args[2]} (python's {@code http.server}
 * {@code args[4]}, started in the background by a shell, as a launcher script does) and a process that ignores
 * SIGTERM and starts two sleeps of {@code args[3]} seconds (one in a session of its own). Prints {@code READY web-pid
 * stubborn-pid} once the port accepts connections, each exit of a run as {@code EXITED ...}, then waits for its
 * standard input to end, prints {@code CLOSING} and closes the supervisor.
 */
public final class BackendSwitchSupervisorMain {
  private BackendSwitchSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    String backend = args[0];
    Path state = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    String marker = args[3];
    String python = args[4];
    try (Supervisor sup = Supervisor.builder().name("gw").backend(backend).stateDirectory(state).build()) {
      sup.subscribe(e -> {
        if (e instanceof SupervisorEvent.Exited x) {
          System.out.println("EXITED " + x);
          System.out.flush();
        }
      });
      var web = sup.register(ProcessSpec.builder("web")
          .command("/bin/sh", "-c", "\"$0\" -m http.server " + port + " --bind 127.0.0.1 & wait $!", python)
          .restartPolicy(RestartPolicy.onFailure()).stopTimeout(Duration.ofSeconds(2)).build());
      var stubborn = sup.register(ProcessSpec.builder("stubborn")
          .command("/bin/sh", "-c", "trap '' TERM; sleep " + marker + " & setsid sleep " + marker + " & wait")
          .restartPolicy(RestartPolicy.never()).stopTimeout(Duration.ofSeconds(1)).build());
      long webPid = web.start(Duration.ofSeconds(30)).pid();
      long stubbornPid = stubborn.start(Duration.ofSeconds(30)).pid();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          break;
        } catch (java.io.IOException notYet) {
          if (System.nanoTime() > deadline) {
            throw notYet;
          }
          Thread.sleep(20);
        }
      }
      System.out.println("READY " + webPid + " " + stubbornPid);
      System.out.flush();
      System.in.readAllBytes(); // until the test closes it (or this JVM is killed)
      System.out.println("CLOSING");
      System.out.flush();
    }
  }
}
