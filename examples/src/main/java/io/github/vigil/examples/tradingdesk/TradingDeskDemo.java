package io.github.vigil.examples.tradingdesk;

import io.github.vigil.ExitInfo;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Supervises a quote feed that crashes every few seconds, an order gateway that depends on it, and
 * a comms link that can never start, printing a live status table like {@code supervisorctl status}.
 * Ends after the given number of seconds (argument or {@code -Ddemo.seconds}, default 30) or on
 * Ctrl-C, leaving nothing running.
 *
 * <pre>mvn -q -pl examples -am package -DskipTests exec:exec</pre>
 */
public final class TradingDeskDemo {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private TradingDeskDemo() {}

  public static void main(String[] args) throws Exception {
    Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : Long.getLong("demo.seconds", 30));
    PrintStream out = System.out;
    Deque<String> recent = new ArrayDeque<>();
    CountDownLatch done = new CountDownLatch(1);
    Supervisor supervisor = Supervisor.builder().name("trading-desk").build();
    Thread hook = new Thread(() -> {
      done.countDown();
      supervisor.close();
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    supervisor.subscribe(event -> {
      String line = describe(event);
      if (line != null) {
        synchronized (recent) {
          recent.addLast(LocalTime.now().format(TIME) + "  " + line);
          while (recent.size() > 10) {
            recent.removeFirst();
          }
        }
      }
    });
    supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofSeconds(3)));
    supervisor.startAll();

    long end = System.nanoTime() + runFor.toNanos();
    boolean ansi = System.console() != null;
    while (System.nanoTime() < end && !done.await(1, TimeUnit.SECONDS)) {
      out.print(render(supervisor, recent, ansi, Duration.ofNanos(end - System.nanoTime())));
      out.flush();
    }
    out.print(render(supervisor, recent, ansi, Duration.ZERO));
    out.println("Stopping everything (order gateway first, then its quote feed)...");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return; // Ctrl-C: the hook closes the supervisor
    }
    supervisor.close();
    out.println("Done: statistics " + supervisor.statistics());
  }

  private static String render(Supervisor supervisor, Deque<String> recent, boolean ansi, Duration left) {
    StringBuilder b = new StringBuilder();
    if (ansi) {
      b.append("\033[H\033[2J");
    } else {
      b.append('\n');
    }
    b.append("Vigil trading-desk demo (backend ").append(supervisor.backendName()).append(") - ")
        .append(LocalTime.now().format(TIME)).append(", ").append(left.toSeconds()).append(" s left, Ctrl-C to stop\n\n");
    b.append(String.format("%-14s %-9s %-8s %-12s %-8s %s%n", "NAME", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT"));
    for (ProcessController c : supervisor.controllers()) {
      ProcessStatus s = c.status();
      b.append(String.format("%-14s %-9s %-8s %-12s %-8d %s%n", s.name(), s.state(), s.pid() > 0 ? Long.toString(s.pid()) : "-",
          s.state() == ProcessState.RUNNING ? HumanFormat.duration(s.uptime()) : "-", s.restarts(), s.lastExitInfo().map(TradingDeskDemo::shortExit).orElse("-")));
    }
    b.append("\nRecent events:\n");
    synchronized (recent) {
      recent.forEach(l -> b.append("  ").append(l).append('\n'));
    }
    return b.toString();
  }

  private static String shortExit(ExitInfo e) {
    return e.cause() + " (" + e.termination() + ")";
  }

  private static String describe(SupervisorEvent event) {
    if (event instanceof SupervisorEvent.Started s) {
      return s.process() + " started, pid " + s.pid() + " (run " + s.run() + ")";
    }
    if (event instanceof SupervisorEvent.Exited e) {
      return e.process() + " exited after " + HumanFormat.duration(e.exit().runDuration()) + ": " + shortExit(e.exit());
    }
    if (event instanceof SupervisorEvent.RestartScheduled r) {
      return r.process() + " restart " + r.attempt() + " in " + HumanFormat.duration(r.delay());
    }
    if (event instanceof SupervisorEvent.Failed f) {
      return f.process() + " FAILED: " + f.reason();
    }
    return null;
  }
}
