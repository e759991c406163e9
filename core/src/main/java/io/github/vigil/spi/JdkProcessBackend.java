package io.github.vigil.spi;

import io.github.vigil.HumanFormat;
import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable backend, on {@link ProcessBuilder} and {@link ProcessHandle}: works wherever a JDK runs.
 *
 * <p>What it cannot do, and the Linux backend can: the JDK reports a death by signal as exit status
 * 128 + signal (so {@code exit(137)} and {@code SIGKILL} look alike; such exits are reported as an
 * {@linkplain Termination.Signaled#exact() inexact} signal), it never sees a core-dump flag, and it
 * keeps one "process reaper" thread per child. Descendants are found through
 * {@link ProcessHandle#descendants()} when a signal is sent and, where there are {@code /proc} and a {@code setsid}
 * program (Linux), by the session each run leads and the {@link #RUN_ID_VARIABLE} each inherits, also once orphaned;
 * elsewhere a grandchild orphaned before the signal is out of its reach. Where there is {@code /proc}, the requests
 * for runs' trees share one pass over it that began after they were asked ({@link RunningProcess#signalTree(Signal, long)}):
 * the stops of many runs at once cost a few passes, not one or more for each. Signals other than {@code SIGTERM} and {@code SIGKILL} go through a shell's {@code kill -s},
 * which first checks the pid's start time in {@code /proc} so that no signal reaches a reused pid.
 *
 * <p>Its own threads: one, {@code vigil-<supervisor>-output}, drains every child's standard output
 * and error by polling {@link InputStream#available()} so that no read ever blocks it, and reports
 * each exit after the output of that run: what the pipes hold when the exit is seen, then at most 50 ms
 * more of what a descendant that inherited them still writes. Where there is {@code /proc} (Linux), it reads them from
 * read ends of its own ({@link OwnPipes}), which stay open after the exit until the run's tree is seen gone (or the
 * backend closes): what a descendant writes after the exit (a leftover's trap for the stop signal) is read after the
 * exit's report, as the Linux backend reads it; the JDK closes its own read ends at the exit, and such a writer died of
 * {@code SIGPIPE}. A writer outside the run's tree (one that left its session and cleared its environment) may still
 * die so once the tree is gone; without {@code /proc} (macOS), after the exit. A busy sibling never delays another
 * child's exit report. An exit whose pipes hold nothing when it completes (the usual one) is reported at
 * once from the thread that saw it, without waking the output thread. Where {@link Process#onExit()} would start a
 * thread for each exit (up to JDK 24 on one or two CPUs), up to 64 threads of its own, {@code vigil-<supervisor>-exit-N},
 * wait for the exits instead, one per live child. Thread-safe.
 */
final class JdkProcessBackend implements ProcessBackend {
  private static final Logger log = LoggerFactory.getLogger(JdkProcessBackend.class);
  private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long EXIT_DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int EXIT_DRAIN_CHUNKS = 16; // 16 x 64 KiB: a full pipe (pipe-max-size) and then some
  static final int EXIT_WAITERS = 64;

  /**
   * Set in every child's environment, and inherited by its descendants, so that descendants that
   * outlive their parent can still be found through {@code /proc/PID/environ} where it exists.
   */
  public static final String RUN_ID_VARIABLE = "VIGIL_RUN_ID";

  private final String supervisorName;
  private final String runIdPrefix;
  private final java.util.concurrent.atomic.AtomicLong runCounter = new java.util.concurrent.atomic.AtomicLong();
  private final ConcurrentLinkedQueue<Child> added = new ConcurrentLinkedQueue<>();
  private final Thread pump;
  /**
   * Threads that wait for the children's exits in {@link Process#waitFor()}, or null where the JDK's
   * {@link Process#onExit()} is used. {@code onExit()} completes its future on {@code CompletableFuture}'s default
   * executor, which up to JDK 24 on a machine of one or two CPUs (the common pool's parallelism 1) starts a new thread
   * for each task: a thread started on every exit's path. A thread blocked in {@code waitFor()} is woken by the JDK's
   * own reaper thread instead (0.47 ms less at the median here on JDK 17; none on JDK 25, whose default executor is a
   * pool: bench/results/jdk-exit-waiters.md). At most {@link #EXIT_WAITERS} (live children, each waited for by one);
   * past that, {@code onExit()}. An idle one ends after {@link #EXIT_WAITER_IDLE_SECONDS} s, all with the backend.
   */
  private final java.util.concurrent.@org.jspecify.annotations.Nullable ThreadPoolExecutor exitWaiters;
  /** The exit waiters' threads not yet seen dead (pruned as new ones are made): close() joins them. */
  private final java.util.Set<Thread> waiterThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final long EXIT_WAITER_IDLE_SECONDS = 10;
  private volatile boolean closed;
  private final java.nio.file.@org.jspecify.annotations.Nullable Path stateFile;
  private final java.util.Map<Long, String> stateRuns = new java.util.LinkedHashMap<>(); // guarded by itself
  /** The runs whose tree has not been seen gone: the earliest start among them bounds whose environment a look reads. */
  private final Set<Child> liveRuns = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final SharedLook looks = new SharedLook();

  /**
   * {@code setsid} from util-linux, where there is a {@code /proc} to find a session's members in: each
   * child runs in a session of its own (same pid: {@code setsid} execs without forking in a child that is
   * not a group leader), which its descendants keep even when they rewrite their environment (nginx).
   */
  private static final @org.jspecify.annotations.Nullable String SETSID = findSetsid();

  /** Whether runs' output is read from read ends of the backend's own ({@link OwnPipes}): where there is {@code /proc}. */
  private static final boolean OWN_PIPES = !WINDOWS && ProcFiles.available();

  private static @org.jspecify.annotations.Nullable String findSetsid() {
    if (WINDOWS || !ProcFiles.available()) {
      return null;
    }
    for (String p : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  /**
   * What gives a child back the default handling of the signals this JVM ignores: {@code env --default-signal=N,...}
   * (GNU coreutils 8.31 or later), put between {@code setsid} and the program; empty where the JVM ignores none (the
   * usual case) or no {@code env} here can. A signal ignored ({@code SIG_IGN}) stays ignored across {@code exec}, and
   * the JDK starts its children with this JVM's: {@code nohup java} ignores {@code SIGHUP}, a shell script's
   * {@code java ... &} {@code SIGINT} and {@code SIGQUIT}, and the JVM keeps them so. Every child then ignored a
   * {@code stopSignal(SIGINT)} (a black-box run: its stop waited out the stop timeout and ended in {@code SIGKILL}), a
   * Python program's too, which installs no handler for a {@code SIGINT} ignored at its start. The Linux backend starts
   * its children with every signal at its default.
   */
  private static final class SignalReset {
    static final List<String> WORDS = words();

    private static List<String> words() {
      List<Integer> ignored;
      try {
        ignored = ignoredSignals(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status")));
      } catch (IOException | RuntimeException e) {
        return List.of();
      }
      if (ignored.isEmpty()) {
        return List.of();
      }
      StringBuilder names = new StringBuilder();
      StringBuilder numbers = new StringBuilder();
      for (int n : ignored) {
        names.append(names.length() == 0 ? "" : ", ").append(Signal.nameOf(n));
        numbers.append(numbers.length() == 0 ? "" : ",").append(n);
      }
      String option = "--default-signal=" + numbers;
      for (String env : new String[] {"/usr/bin/env", "/bin/env"}) {
        if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(env)) && works(env, option)) {
          log.info("JDK backend: this JVM ignores {} (as under nohup, or when a shell script starts it with &), which its children"
              + " would inherit; they are started with them at their default ({} {}), as the Linux backend starts them", names, env, option);
          return List.of(env, option);
        }
      }
      log.warn("JDK backend: this JVM ignores {} (as under nohup, or when a shell script starts it with &), and its children inherit"
          + " that: a stop signal among them does not stop a child that leaves it at its default, and its stop waits for the stop"
          + " timeout and SIGKILL. No env here resets them (env --default-signal: GNU coreutils 8.31 or later). Start the JVM"
          + " without ignoring them, stop with SIGTERM, or use the Linux backend (vigil-linux-native)", names);
      return List.of();
    }

    private static boolean works(String env, String option) {
      try {
        Process p = new ProcessBuilder(env, option, "true").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * The signals ({@code 1} to {@code 31}) that {@code /proc/PID/status} text {@code status} says are ignored: its
   * {@code SigIgn} mask, bit {@code n - 1} for signal {@code n}. Empty without such a line.
   */
  static List<Integer> ignoredSignals(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        List<Integer> ignored = new ArrayList<>();
        for (int n = 1; n <= 31; n++) {
          if ((mask & (1L << (n - 1))) != 0) {
            ignored.add(n);
          }
        }
        return ignored;
      }
    }
    return List.of();
  }

  /** A backend whose output thread is named after {@code context}'s supervisor. */
  public JdkProcessBackend(BackendContext context) {
    this(context, onExitStartsAThread());
  }

  /** As {@link #JdkProcessBackend(BackendContext)}; {@code ownExitWaiters} chooses how exits are waited for (tests try both). */
  JdkProcessBackend(BackendContext context, boolean ownExitWaiters) {
    this.supervisorName = context.supervisorName();
    this.exitWaiters = ownExitWaiters ? exitWaiterPool(supervisorName, waiterThreads) : null;
    this.runIdPrefix = "jdk-" + ProcessHandle.current().pid() + "-" + supervisorName + "-" + Long.toHexString(System.nanoTime()) + "-";
    this.stateFile = SETSID != null && context.stateDirectory() != null ? context.stateDirectory().resolve("jdk-backend.state") : null;
    if (stateFile != null) {
      sweepLeftovers(stateFile, supervisorName);
    }
    log.info("JDK backend for supervisor {}: {}", supervisorName, SETSID == null
        ? "no setsid or /proc here: descendants are found through the JDK while their parent lives, through the "
            + RUN_ID_VARIABLE + " environment marker after that; leftovers of a crashed JVM are NOT swept"
        : "each run in a session of its own (" + SETSID + "), descendants found by session; "
            + (stateFile == null ? "no state directory: leftovers of a crashed JVM are NOT swept"
                : "leftovers of a crashed JVM swept at start from " + stateFile));
    if (ProcessHandle.current().pid() == 1) {
      // a container's JVM run as its init (docker run image java ...): the kernel gives it every orphan there, and the
      // JDK waits only for the children it started: the rest stay zombies, a leftover of each daemonizing run
      log.warn("JDK backend for supervisor {}: this JVM is pid 1 of its pid namespace (a container's init) and adopts every"
          + " orphan there, which the JDK backend cannot reap: each stays a zombie. Use the Linux backend (vigil-linux-native),"
          + " which reaps them, or run the JVM under an init (docker run --init, tini)", supervisorName);
    }
    this.pump = new Thread(this::pumpLoop, "vigil-" + supervisorName + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Whether {@link Process#onExit()} starts a thread for each exit here: {@code CompletableFuture}'s default executor
   * (which its completion runs on) is not a pool but a thread per task, as up to JDK 24 where the common pool's
   * parallelism is 1.
   */
  static boolean onExitStartsAThread() {
    return !(new java.util.concurrent.CompletableFuture<Void>().defaultExecutor() instanceof java.util.concurrent.ForkJoinPool);
  }

  private static java.util.concurrent.ThreadPoolExecutor exitWaiterPool(String supervisorName, java.util.Set<Thread> threads) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    // no queue: a child is waited for by a thread at once, or by onExit() (past EXIT_WAITERS, or closed)
    return new java.util.concurrent.ThreadPoolExecutor(0, EXIT_WAITERS, EXIT_WAITER_IDLE_SECONDS, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "vigil-" + supervisorName + "-exit-" + n.incrementAndGet());
          t.setDaemon(true);
          // at most EXIT_WAITERS live, and the few that idled out since; not "!isAlive()", which a thread made but not
          // yet started by another spawn at once is too
          threads.removeIf(old -> old.getState() == Thread.State.TERMINATED);
          threads.add(t);
          return t;
        }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
  }

  /** Runs {@code exited} once {@code process} has ended: on a waiter thread of this backend's where one is free, else as onExit() completes. */
  private void whenExited(Process process, Runnable report) {
    Runnable exited = () -> {
      try {
        report.run();
      } catch (RuntimeException e) { // said: not thrown into a waiter (dying to stderr), nor lost in onExit()'s future
        log.warn("Reporting the exit of pid {} failed", process.pid(), e);
      }
    };
    java.util.concurrent.ThreadPoolExecutor waiters = exitWaiters;
    if (waiters != null) {
      try {
        waiters.execute(() -> {
          try {
            process.waitFor();
          } catch (InterruptedException e) { // nothing here interrupts it; if something did, the JDK's callback reports the exit
            process.onExit().whenComplete((p, x) -> exited.run());
            Thread.currentThread().interrupt();
            return;
          }
          exited.run();
        });
        return;
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // every waiter busy, or the backend closed: onExit() below
      }
    }
    process.onExit().whenComplete((p, x) -> exited.run());
  }

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    if (closed) {
      throw new IllegalStateException("backend is closed");
    }
    List<String> command = new ArrayList<>(request.command());
    command.set(0, request.executable().toString());
    // setsid, an exec of its own, runs without LD_PRELOAD and LD_AUDIT; env gives them to the program alone
    List<String> loaderWords = SETSID != null ? LoaderVariables.envWords(request.executable().toString(), request.environment()) : List.of();
    List<String> resetWords = SETSID != null && request.executable().toString().indexOf('=') < 0 ? SignalReset.WORDS : List.of();
    if (!resetWords.isEmpty()) { // one env: env --default-signal=... [LD_PRELOAD=...] program
      command.addAll(0, loaderWords.isEmpty() ? List.of() : loaderWords.subList(1, loaderWords.size()));
      command.addAll(0, resetWords);
    } else {
      command.addAll(0, loaderWords);
    }
    if (SETSID != null) {
      command.add(0, SETSID); // same pid: the program, leading its own session
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    request.directory().ifPresent(d -> pb.directory(d.toFile()));
    pb.environment().clear();
    pb.environment().putAll(request.environment());
    if (!loaderWords.isEmpty()) {
      LoaderVariables.NAMES.forEach(pb.environment()::remove);
    }
    String runId = runIdPrefix + runCounter.incrementAndGet();
    pb.environment().put(RUN_ID_VARIABLE, runId);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null")));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new SpawnException("cannot start " + request.command().get(0) + ": " + e.getMessage(), e);
    }
    // the run's output read from read ends of its own, until its tree is gone: the JDK closes its own at the exit
    InputStream[] own = OWN_PIPES ? OwnPipes.open(process) : null;
    long sid = SETSID != null ? process.pid() : -1;
    long startTicks = ProcFiles.available() ? ProcFiles.startTicks(process.pid()) : -1; // with setsid, the session's too
    Child child = new Child(request.name(), process, listener, runId, sid, sid > 0 ? startTicks : -1, startTicks, own);
    child.owner = this;
    liveRuns.add(child);
    record(child, true);
    added.add(child);
    whenExited(process, () -> {
      child.exited = true;
      // nothing left in the pipes (the usual exit): reported from here, one thread hand-over fewer than through
      // the output thread; output still to read is the output thread's, which reports the exit after it
      if (!child.reportIfDrained()) {
        LockSupport.unpark(pump);
      }
    });
    LockSupport.unpark(pump);
    return child;
  }

  /** A {@link JdkProcessSampler}: CPU time, start time and user, as {@link ProcessHandle} offers them. */
  @Override
  public java.util.Optional<ProcessSampler> sampler() {
    return java.util.Optional.of(SAMPLER);
  }

  private static final ProcessSampler SAMPLER = new JdkProcessSampler();

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(pump);
    try {
      pump.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    java.util.concurrent.ThreadPoolExecutor waiters = exitWaiters;
    if (waiters != null) {
      // the idle ones end now, not in 10 s. Not shutdownNow(): one may be reporting an exit into the engine, which an
      // interrupt could break (an interruptible channel closes); one still waiting (a child that outlives the close,
      // as the JDK's reaper thread would) reports its exit and ends then
      waiters.shutdown();
      if (!pump.isAlive()) { // every exit reported: the waiters are idle or leaving
        try {
          if (waiters.awaitTermination(1, TimeUnit.SECONDS)) {
            // the pool terminates as its last thread leaves its loop, before that thread has ended: a close that
            // returned with "vigil-NAME-exit-1" still alive was seen (a test of threads left after the close failed)
            for (Thread t : waiterThreads) {
              t.join(TimeUnit.SECONDS.toMillis(1));
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // --- one look at /proc for many runs --------------------------------------------------------

  /**
   * A look at {@code /proc} for {@code c}'s tree that began after {@code askedNanos} ({@link System#nanoTime()}, when its
   * request was made), so that every process that lived then and still does is in it: the latest one taken if it is that
   * fresh, else the one under way if it began after that, else a new one, on this thread. Null without {@code /proc}.
   * Each stop read all of {@code /proc} two or three times on the supervisor's two I/O threads (35 ms a pass with 300
   * processes), and a stopAll() of 200 children took 9.5 s on JDK 25 and 22 s on JDK 17: the requests made at once now
   * share a pass. A pass reads the environments of the processes that started at or after the earliest start among
   * the runs whose tree has not been seen gone, which every run's descendants did.
   */
  ProcScan.@org.jspecify.annotations.Nullable Table look(Child c, long askedNanos) {
    if (!ProcFiles.available()) {
      return null;
    }
    return looks.since(askedNanos, c.startTicks, () -> {
      long from = Math.max(0, c.startTicks);
      for (Child r : liveRuns) {
        from = Math.min(from, Math.max(0, r.startTicks));
      }
      return from;
    });
  }

  /** The latest look at {@code /proc} and the one under way, one at a time, shared by the runs that ask. Thread-safe. */
  private static final class SharedLook {
    private final Object lock = new Object();
    private ProcScan.@org.jspecify.annotations.Nullable Table latest; // guarded by lock
    private boolean underWay; // guarded by lock: one pass at a time

    ProcScan.Table since(long askedNanos, long runStartTicks, java.util.function.LongSupplier envFrom) {
      long began;
      long from;
      boolean interrupted = false;
      synchronized (lock) {
        while (true) {
          ProcScan.Table t = latest;
          if (t != null && t.began() - askedNanos >= 0 && t.readEnvironmentsFrom(runStartTicks)) {
            if (interrupted) {
              Thread.currentThread().interrupt();
            }
            return t;
          }
          if (!underWay) {
            break;
          }
          // the one under way, whether it will do or not: the next one begins after it, and serves all that waited
          try {
            lock.wait();
          } catch (InterruptedException e) {
            interrupted = true; // kept for after the pass: an interrupted thread's reads of /proc fail (ClosedByInterruptException)
          }
        }
        from = envFrom.getAsLong();
        began = System.nanoTime(); // before the directory is listed: what lives now and still does when read is in it
        underWay = true;
      }
      ProcScan.Table t = null;
      try {
        t = ProcScan.table(RUN_ID_VARIABLE, from, began);
        return t;
      } finally {
        synchronized (lock) {
          underWay = false;
          if (t != null && (latest == null || t.began() - latest.began() > 0)) {
            latest = t;
          }
          lock.notifyAll();
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // --- leftovers of a crashed JVM --------------------------------------------------------------

  /** Adds or removes a run in the state file: one line {@code sid startTicks run=RUNID name} per run. */
  private void record(Child c, boolean add) {
    if (stateFile == null || c.sid <= 0) {
      return;
    }
    synchronized (stateRuns) {
      if (add) {
        stateRuns.put(c.sid, c.sidStartTicks + " run=" + c.runId + " " + c.name);
      } else if (stateRuns.remove(c.sid) == null) {
        return;
      }
      StringBuilder text = new StringBuilder();
      stateRuns.forEach((sid, rest) -> text.append(sid).append(' ').append(rest).append('\n'));
      try {
        java.nio.file.Files.createDirectories(stateFile.getParent());
        java.nio.file.Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, text);
        java.nio.file.Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        log.warn("Cannot write {}: {}; leftovers of this supervisor would not be swept after a crash", stateFile, e.toString());
      }
    }
  }

  /**
   * Kills what the JDK backend's runs of an earlier JVM left on {@code context}'s state directory, as this backend does
   * when it starts there, and forgets them ({@code jdk-backend.state}); nothing without a state directory, or where
   * this backend could not have recorded any (no {@code setsid} or {@code /proc}). For a supervisor that uses another
   * backend on that state directory: the supervisor calls it then, so that what a killed JVM's JDK backend left running
   * (a process holding a port its next run needs) is not left running when the next JVM picks the Linux backend.
   */
  static void sweepLeftovers(BackendContext context) {
    java.nio.file.Path dir = context.stateDirectory();
    if (SETSID != null && dir != null) {
      sweepLeftovers(dir.resolve("jdk-backend.state"), context.supervisorName());
    }
  }

  /**
   * Kills what runs of an earlier JVM on the same state directory left, each logged at WARN: the live processes that
   * carry a recorded run's id ({@code VIGIL_RUN_ID}), in its session or in one of their own (a daemon's), and every
   * member of the recorded session while its leader still runs as recorded (the session is provably the run's). A member of a session whose leader is gone and that carries
   * no id of the run is left alone, with a WARN: a session's number is its leader's pid, which the kernel gives again
   * once the session is empty, and a daemon's session has no leader (one such daemon, of another program, was killed).
   * Then waits (up to 5 s) until what it killed is gone, so that nothing is started while a leftover still holds its
   * port, and forgets the records.
   */
  private static void sweepLeftovers(java.nio.file.Path file, String supervisorName) {
    List<ProcessHandle> killed = new ArrayList<>();
    List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(file);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    } catch (IOException e) {
      log.warn("Cannot read {}: {}; leftovers of an earlier supervisor are not swept", file, e.toString());
      return;
    }
    // one pass over /proc for every recorded run (each environment read once): two passes a run made the start after
    // a crash with 200 recorded runs read /proc 400 times, about 35 ms each with 300 processes
    ProcScan.Table look = ProcScan.table(RUN_ID_VARIABLE, 0, System.nanoTime());
    for (String line : lines) {
      String[] f = line.split(" ", 3);
      if (f.length < 3) {
        continue;
      }
      long sid;
      long ticks;
      try {
        sid = Long.parseLong(f[0]);
        ticks = Long.parseLong(f[1]);
      } catch (NumberFormatException e) {
        continue;
      }
      String runId = null;
      String name = f[2];
      if (name.startsWith("run=")) { // sid ticks run=ID name; a line of an older Vigil has no id
        int space = name.indexOf(' ');
        runId = space < 0 ? name.substring(4) : name.substring(4, space);
        name = space < 0 ? "?" : name.substring(space + 1);
      }
      // the session's members, and what carries the run's id wherever it is: a descendant that left the session
      // (setsid, a daemon's double fork) carries it too, and was left running when only the members were looked at
      java.util.Map<Long, ProcessHandle> members = new java.util.LinkedHashMap<>();
      look.sessionMembers(sid, ticks).forEach(h -> members.put(h.pid(), h));
      java.util.Set<Long> inSession = new java.util.HashSet<>(members.keySet());
      java.util.Set<Long> carriers = new java.util.HashSet<>();
      if (runId != null) {
        for (ProcessHandle h : look.carrying(runId)) {
          carriers.add(h.pid());
          members.putIfAbsent(h.pid(), h);
        }
      }
      if (members.isEmpty()) {
        continue;
      }
      boolean leaderAsRecorded = ProcFiles.startTicks(sid) == ticks;
      // every member's command line before any is killed: a shell waiting for its child ends when the child is killed,
      // and was logged as "?" (a loaded CI run); an argument's newline stays in its line
      java.util.Map<Long, String> commandLines = new java.util.HashMap<>();
      members.values().forEach(h -> commandLines.put(h.pid(), HumanFormat.commandLine(JdkProcessTable.commandLine(h))));
      for (ProcessHandle h : members.values()) {
        String commandLine = commandLines.get(h.pid());
        if (leaderAsRecorded || carriers.contains(h.pid())) {
          log.atWarn().addKeyValue("process", name).log("Killing pid {} ({}), left running by process {} of an earlier supervisor {} ({}, from {})",
              h.pid(), commandLine, name, supervisorName, inSession.contains(h.pid()) ? "session " + sid
                  : "it left session " + sid + " and carries " + RUN_ID_VARIABLE + "=" + runId, file);
          h.destroyForcibly();
          killed.add(h);
        } else {
          log.atWarn().addKeyValue("process", name).log("Leaving pid {} ({}) alone: it is in session {}, as process {} of an earlier supervisor {} "
              + "was, but that session's leader is gone and it carries no id of that run, so it may be another program's (a session's "
              + "number is given again once it is empty); kill it yourself if it is a leftover", h.pid(), commandLine,
              sid, name, supervisorName);
        }
      }
    }
    awaitGone(killed, supervisorName);
    try {
      java.nio.file.Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Cannot delete {}: {}", file, e.toString());
    }
  }

  private static final long SWEEP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * Waits, up to {@link #SWEEP_WAIT_NANOS}, until the leftovers sent {@code SIGKILL} are gone, as the Linux backend's
   * sweep does: a killed process frees its memory before its descriptors (50 to 75 ms for 300 MB here), and a run
   * started meanwhile found its port still held by the leftover it replaces. A zombie holds nothing and counts as gone.
   */
  private static void awaitGone(List<ProcessHandle> killed, String supervisorName) {
    List<ProcessHandle> left = new ArrayList<>(killed);
    long deadline = System.nanoTime() + SWEEP_WAIT_NANOS;
    while (true) {
      left.removeIf(h -> !ProcFiles.isLive(h));
      if (left.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    StringBuilder pids = new StringBuilder();
    left.forEach(h -> pids.append(pids.length() == 0 ? "" : ", ").append(h.pid()));
    log.warn("Supervisor {}: {} still running {} after SIGKILL; starting anyway", supervisorName,
        left.size() == 1 ? "a leftover of an earlier supervisor, pid " + pids + ", is" : left.size() + " leftovers of an earlier supervisor, pids " + pids + ", are",
        HumanFormat.duration(java.time.Duration.ofNanos(SWEEP_WAIT_NANOS)));
  }

  // --- the output thread ---------------------------------------------------------------------

  private void pumpLoop() {
    List<Child> children = new ArrayList<>();
    // runs that ended with their tree perhaps still alive: looked at again, less and less often (1 s, 2 s, ... 1 min),
    // until it is gone and their record forgotten; it stayed in the state file for ever, one line per such run
    List<Child> lingering = new ArrayList<>();
    // runs that ended and whose output is read from read ends of the backend's own: read until their tree is gone (a
    // descendant may still write), then closed
    List<Child> late = new ArrayList<>();
    byte[] buffer = new byte[64 * 1024];
    long idle = 0;
    while (!closed || !children.isEmpty() || !added.isEmpty()) {
      for (Child c; (c = added.poll()) != null; ) {
        children.add(c);
      }
      boolean readAny = false;
      for (int i = children.size() - 1; i >= 0; i--) {
        Child c = children.get(i);
        boolean reportedNow;
        synchronized (c.drainLock) { // against the exit callback's report (reportIfDrained)
          if (!c.reported) {
            boolean exited = c.exited; // read before draining: all output written before the exit is drained below
            // one chunk per stream per pass, and this child's own reads decide its report: a busy sibling
            // never holds back another child's exit (issue #12 item 3)
            boolean readThis = drain(c, StdStream.STDOUT, c.out, buffer);
            readThis |= drain(c, StdStream.STDERR, c.err, buffer);
            readAny |= readThis;
            if (exited && c.exitSeenNanos == 0) {
              c.exitSeenNanos = System.nanoTime();
            }
            // after the exit, the pipes may still be fed by a descendant that inherited them (a `yes &`):
            // the exit waits for at most EXIT_DRAIN_NANOS of such output
            if (exited && (!readThis || closed || System.nanoTime() - c.exitSeenNanos > EXIT_DRAIN_NANOS)) {
              drainFully(c, buffer);
              c.reported = true;
              c.reportExit(); // the engine asks isTreeAlive() next, which forgets the run once its tree is gone
            }
          }
          reportedNow = c.reported;
        }
        if (reportedNow) {
          children.remove(i);
          if (c.ownPipes) {
            late.add(c);
          }
          if (stateFile != null && c.sid > 0 || c.ownPipes) { // a look at its tree also ends the reading of its pipes
            c.nextLook = System.nanoTime() + LINGER_FIRST_LOOK_NANOS;
            c.lookEvery = LINGER_FIRST_LOOK_NANOS;
            lingering.add(c);
          }
        }
      }
      readAny |= readLate(late, buffer);
      lookAtLingering(lingering);
      if (closed && children.isEmpty()) {
        break;
      }
      if (readAny) {
        idle = 0;
      } else {
        idle = idle == 0 ? TimeUnit.MILLISECONDS.toNanos(1) : Math.min(MAX_IDLE_NANOS, idle * 2);
        LockSupport.parkNanos(this, idle);
      }
    }
    for (Child c : lingering) {
      c.isTreeAlive(); // a tree gone by the close is forgotten now, not swept by the next start
    }
    for (Child c : late) { // reported in the last pass
      drainFully(c, buffer);
      c.closeOwnPipes();
    }
  }

  /**
   * Output thread: reads what the ended runs' descendants still write to their output, one chunk per stream per pass,
   * and closes the read ends of a run once its tree has been seen gone (no writer is left in it) or the backend
   * closes, after what they hold. True if anything was read.
   */
  private boolean readLate(List<Child> late, byte[] buffer) {
    boolean readAny = false;
    for (int i = late.size() - 1; i >= 0; i--) {
      Child c = late.get(i);
      boolean done = c.treeSeenGone || closed; // read first: what was written before is read below
      readAny |= drain(c, StdStream.STDOUT, c.out, buffer) | drain(c, StdStream.STDERR, c.err, buffer);
      if (done) {
        drainFully(c, buffer);
        c.closeOwnPipes();
        late.remove(i);
      }
    }
    return readAny;
  }

  private static final long LINGER_FIRST_LOOK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long LINGER_LAST_LOOK_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Output thread: drops the runs whose tree is gone (isTreeAlive forgets their record), and looks at the rest later. */
  private static void lookAtLingering(List<Child> lingering) {
    if (lingering.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (int i = lingering.size() - 1; i >= 0; i--) {
      Child c = lingering.get(i);
      if (now - c.nextLook < 0) {
        continue;
      }
      if (!c.isTreeAlive()) {
        lingering.remove(i);
      } else {
        c.lookEvery = Math.min(LINGER_LAST_LOOK_NANOS, c.lookEvery * 2);
        c.nextLook = now + c.lookEvery;
      }
    }
  }

  /** What is buffered now, bounded: at most {@link #EXIT_DRAIN_CHUNKS} chunks per stream, whoever still writes. */
  private void drainFully(Child c, byte[] buffer) {
    for (int i = 0; i < EXIT_DRAIN_CHUNKS
        && (drain(c, StdStream.STDOUT, c.out, buffer) | drain(c, StdStream.STDERR, c.err, buffer)); i++) {
      // read what the JDK buffered when the process ended
    }
  }

  /** Reads what is available without blocking; true if anything was read. */
  private static boolean drain(Child c, StdStream stream, InputStream in, byte[] buffer) {
    try {
      int available = in.available();
      if (available <= 0) {
        return false;
      }
      int n = in.read(buffer, 0, Math.min(available, buffer.length));
      if (n <= 0) {
        return false;
      }
      c.listener.onOutput(stream, buffer, 0, n);
      return true;
    } catch (IOException e) {
      return false; // closed by the JDK after the exit: nothing more to read
    } catch (RuntimeException e) {
      log.warn("Output listener of {} failed", c.name, e);
      return false;
    }
  }

  // --- one child -----------------------------------------------------------------------------

  private static final class Child implements RunningProcess {
    final String name;
    final Process process;
    final ProcessHandle handle;
    final ProcessListener listener;
    final Set<ProcessHandle> descendants = new LinkedHashSet<>(); // guarded by itself
    final String runId;
    final long sid; // the session it leads, -1 without setsid
    final long sidStartTicks;
    final long startTicks; // of the run's process (stat field 22), -1 unknown: its descendants started no earlier
    @org.jspecify.annotations.Nullable JdkProcessBackend owner; // to forget the run in the state file once its tree is gone
    volatile boolean exited;
    /** Its standard output and error: read ends of the backend's own ({@link #ownPipes}), or the JDK's streams. */
    final InputStream out;
    final InputStream err;
    /** Whether {@link #out} and {@link #err} are the backend's own ({@link OwnPipes}), read until the tree is gone. */
    final boolean ownPipes;
    /** Set once {@link #isTreeAlive} has seen the tree gone: the output thread closes its own read ends then. */
    volatile boolean treeSeenGone;
    /** Held while this child's pipes are read or its exit reported: by the output thread, or the exit callback. */
    final Object drainLock = new Object();
    boolean reported; // guarded by drainLock: onExit was called
    long exitSeenNanos; // output thread only
    long nextLook; // output thread only: when a lingering tree is looked at again
    long lookEvery;
    private boolean treeGone; // guarded by descendants: once seen empty, its session and run id are no longer looked for
    private @org.jspecify.annotations.Nullable Signal treeSignal; // guarded by descendants: the last signal sent to the tree
    // guarded by descendants: who got the tree's signal, each with the program it ran then (its command line, null unread)
    private final java.util.Map<ProcessHandle, byte @org.jspecify.annotations.Nullable []> signaled = new java.util.HashMap<>();

    Child(String name, Process process, ProcessListener listener, String runId, long sid, long sidStartTicks, long startTicks,
        InputStream @org.jspecify.annotations.Nullable [] own) {
      this.name = name;
      this.ownPipes = own != null;
      this.out = own != null ? own[0] : process.getInputStream();
      this.err = own != null ? own[1] : process.getErrorStream();
      this.sid = sid;
      this.sidStartTicks = sidStartTicks;
      this.startTicks = startTicks;
      this.runId = runId;
      this.process = process;
      this.handle = process.toHandle();
      this.listener = listener;
    }

    /**
     * On the thread that completed the exit (the JDK's): reports the exit now when both pipes hold nothing, as the
     * output thread would on its next pass; false leaves it to the output thread, which reads what is left first.
     */
    boolean reportIfDrained() {
      synchronized (drainLock) {
        if (reported) {
          return true;
        }
        if (available(out) > 0 || available(err) > 0) {
          return false;
        }
        reported = true;
        reportExit();
        return true;
      }
    }

    private static int available(InputStream in) {
      try {
        return in.available();
      } catch (IOException e) {
        return 0; // closed by the JDK after the exit: nothing more to read
      }
    }

    /** Output thread: closes the backend's own read ends, if it has them. */
    void closeOwnPipes() {
      if (ownPipes) {
        OwnPipes.closeQuietly(out, err);
      }
    }

    void reportExit() {
      try { // the JDK's (closed already where the backend reads its own)
        process.getInputStream().close();
        process.getErrorStream().close();
        process.getOutputStream().close();
      } catch (IOException e) {
        log.debug("Closing the pipes of {} failed", name, e);
      }
      try {
        listener.onExit(termination(process.exitValue()));
      } catch (RuntimeException e) {
        // said, and never thrown into the thread that reports: the output thread reads every run's output, and died of it
        log.warn("The exit listener of {} (pid {}) failed", name, handle.pid(), e);
      }
    }

    @Override
    public long pid() {
      return handle.pid();
    }

    @Override
    public boolean signal(Signal signal) {
      return send(handle, signal);
    }

    @Override
    public boolean signalTree(Signal signal) {
      return signalTree(signal, System.nanoTime());
    }

    /**
     * The run's tree as a look at {@code /proc} that began after {@code askedNanos} shows it (shared with the other runs
     * that asked before it began), or as the JDK's descendants show it without {@code /proc}. Holds descendants.
     */
    private void collectTree(long askedNanos) {
      ProcScan.Table look = owner != null ? owner.look(this, askedNanos) : null;
      if (look != null) {
        // the descendants by parent (also those that left the session and rewrote their environment), the session's
        // members, and what carries the run's id (a double fork, a setsid)
        descendants.addAll(look.runTree(handle.pid(), startTicks, sid, sidStartTicks, runId, startTicks));
        return;
      }
      // no /proc (macOS): the JDK's descendants alone; a double fork or a setsid leftover cannot be told apart there
      if (handle.isAlive()) {
        handle.descendants().forEach(descendants::add); // collect before the root dies and they are re-parented
      }
    }

    @Override
    public boolean signalTree(Signal signal, long askedNanos) {
      List<ProcessHandle> targets = new ArrayList<>();
      synchronized (descendants) {
        if (treeGone) {
          return false;
        }
        collectTree(askedNanos);
        descendants.removeIf(h -> !ProcFiles.isLive(h));
        targets.addAll(descendants);
        treeSignal = signal;
        signaled.clear();
        for (ProcessHandle h : targets) {
          signaled.put(h, programIfCatchable(h, signal)); // read before the signal goes: an exec after it shows as another program
        }
      }
      boolean any = send(handle, signal);
      for (ProcessHandle h : targets) {
        any |= send(h, signal);
      }
      return any;
    }

    @Override
    public boolean isTreeAlive() {
      return isTreeAlive(System.nanoTime());
    }

    @Override
    public boolean isTreeAlive(long askedNanos) {
      if (handle.isAlive()) {
        return true;
      }
      synchronized (descendants) {
        if (treeGone) {
          return false;
        }
        collectTree(askedNanos);
        descendants.removeIf(h -> !ProcFiles.isLive(h));
        if (treeSignal != null) {
          for (ProcessHandle h : descendants) {
            // forked after the tree was signalled (between the look and the signal, or by a trap of the signal itself):
            // it gets the signal too, now; it waited for the stop timeout's SIGKILL (5 of 24 closes took 10 s). One that
            // got it between its fork and its exec may have lost it to the handler it kept from its parent (a shell's
            // trap): once it runs another program, it gets it again (CI: a trap's `sleep &` ran to the stop timeout)
            if (!signaled.containsKey(h)) {
              signaled.put(h, programIfCatchable(h, treeSignal));
              send(h, treeSignal);
              continue;
            }
            byte[] then = signaled.get(h);
            byte[] now = then == null ? null : program(h);
            if (now != null && !java.util.Arrays.equals(then, now)) {
              signaled.put(h, now);
              send(h, treeSignal);
            }
          }
        }
        if (descendants.isEmpty()) {
          treeGone = true; // its session's number may be given again from now on: never look for it again
          treeSeenGone = true; // no writer to its pipes is left in it: the output thread reads what they hold and closes them
          if (owner != null) {
            owner.liveRuns.remove(this);
            owner.record(this, false);
          }
        }
        return !descendants.isEmpty();
      }
    }

    @Override
    public String toString() {
      return "JdkProcess{" + name + ", pid " + handle.pid() + "}";
    }

    /** {@link #program} where {@code signal} can be caught; SIGKILL cannot be lost to a handler, so nothing is read for it. */
    private static byte @org.jspecify.annotations.Nullable [] programIfCatchable(ProcessHandle h, Signal signal) {
      return signal == Signal.SIGKILL ? null : program(h);
    }

    /** The program {@code h} runs, as its command line ({@code /proc/PID/cmdline}); null where it cannot be read. */
    private static byte @org.jspecify.annotations.Nullable [] program(ProcessHandle h) {
      if (!ProcFiles.available()) {
        return null;
      }
      try {
        byte[] line = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(h.pid()), "cmdline"));
        return line.length == 0 ? null : line; // empty in the midst of an exec, or once it ended: not a program to compare
      } catch (IOException | RuntimeException e) {
        return null; // gone, or another user's
      }
    }
  }

  /** Delivers a signal to a handle that still names the same process (the JDK checks the start time). */
  static boolean send(ProcessHandle h, Signal signal) {
    if (!h.isAlive()) {
      return false;
    }
    switch (signal) {
      case SIGTERM:
        return h.destroy();
      case SIGKILL:
        return h.destroyForcibly();
      default:
        if (WINDOWS) {
          return h.destroy();
        }
        OptionalLong ticks = startTicks(h.pid());
        if (ticks.isPresent()) {
          // the ticks read above belong to h's process only if h (whose start time the JDK checks) still lives now
          return h.isAlive() && sendChecked(h.pid(), ticks.getAsLong(), signal);
        }
        return sendUnchecked(h, signal); // no /proc (macOS): the JDK's check above is all there is
    }
  }

  /**
   * Checks inside one shell, right before its built-in {@code kill}, that {@code pid} still started at
   * {@code startTicks} ({@code /proc/PID/stat} field 22): a signal never reaches a later process that
   * reused the pid (issue #12 item 4; the window left is the shell's own microseconds between its read and
   * its {@code kill}, as with the JDK's {@code destroy()}).
   */
  static boolean sendChecked(long pid, long startTicks, Signal signal) {
    try {
      Process kill = new ProcessBuilder("/bin/sh", "-c", CHECKED_KILL, "vigil-kill", Long.toString(pid), Long.toString(startTicks), signal.shortName())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      log.warn("Cannot send {} to {}: {}", signal, pid, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static final String CHECKED_KILL = "pid=$1 want=$2 sig=$3; line=$(cat /proc/$pid/stat 2>/dev/null) || exit 3;"
      + " rest=${line##*) }; set -f; set -- $rest; [ \"${20}\" = \"$want\" ] || exit 4; kill -s \"$sig\" \"$pid\"";

  private static boolean sendUnchecked(ProcessHandle h, Signal signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal.shortName(), Long.toString(h.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      log.warn("Cannot send {} to {}: {}", signal, h.pid(), e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Field 22 of {@code /proc/PID/stat}, the start time in clock ticks after boot; empty without {@code /proc} or once gone. */
  static OptionalLong startTicks(long pid) {
    long t = ProcFiles.startTicks(pid);
    return t < 0 ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /** The JDK's exit value as a termination: on Unix, 129 to 192 mean 128 + a signal (inexact: exit(137) looks the same). */
  static Termination termination(int exitValue) {
    if (!WINDOWS && exitValue > 128 && exitValue <= 128 + 64) {
      int sig = exitValue - 128;
      return new Termination.Signaled(sig, Signal.nameOf(sig), false, false);
    }
    return new Termination.Exited(exitValue);
  }
}
