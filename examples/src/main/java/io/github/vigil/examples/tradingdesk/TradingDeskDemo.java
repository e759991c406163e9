package io.github.vigil.examples.tradingdesk;

import io.github.vigil.ExitInfo;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.Session;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.journal.Journal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Supervises a desk as a supervision tree and prints it live, like {@code supervisorctl status}
 * drawn as a tree, with the recent events under it:
 * <pre>
 * desk          REST_FOR_ONE  quote-feed, then the gateways; the feed's crash restarts the gateways
 * ├─ quote-feed               crashes every few seconds
 * └─ gateways   ONE_FOR_ONE
 *    ├─ gateway-001           an order gateway per account
 *    └─ gateway-002
 * comms-link                  in no group; can never start, reaches its start limit (FAILED)
 * </pre>
 * The desk runs by a short synthetic trading calendar ({@link TradingDesk#demoCalendar}): its session
 * opens 4 s after the start and closes 16 s later; the desk is started 2 s before the open (the feed,
 * then each gateway once the one before it is running) and stopped 3 s after the close (the gateways
 * first, the feed last). Ends after the given number of seconds (argument or {@code -Ddemo.seconds},
 * default 30) or on Ctrl-C, leaving nothing running.
 *
 * <p>Everything it does is journaled ({@code vigil-journal}) into {@code journal.db} of its state directory
 * ({@code -Ddemo.state}, by default {@code examples/target/demo-state} when run through Maven), for the {@code vigil}
 * command line to read afterwards: {@code vigil status --journal examples/target/demo-state/journal.db}.
 *
 * <pre>mvn -q -pl examples -am package -DskipTests exec:exec</pre>
 */
public final class TradingDeskDemo {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int RECENT = 14;

  private TradingDeskDemo() {}

  public static void main(String[] args) throws Exception {
    Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : Long.getLong("demo.seconds", 30));
    PrintStream out = System.out;
    Deque<String> recent = new ArrayDeque<>();
    Map<String, Integer> groupRestarts = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(1);
    Path state = Path.of(System.getProperty("demo.state", "target/demo-state")).toAbsolutePath();
    // a snapshot every 5 s: the run is short, and vigil status shows the last one
    Journal journal = Journal.builder().stateDirectory(state).snapshotInterval(Duration.ofSeconds(5)).build();
    // closed by the hook below, before the journal (its own hook would leave the journal open)
    Supervisor supervisor = Supervisor.builder().name("trading-desk").closeOnJvmShutdown(false).build();
    Thread hook = new Thread(() -> {
      done.countDown();
      supervisor.close();
      journal.close(); // after the supervisor, so that the last stops are journaled
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    TradingCalendar calendar = TradingDesk.demoCalendar(Instant.now(), Duration.ofSeconds(4), Duration.ofSeconds(16));
    TradingSupervision trading = TradingSupervision.builder(supervisor)
        .schedule(TradingDesk.DESK, TradingDesk.deskSchedule(calendar, Duration.ofSeconds(2), Duration.ofSeconds(3))).build();
    journal.attach(supervisor, trading); // before the registrations (journal/README.md)
    supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofSeconds(4), true));
    TradingDesk.groups().forEach(supervisor::registerGroup);
    trading.subscribe(event -> {
      if (event instanceof SupervisorEvent.GroupRestart r) {
        groupRestarts.merge(r.process(), 1, Integer::sum);
      }
      String line = describe(event);
      if (line != null) {
        synchronized (recent) {
          recent.addLast(LocalTime.now().format(TIME) + "  " + line);
          while (recent.size() > RECENT) {
            recent.removeFirst();
          }
        }
      }
    });
    supervisor.startAll(); // the comms link; the desk is started by its schedule
    trading.start();

    long end = System.nanoTime() + runFor.toNanos();
    boolean ansi = System.console() != null;
    while (System.nanoTime() < end && !done.await(1, TimeUnit.SECONDS)) {
      out.print(render(supervisor, trading, groupRestarts, recent, ansi, Duration.ofNanos(end - System.nanoTime())));
      out.flush();
    }
    out.print(render(supervisor, trading, groupRestarts, recent, ansi, Duration.ZERO));
    trading.close();
    out.println("Stopping everything (the desk in reverse order: the gateways first, then the quote feed)...");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return; // Ctrl-C: the hook closes the supervisor
    }
    supervisor.group(TradingDesk.DESK).ifPresent(g -> g.stop().toCompletableFuture().join());
    supervisor.close();
    journal.close();
    out.println("Done: statistics " + supervisor.statistics());
    out.println("Journal: " + state.resolve("journal.db") + " (vigil status --journal " + state.resolve("journal.db") + ")");
  }

  static String render(Supervisor supervisor, TradingSupervision trading, Map<String, Integer> groupRestarts, Deque<String> recent,
      boolean ansi, Duration left) {
    StringBuilder b = new StringBuilder();
    b.append(ansi ? "\033[H\033[2J" : "\n");
    b.append("Vigil trading-desk demo (backend ").append(supervisor.backendName()).append(") - ")
        .append(LocalTime.now().format(TIME)).append(", ").append(Math.max(0, left.toSeconds())).append(" s left, Ctrl-C to stop\n\n");
    b.append(tree(supervisor, groupRestarts));
    b.append('\n');
    Instant now = Instant.now();
    for (TradingCalendar c : trading.calendars()) {
      Session next = c.currentOrNextSession(now);
      b.append("Calendar ").append(c.name()).append(" (synthetic), trade day ").append(c.tradeDay(now)).append(": ")
          .append(c.isOpen(now) ? "OPEN, session " + next.name() + " closes at " + when(next.close())
              : "closed, session " + next.name() + " opens at " + when(next.open()))
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

  /**
   * The supervision tree: each top-level group with its children (processes and nested groups) and
   * states, then the processes in no group.
   *
   * @param groupRestarts restarts applied by each group's strategy so far, by group name
   */
  static String tree(Supervisor supervisor, Map<String, Integer> groupRestarts) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-30s %-9s %-8s %-9s %-7s %s%n", "TREE", "STATE", "PID", "UPTIME", "STARTS", "LAST EXIT"));
    Set<String> inGroups = new HashSet<>();
    supervisor.groups().forEach(g -> inGroups.addAll(g.spec().children()));
    for (GroupController g : supervisor.groups()) {
      if (!inGroups.contains(g.name())) {
        group(supervisor, g, "", "", groupRestarts, b);
      }
    }
    for (ProcessController c : supervisor.controllers()) {
      if (!inGroups.contains(c.name())) {
        process(c, "", b);
      }
    }
    return b.toString();
  }

  private static void group(Supervisor supervisor, GroupController g, String first, String rest, Map<String, Integer> groupRestarts,
      StringBuilder b) {
    GroupSpec spec = g.spec();
    int restarts = groupRestarts.getOrDefault(g.name(), 0);
    b.append(String.format("%-30s %-9s %s%n", first + g.name() + "  " + spec.strategy(), g.state(),
        "intensity " + spec.intensity() + " in " + HumanFormat.period(spec.period()) // as the engine says it
            + (restarts > 0 ? ", " + HumanFormat.count(restarts, "restart", "restarts") + " by its strategy" : "")));
    for (int i = 0; i < spec.children().size(); i++) {
      boolean last = i == spec.children().size() - 1;
      String child = spec.children().get(i);
      String lead = rest + (last ? "└─ " : "├─ ");
      String under = rest + (last ? "   " : "│  ");
      Optional<GroupController> nested = supervisor.group(child);
      if (nested.isPresent()) {
        group(supervisor, nested.get(), lead, under, groupRestarts, b);
      } else {
        supervisor.controller(child).ifPresent(c -> process(c, lead, b));
      }
    }
  }

  private static void process(ProcessController c, String lead, StringBuilder b) {
    ProcessStatus s = c.status();
    b.append(String.format("%-30s %-9s %-8s %-9s %-7d %s%n", lead + s.name(), s.state(), s.pid() > 0 ? Long.toString(s.pid()) : "-",
        s.state() == ProcessState.RUNNING ? HumanFormat.duration(s.uptime()) : "-", c.statistics().starts(),
        s.lastExitInfo().map(TradingDeskDemo::shortExit).orElse("-")));
  }

  private static String shortExit(ExitInfo e) {
    return e.cause() + " (" + e.termination() + ")";
  }

  /** One line for the events a person watching the desk cares about; null for the others. */
  static String describe(SupervisorEvent event) {
    if (event instanceof SupervisorEvent.Started s) {
      return s.process() + " started, pid " + s.pid() + " (run " + s.run() + ")";
    }
    if (event instanceof SupervisorEvent.Exited e && e.exit().cause().isFailure()) {
      return e.process() + " crashed after " + HumanFormat.duration(e.exit().runDuration()) + ": " + shortExit(e.exit());
    }
    if (event instanceof SupervisorEvent.StateChanged c && c.to() == ProcessState.STOPPING) {
      return c.process() + " stopping (" + c.origin() + "): " + c.reason();
    }
    if (event instanceof SupervisorEvent.GroupRestart r) {
      return "group " + r.process() + " (" + r.strategy() + "): " + r.child() + " ended"
          + (r.restarted().isEmpty() ? "" : ", restarting " + String.join(", ", r.restarted()) + " after it")
          + " (restart " + r.restarts() + " within its period)";
    }
    if (event instanceof SupervisorEvent.GroupFailed f) {
      return "group " + f.process() + " FAILED: " + f.reason();
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

  /** Local time of day, with the date when it is not today. */
  private static String when(Instant t) {
    LocalDateTime local = LocalDateTime.ofInstant(t, ZoneId.systemDefault());
    String time = local.toLocalTime().format(TIME);
    return local.toLocalDate().equals(LocalDate.now()) ? time : local.toLocalDate() + " " + time;
  }
}
