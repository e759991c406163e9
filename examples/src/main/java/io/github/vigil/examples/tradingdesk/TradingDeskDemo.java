package io.github.vigil.examples.tradingdesk;

import io.github.vigil.ExitInfo;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.io.PrintStream;
import io.github.vigil.calendar.Session;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Supervises a quote feed that crashes every few seconds, an order gateway that depends on it, and
 * a comms link that can never start, printing a live status table like {@code supervisorctl status}.
 * The order gateway runs by a short synthetic trading calendar ({@link TradingDesk#demoCalendar}):
 * its session opens 8 s after the start and closes 12 s later; the gateway is started 2 s before the
 * open and stopped 3 s after the close.
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

    TradingCalendar calendar = TradingDesk.demoCalendar(Instant.now(), Duration.ofSeconds(8), Duration.ofSeconds(12));
    TradingSupervision trading = TradingSupervision.builder(supervisor)
        .schedule("order-gateway", TradingDesk.gatewaySchedule(calendar, Duration.ofSeconds(2), Duration.ofSeconds(3))).build();
    trading.subscribe(event -> {
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
    supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofSeconds(3), true));
    supervisor.startAll();
    trading.start();

    long end = System.nanoTime() + runFor.toNanos();
    boolean ansi = System.console() != null;
    while (System.nanoTime() < end && !done.await(1, TimeUnit.SECONDS)) {
      out.print(render(supervisor, trading, recent, ansi, Duration.ofNanos(end - System.nanoTime())));
      out.flush();
    }
    out.print(render(supervisor, trading, recent, ansi, Duration.ZERO));
    trading.close();
    out.println("Stopping everything (order gateway first, then its quote feed)...");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return; // Ctrl-C: the hook closes the supervisor
    }
    supervisor.close();
    out.println("Done: statistics " + supervisor.statistics());
  }

  private static String render(Supervisor supervisor, TradingSupervision trading, Deque<String> recent, boolean ansi, Duration left) {
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
    b.append('\n');
    Instant now = Instant.now();
    for (TradingCalendar c : trading.calendars()) {
      Session next = c.currentOrNextSession(now);
      b.append("Calendar ").append(c.name()).append(" (synthetic), trade day ").append(c.tradeDay(now)).append(": ")
          .append(c.isOpen(now) ? "OPEN, session " + next.name() + " closes at " + local(next.close(), c)
              : "closed, session " + next.name() + " opens at " + local(next.open(), c))
          .append('\n');
    }
    trading.states().forEach(st -> b.append("Schedule of ").append(st.name()).append(": ").append(st.phase())
        .append(st.next().map(t -> ", next change at " + when(t)).orElse(""))
        .append('\n'));
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
    if (event instanceof SupervisorEvent.SessionOpened o) {
      return "calendar " + o.process() + ": session " + o.session() + " of " + o.tradeDay() + " opened";
    }
    if (event instanceof SupervisorEvent.SessionClosed c) {
      return "calendar " + c.process() + ": session " + c.session() + " of " + c.tradeDay() + " closed";
    }
    if (event instanceof SupervisorEvent.ScheduleStarted s) {
      return s.process() + " started by its schedule (" + s.reason() + ")";
    }
    if (event instanceof SupervisorEvent.ScheduleStopped s) {
      return s.process() + " stopped by its schedule (" + s.reason() + ")";
    }
    if (event instanceof SupervisorEvent.OutsideWindow o) {
      return o.process() + " outside its window, recorded only: " + o.event().getClass().getSimpleName();
    }
    return null;
  }

  private static String local(Instant t, TradingCalendar c) {
    return when(t);
  }

  /** Local time of day, with the date when it is not today. */
  private static String when(Instant t) {
    java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(t, java.time.ZoneId.systemDefault());
    String time = local.toLocalTime().format(TIME);
    return local.toLocalDate().equals(java.time.LocalDate.now()) ? time : local.toLocalDate() + " " + time;
  }
}
