package io.github.vigil.internal;

import io.github.vigil.HealthCheck;
import io.github.vigil.HealthCheck.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the attempts of every health check of one supervisor on a fixed set of threads; see the
 * thread model on {@link HealthCheck}. An attempt never blocks the caller (the supervision thread):
 * {@link #start} only hands work over. Timeouts are not enforced here: the caller's timer calls
 * {@link Attempt#abandon()}, which frees what the attempt holds (closes the socket, cancels the
 * exchange, kills the exec check's whole tree, interrupts the custom check). An exec check runs in a
 * session of its own where util-linux {@code setsid} and {@code /proc} are there
 * ({@link CheckCommand}); one that ends by itself has what it left running, and this JVM adopted, killed before its
 * result is handed on ({@link CheckCommand#killLeftovers}). An exec check's end is waited for on a thread kept for that,
 * one per check running at once ({@link #execWaiters}), not through {@link Process#onExit()}.
 *
 * <p>Thread-safe. Created on first use by {@link DefaultSupervisor}; {@link #close()} ends its threads
 * and kills any exec check still running.
 */
final class HealthExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthExecutor.class);
  static final int POOL_THREADS = 2;
  static final int CUSTOM_THREADS = 2;
  /** Most exec checks whose ends are waited for on {@link #execWaiters} at once; past that, {@link Process#onExit()}. */
  static final int EXEC_WAITERS = 64;
  private static final long EXEC_WAITER_IDLE_SECONDS = 60;
  private static final int OUTPUT_CHARS = 300;

  private final String threadPrefix;
  private final ThreadPoolExecutor pool;
  private final ThreadPoolExecutor customPool;
  /**
   * Threads that wait in {@link Process#waitFor()} for the exec checks' ends (woken by the JDK's reaper thread), one per
   * check running, and then do what follows an end. Not {@link Process#onExit()}: its future completes on
   * {@code CompletableFuture}'s default executor, which up to JDK 24 on one or two CPUs (the common pool's parallelism 1)
   * starts a new thread for each task, one per attempt all day long; elsewhere that is the common pool, whose threads
   * what follows an end (a look in {@code /proc}, the output file's read) would block. Not {@link #pool} either: a
   * check that runs long would hold one of its two threads, which the TCP and HTTP checks need. The first
   * ({@code -health-exec-1}, started with the first exec check) stays for the executor's life; others, started only
   * while checks run at once, end after {@link #EXEC_WAITER_IDLE_SECONDS} s idle; at most {@link #EXEC_WAITERS}, past
   * that {@code onExit()}. All end with the executor ({@link #close()}).
   */
  private final ThreadPoolExecutor execWaiters;
  /**
   * Exec checks ended since the last pass over {@code /proc} for what they left where this JVM does not adopt it
   * ({@link CheckCommand#killLeftoversElsewhere}); such a pass runs at a check's end at most every
   * {@link #ELSEWHERE_PASS_NANOS} (the first at once), and at the close.
   */
  private final Set<CheckCommand> endedChecks = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong lastElsewherePass = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - ELSEWHERE_PASS_NANOS);
  /**
   * A pass reads every process's {@code stat}: 1.5 ms of CPU at 88 processes, 3.1 ms at 190 here (a throwaway loop over
   * {@code CheckProcesses.membersOfSessions}); 30 s apart at the most often, so at most 0.01 % of a core.
   */
  private static final long ELSEWHERE_PASS_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Exec checks whose trees may still run: from their start until what they left is killed (after their own end). */
  private final Set<CheckCommand> execs = ConcurrentHashMap.newKeySet();
  private final Object lazyLock = new Object();
  private @Nullable AsynchronousChannelGroup tcpGroup;
  private @Nullable HttpClient httpClient;
  private volatile boolean closed;
  private final io.github.vigil.spi.@Nullable ListeningSockets sockets;
  private final java.util.function.Supplier<Runnable> queued;

  HealthExecutor(String supervisorName) {
    this(supervisorName, null, () -> () -> {});
  }

  /**
   * @param sockets who holds listening sockets, from the backend; null when it cannot tell, and then a
   *     TCP or HTTP check accepts any listener on its port
   * @param queued called as a custom check's attempt is queued; the runnable it returns is run once: when a
   *     blocking check's code has returned and its result was handed on (an asynchronous check's: when its
   *     function has returned), or when the attempt is abandoned at its timeout. The supervisor's {@code awaitIdle}
   *     waits for the attempt until then, so a test on a virtual clock never runs past a check's result; a check
   *     that hangs holds it until its timeout, which the clock brings
   */
  HealthExecutor(String supervisorName, io.github.vigil.spi.@Nullable ListeningSockets sockets, java.util.function.Supplier<Runnable> queued) {
    this.sockets = sockets;
    this.queued = queued;
    this.threadPrefix = "vigil-" + supervisorName + "-health";
    this.pool = fixed(POOL_THREADS, threadPrefix + "-", poolThreads);
    this.customPool = fixed(CUSTOM_THREADS, threadPrefix + "-custom-", poolThreads);
    // no queue: a check's end is waited for by a thread at once, or by onExit() (past EXEC_WAITERS, or closed)
    this.execWaiters = new ThreadPoolExecutor(1, EXEC_WAITERS, EXEC_WAITER_IDLE_SECONDS, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), factory(threadPrefix + "-exec-", poolThreads), new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Every live thread the three pools started (a handful: fixed pools replace a thread only if a task killed it; the
   * exec waiters, one per exec check running at once).
   */
  private final java.util.Queue<Thread> poolThreads = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private static ThreadPoolExecutor fixed(int threads, String prefix, java.util.Queue<Thread> started) {
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory(prefix, started));
  }

  /** Daemon threads named {@code prefix} and a number, each added to {@code started}. */
  private static ThreadFactory factory(String prefix, java.util.Queue<Thread> started) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      started.removeIf(old -> !old.isAlive());
      started.add(t);
      return t;
    };
  }

  // --- warm-up ---------------------------------------------------------------------------------

  /**
   * Whether {@link #warmUp} does anything: on unless the system property
   * {@code io.github.vigil.health.warmUp} is {@code false} (to measure a cold first check).
   */
  static final boolean WARM_UP = !"false".equalsIgnoreCase(System.getProperty("io.github.vigil.health.warmUp"));

  /** Warm-up tasks by what they warm ("tcp", "http", "tls", "host example.org"): done when finished, failed or not. */
  private final java.util.Map<String, CompletableFuture<Void>> warming = new ConcurrentHashMap<>();

  private final java.util.Queue<Thread> warmThreads = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Longest a check's first attempt waits for the warm-up of what it needs. */
  static final Duration WARM_UP_WAIT = Duration.ofSeconds(2);

  /**
   * Prepares, on the pool, what the first attempts of {@code checks} would otherwise pay for in a
   * fresh JVM: the TCP channel group and a loopback connect, the HTTP client and one loopback
   * exchange (classes, selector thread), the TLS context for https URLs, the check hosts' addresses,
   * and the socket-holder lookup. Each once per executor, on a short-lived thread of its own;
   * failures are only logged. Any thread; never blocks. See {@link #ready}.
   */
  void warmUp(List<HealthCheck> checks) {
    if (!WARM_UP || closed) {
      return;
    }
    for (HealthCheck c : checks) {
      warmTasks(c).forEach(this::warm);
    }
  }

  /**
   * Completes when the warm-up of what {@code check} needs is over (at once when there is none, or it
   * is off), or after {@link #WARM_UP_WAIT} at the latest: a first attempt started then is timed warm.
   */
  CompletableFuture<Void> ready(HealthCheck check) {
    // every pending warm-up, not only this check's: they share the pool and the HTTP client's threads
    List<CompletableFuture<Void>> pending = new java.util.ArrayList<>();
    for (CompletableFuture<Void> f : warming.values()) {
      if (!f.isDone()) {
        pending.add(f);
      }
    }
    if (pending.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, WARM_UP_WAIT.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** What warming up for {@code check} means, by name. */
  private java.util.Map<String, Runnable> warmTasks(HealthCheck check) {
    java.util.Map<String, Runnable> tasks = new java.util.LinkedHashMap<>();
    Probe probe = check.probe();
    if (probe instanceof Probe.Tcp tcp) {
      tasks.put("tcp", this::warmTcp);
      tasks.put("host " + tcp.host(), () -> resolve(tcp.host()));
    } else if (probe instanceof Probe.Http http) {
      tasks.put("http", this::warmHttp);
      if ("https".equalsIgnoreCase(http.uri().getScheme())) {
        tasks.put("tls", () -> {
          try {
            javax.net.ssl.SSLContext.getDefault();
          } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
          }
        });
      }
      String host = http.uri().getHost();
      if (host != null) {
        tasks.put("host " + host, () -> resolve(host));
      }
    }
    return tasks;
  }

  /** Runs {@code task} once per executor, on a thread of its own so that the pool stays free for attempts. */
  private void warm(String what, Runnable task) {
    warming.computeIfAbsent(what, w -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        long start = System.nanoTime();
        try {
          task.run();
          log.debug("Health checks warmed up ({}) in {}", what, io.github.vigil.HumanFormat.duration(Duration.ofNanos(System.nanoTime() - start)));
        } catch (RuntimeException e) {
          log.debug("Warming up health checks ({}) failed; the first attempt pays instead", what, e);
        } finally {
          done.complete(null);
        }
      }, threadPrefix + "-warm-up");
      t.setDaemon(true);
      warmThreads.add(t);
      t.start();
      return done;
    });
  }

  private static void resolve(String host) {
    try {
      java.net.InetAddress.getAllByName(host);
    } catch (java.net.UnknownHostException e) {
      // the check will say so
    }
  }

  /** Attempts of a TCP check, through the very code of {@link #tcp}, against a loopback listener; and a look at who holds it. */
  private void warmTcp() {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      HealthCheck check = HealthCheck.tcp("127.0.0.1", server.getLocalPort()).name("warm-up").build();
      for (int i = 0; i < 3 && !closed; i++) {
        tcp((Probe.Tcp) check.probe(), "warm-up", -1).result().get(2, TimeUnit.SECONDS);
      }
      io.github.vigil.spi.ListeningSockets s = sockets;
      if (s != null) {
        PortOwnership.verify(s, "warm-up", ProcessHandle.current().pid(), java.net.InetAddress.getLoopbackAddress(), server.getLocalPort(),
            Result.pass("warm-up"));
      }
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Attempts of an HTTP check, through the very code of {@link #http}, against a loopback responder that answers 200. */
  private void warmHttp() {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(2_000);
      HealthCheck check = HealthCheck.http("http://127.0.0.1:" + server.getLocalPort() + "/vigil-warm-up").name("warm-up").build();
      for (int i = 0; i < 3 && !closed; i++) {
        CompletableFuture<Result> result = http((Probe.Http) check.probe(), Duration.ofSeconds(2), "warm-up", -1).result();
        try (java.net.Socket peer = server.accept()) {
          peer.setSoTimeout(2_000);
          InputStream in = peer.getInputStream();
          int matched = 0;
          int b;
          while (matched < 4 && (b = in.read()) >= 0) { // read the request up to its blank line
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
          }
          peer.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
              .getBytes(StandardCharsets.US_ASCII));
        }
        result.get(2, TimeUnit.SECONDS);
      }
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What an attempt found. */
  record Result(boolean passed, String message) {
    static Result pass(String m) {
      return new Result(true, m);
    }

    static Result fail(String m) {
      return new Result(false, m);
    }
  }

  /** One attempt in flight. */
  interface Attempt {
    /** Completes with the result; never exceptionally. May complete after {@link #abandon()}: ignore it then. */
    CompletableFuture<Result> result();

    /** Gives the attempt up and frees what it holds; idempotent. */
    void abandon();

    /** An attempt whose abandonment runs {@code onAbandon}. */
    static Attempt of(CompletableFuture<Result> result, Runnable onAbandon) {
      return new Attempt() {
        @Override
        public CompletableFuture<Result> result() {
          return result;
        }

        @Override
        public void abandon() {
          onAbandon.run();
        }
      };
    }
  }

  /**
   * Starts one attempt of {@code check} against the run {@code pid} of process {@code process}.
   *
   * @param environment the run's environment as its spec resolves it: an exec check's command gets it, plus
   *     {@code VIGIL_PROCESS} and {@code VIGIL_PID}, and its program is found on its {@code PATH}
   * @param directory the run's working directory, null for this JVM's: an exec check's command runs there, as the
   *     process does, and a relative program is found there
   * @param customBusy for custom checks: set while the user's function runs, to refuse overlapping attempts
   * @param programHead for exec checks: the check's program's {@code #!} line from its last attempt, read again only when
   *     the file changed (as a process's own program is looked up on its restarts); one per check
   */
  Attempt start(HealthCheck check, String process, long pid, java.util.Map<String, String> environment, @Nullable Path directory,
      Duration timeout, AtomicBoolean customBusy, StartChecks.LastHead programHead) {
    if (closed) {
      return done(Result.fail("supervisor closing"));
    }
    Probe probe = check.probe();
    try {
      if (probe instanceof Probe.Exec exec) {
        return exec(exec, process, pid, environment, directory, programHead);
      } else if (probe instanceof Probe.Tcp tcp) {
        return tcp(tcp, process, pid);
      } else if (probe instanceof Probe.Http http) {
        return http(http, timeout, process, pid);
      } else if (probe instanceof Probe.ProcessAlive) {
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return done(alive ? Result.pass("pid " + pid + " alive") : Result.fail("pid " + pid + " not alive"));
      } else if (probe instanceof Probe.SystemdNotify) {
        return done(Result.fail("notify checks are driven by the child's messages, not polled"));
      } else if (probe instanceof Probe.CustomAsync async) {
        return customAsync(async, pid);
      } else {
        return custom((Probe.Custom) probe, pid, customBusy);
      }
    } catch (RejectedExecutionException e) {
      return done(Result.fail("supervisor closing"));
    }
  }

  private static Attempt done(Result r) {
    CompletableFuture<Result> f = CompletableFuture.completedFuture(r);
    return Attempt.of(f, () -> {});
  }

  // --- exec ------------------------------------------------------------------------------------

  private Attempt exec(Probe.Exec probe, String process, long pid, java.util.Map<String, String> environment,
      @Nullable Path directory, StartChecks.LastHead programHead) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    AtomicBoolean abandoned = new AtomicBoolean();
    AtomicReference<@Nullable CheckCommand> started = new AtomicReference<>();
    pool.execute(() -> {
      if (abandoned.get()) {
        return;
      }
      Path out = null;
      try {
        out = Files.createTempFile("vigil-check-", ".out");
        ProcessBuilder pb = new ProcessBuilder(probe.command()).redirectErrorStream(true).redirectOutput(out.toFile());
        // what the process sees, as a configuration check and Docker's HEALTHCHECK (the container's) do, not this JVM's:
        // its environment and its working directory; CheckCommand finds the program as the process's spawn found its own
        if (directory != null) {
          pb.directory(directory.toFile());
        }
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().put("VIGIL_PROCESS", process);
        pb.environment().put("VIGIL_PID", Long.toString(pid));
        CheckCommand check = CheckCommand.start(pb, programHead);
        Process p = check.process();
        p.getOutputStream().close(); // no input: a check that reads stdin sees its end
        execs.add(check);
        started.set(check);
        Path output = out;
        whenEnded(p, () -> {
          // what the check left running (a background job, a daemon) goes with it: re-parented to this JVM as child
          // subreaper (the Linux backend), it would otherwise end as a zombie that nothing reaps after the last close
          try {
            int left = check.killLeftovers();
            if (left > 0) {
              log.debug("Exec health check {} of {} left {} running; killed", io.github.vigil.HumanFormat.commandLine(probe.command().get(0)),
                  process, io.github.vigil.HumanFormat.count(left, "process", "processes"));
            }
            if (check.ranInOwnSession()) {
              endedChecks.add(check);
              killLeftoversElsewhereIfDue(false);
            }
          } catch (RuntimeException ex) {
            log.warn("Killing what exec health check {} of {} left running failed", io.github.vigil.HumanFormat.commandLine(probe.command().get(0)),
                process, ex);
          } finally {
            execs.remove(check); // only now: a close() meanwhile kills the tree itself
          }
          String text = readStart(output);
          deleteQuietly(output);
          int code = p.exitValue();
          result.complete(code == 0 ? Result.pass("exit 0" + (text.isEmpty() ? "" : ": " + text))
              : Result.fail("exit " + code + (text.isEmpty() ? "" : ": " + text)));
        });
        if (abandoned.get() || closed) { // a close() that went over execs before this check was in it kills it here
          check.killTree();
        }
      } catch (IOException | RuntimeException e) {
        deleteQuietly(out);
        result.complete(Result.fail("could not run " + probe.command().get(0) + ": " + e.getMessage()));
      }
    });
    return Attempt.of(result, () -> {
      if (abandoned.compareAndSet(false, true)) {
        CheckCommand check = started.get();
        if (check != null && execs.contains(check)) { // not in execs: it has ended, and what it left is killed already
          try {
            pool.execute(check::killTree);
          } catch (RejectedExecutionException e) {
            check.killTree();
          }
        }
      }
    });
  }

  /**
   * Runs {@code ended} once {@code p} has ended: on an {@link #execWaiters exec waiter} where one can take it, else (all
   * {@link #EXEC_WAITERS} busy, or closed) as {@link Process#onExit()} completes. A failure of {@code ended} is logged.
   */
  private void whenEnded(Process p, Runnable ended) {
    Runnable safe = () -> {
      try {
        ended.run();
      } catch (RuntimeException e) { // logged: not thrown into a waiter, which would die of it, nor lost in onExit()'s future
        log.warn("Handling the end of exec health check pid {} failed", p.pid(), e);
      }
    };
    try {
      execWaiters.execute(() -> {
        try {
          p.waitFor();
        } catch (InterruptedException e) { // nothing interrupts it (close() shuts the waiters down without); if something did
          p.onExit().whenComplete((x, t) -> safe.run());
          Thread.currentThread().interrupt();
          return;
        }
        safe.run();
      });
    } catch (RejectedExecutionException e) {
      p.onExit().whenComplete((x, t) -> safe.run());
    }
  }

  /**
   * Kills what the exec checks ended since the last pass left running outside this JVM's children (no child subreaper
   * here, as with the JDK backend alone: they went to init), if a pass is due or {@code now} (the close).
   */
  private void killLeftoversElsewhereIfDue(boolean now) {
    long t = System.nanoTime();
    long last = lastElsewherePass.get();
    if (!now && (t - last < ELSEWHERE_PASS_NANOS || !lastElsewherePass.compareAndSet(last, t))) {
      return;
    }
    List<CheckCommand> batch = List.copyOf(endedChecks);
    if (batch.isEmpty()) {
      return;
    }
    endedChecks.removeAll(batch);
    int killed = CheckCommand.killLeftoversElsewhere(batch);
    if (killed > 0) {
      log.debug("Exec health checks ({} ended) had left {} running outside this JVM's children; killed", batch.size(),
          io.github.vigil.HumanFormat.count(killed, "process", "processes"));
    }
  }

  private static String readStart(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(OUTPUT_CHARS * 4);
      String s = new String(b, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
      return s.length() > OUTPUT_CHARS ? s.substring(0, OUTPUT_CHARS) + "…" : s;
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        log.debug("Deleting {} failed", p, e);
      }
    }
  }

  // --- tcp -------------------------------------------------------------------------------------

  private AsynchronousChannelGroup tcpGroup() throws IOException {
    synchronized (lazyLock) {
      if (closed) { // an attempt under way as close() ran: a group made now would outlive it, its thread for good
        throw new IOException("health checks are closed");
      }
      if (tcpGroup == null) {
        tcpGroup = AsynchronousChannelGroup.withFixedThreadPool(1, r -> {
          Thread t = new Thread(r, threadPrefix + "-io");
          t.setDaemon(true);
          return t;
        });
      }
      return tcpGroup;
    }
  }

  /**
   * {@code passed} when the listener at {@code address}:{@code port} is the process tree's, or when
   * that cannot be told; otherwise a failure naming the holder. On a pool thread (reads /proc).
   */
  private Result owned(Result passed, String process, long pid, java.net.InetAddress address, int port) {
    io.github.vigil.spi.ListeningSockets s = sockets;
    return s == null ? passed : PortOwnership.verify(s, process, pid, address, port, passed);
  }

  private Attempt tcp(Probe.Tcp probe, String process, long pid) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    AtomicBoolean abandoned = new AtomicBoolean();
    AtomicReference<@Nullable AsynchronousSocketChannel> channel = new AtomicReference<>();
    String target = probe.host() + ":" + probe.port();
    pool.execute(() -> { // name resolution may block: not on the caller's thread
      if (abandoned.get()) {
        return;
      }
      try {
        InetSocketAddress address = new InetSocketAddress(probe.host(), probe.port());
        if (address.isUnresolved()) {
          result.complete(Result.fail("cannot resolve " + probe.host()));
          return;
        }
        AsynchronousSocketChannel ch = AsynchronousSocketChannel.open(tcpGroup());
        channel.set(ch);
        if (abandoned.get()) {
          closeQuietly(ch);
          return;
        }
        ch.connect(address, null, new CompletionHandler<Void, Void>() {
          @Override
          public void completed(Void v, Void a) {
            closeQuietly(ch);
            Result connected = Result.pass("connected to " + target);
            if (sockets == null) {
              result.complete(connected);
              return;
            }
            try {
              pool.execute(() -> result.complete(owned(connected, process, pid, address.getAddress(), probe.port())));
            } catch (RejectedExecutionException e) {
              result.complete(Result.fail("supervisor closing"));
            }
          }

          @Override
          public void failed(Throwable e, Void a) {
            closeQuietly(ch);
            result.complete(Result.fail("cannot connect to " + target + ": " + describe(e)));
          }
        });
      } catch (IOException | RuntimeException e) {
        result.complete(Result.fail("cannot connect to " + target + ": " + describe(e)));
      }
    });
    return Attempt.of(result, () -> {
      abandoned.set(true);
      AsynchronousSocketChannel ch = channel.get();
      if (ch != null) {
        closeQuietly(ch);
      }
    });
  }

  private static void closeQuietly(AsynchronousSocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      log.debug("Closing a health check socket failed", e);
    }
  }

  private static String describe(Throwable e) {
    Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof ConnectException) { // the JDK's HttpClient gives no message (it read "failed: ConnectException")
      return t.getMessage() != null ? t.getMessage().toLowerCase(java.util.Locale.ROOT) : "could not connect (refused, or the host unreachable)";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
  }

  // --- http ------------------------------------------------------------------------------------

  private HttpClient httpClient() {
    synchronized (lazyLock) {
      if (httpClient == null) {
        httpClient = HttpClient.newBuilder().executor(pool).followRedirects(HttpClient.Redirect.NORMAL).build();
      }
      return httpClient;
    }
  }

  private Attempt http(Probe.Http probe, Duration timeout, String process, long pid) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    AtomicBoolean abandoned = new AtomicBoolean();
    AtomicReference<@Nullable CompletableFuture<?>> exchange = new AtomicReference<>();
    pool.execute(() -> {
      if (abandoned.get()) {
        return;
      }
      try {
        // the client's own timeout is only a backstop that closes the connection should the cancel at our
        // timeout not reach it; our timer fires first and reports TIMED_OUT
        HttpRequest.Builder rb = HttpRequest.newBuilder(probe.uri()).GET().timeout(timeout.multipliedBy(2));
        probe.headers().forEach(rb::header);
        boolean wantBody = !probe.bodyContains().isEmpty();
        CompletableFuture<HttpResponse<String>> f = httpClient().sendAsync(rb.build(),
            wantBody ? info -> limitedString() : info -> HttpResponse.BodySubscribers.replacing(""));
        exchange.set(f);
        if (abandoned.get()) {
          f.cancel(true);
        }
        f.whenComplete((response, e) -> {
          if (e != null) {
            Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            result.complete(Result.fail(t instanceof HttpTimeoutException ? "no response within " + io.github.vigil.HumanFormat.duration(timeout.multipliedBy(2)) : "GET " + probe.uri()
                + " failed: " + describe(t)));
            return;
          }
          int status = response.statusCode();
          if (status < probe.minStatus() || status > probe.maxStatus()) {
            result.complete(Result.fail("HTTP " + status + ", expected " + probe.minStatus() + " to " + probe.maxStatus()));
          } else if (wantBody && !response.body().contains(probe.bodyContains())) {
            result.complete(Result.fail("HTTP " + status + " but the body lacks '" + probe.bodyContains() + "'"));
          } else if (sockets == null) {
            result.complete(Result.pass("HTTP " + status));
          } else {
            result.complete(httpOwned(Result.pass("HTTP " + status), probe, process, pid));
          }
        });
      } catch (RuntimeException e) {
        result.complete(Result.fail("GET " + probe.uri() + " failed: " + describe(e)));
      }
    });
    return Attempt.of(result, () -> {
      abandoned.set(true);
      CompletableFuture<?> f = exchange.get();
      if (f != null) {
        f.cancel(true);
      }
    });
  }

  /** {@link #owned} for the host and port of an HTTP check's URL; runs on a pool thread (the client's executor). */
  private Result httpOwned(Result passed, Probe.Http probe, String process, long pid) {
    java.net.URI uri = probe.uri();
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    Result failure = null;
    try {
      // the client connected to one of the host's addresses: the check passes if the tree holds any of them
      for (java.net.InetAddress a : java.net.InetAddress.getAllByName(uri.getHost())) {
        Result r = owned(passed, process, pid, a, port);
        if (r.passed() && r != passed) {
          return r; // verified: held by the tree
        }
        if (!r.passed() && failure == null) {
          failure = r;
        }
      }
    } catch (java.net.UnknownHostException e) {
      return passed; // it answered, so it resolved a moment ago
    }
    return failure != null ? failure : passed;
  }

  /** Keeps the first {@link HealthCheck#MAX_BODY_CHARS} characters of a body and drains the rest. */
  private static HttpResponse.BodySubscriber<String> limitedString() {
    StringBuilder text = new StringBuilder();
    java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
    Flow.Subscriber<List<ByteBuffer>> sub = new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
          if (text.length() < HealthCheck.MAX_BODY_CHARS) {
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(b.remaining() + 16);
            decoder.decode(b, chars, false);
            text.append(chars.flip());
          }
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    };
    return HttpResponse.BodySubscribers.fromSubscriber(sub,
        s -> text.length() > HealthCheck.MAX_BODY_CHARS ? text.substring(0, HealthCheck.MAX_BODY_CHARS) : text.toString());
  }

  // --- custom ----------------------------------------------------------------------------------

  private Attempt custom(Probe.Custom probe, long pid, AtomicBoolean busy) {
    if (!busy.compareAndSet(false, true)) {
      return done(Result.fail("the previous attempt is still running (it ignored its interruption)"));
    }
    CompletableFuture<Result> result = new CompletableFuture<>();
    Object lock = new Object();
    boolean[] cancelled = {false};           // guarded by lock
    Thread[] runner = {null};                // guarded by lock: the thread while it runs the user's code
    Runnable taken = queued.get();
    try {
      customPool.execute(() -> {
        synchronized (lock) {
          if (cancelled[0]) {
            busy.set(false);
            taken.run();
            return;
          }
          runner[0] = Thread.currentThread();
        }
        Result r;
        try {
          HealthCheck.Outcome o = probe.probe().check(pid);
          r = o == null ? Result.fail("the check returned null") : new Result(o.healthy(), o.message());
        } catch (InterruptedException e) {
          r = Result.fail("interrupted");
        } catch (Exception | LinkageError | AssertionError e) {
          r = Result.fail(describe(e));
        } finally {
          synchronized (lock) {
            runner[0] = null;
            Thread.interrupted(); // an abandon that came late must not hit the thread's next task
          }
          busy.set(false);
        }
        result.complete(r); // only now: the next attempt may start as soon as this one is recorded
        taken.run(); // after complete(), which handed the result to the supervision thread
      });
    } catch (RejectedExecutionException e) {
      busy.set(false);
      taken.run();
      throw e;
    }
    return Attempt.of(result, () -> {
      synchronized (lock) {
        taken.run();
        cancelled[0] = true;
        if (runner[0] != null) {
          runner[0].interrupt();
        }
      }
    });
  }

  private Attempt customAsync(Probe.CustomAsync probe, long pid) {
    CompletableFuture<Result> result = new CompletableFuture<>();
    AtomicBoolean abandoned = new AtomicBoolean();
    AtomicReference<java.util.concurrent.@Nullable CompletableFuture<HealthCheck.Outcome>> stage = new AtomicReference<>();
    Runnable taken = queued.get();
    try {
      customPool.execute(() -> { // the function should return at once; if it does not, it holds a custom thread, not the caller's
        if (abandoned.get()) {
          taken.run();
          return;
        }
        try {
          java.util.concurrent.CompletableFuture<HealthCheck.Outcome> f = probe.probe().check(pid).toCompletableFuture();
          stage.set(f);
          if (abandoned.get()) {
            f.cancel(true);
          }
          f.whenComplete((o, e) -> result.complete(e != null ? Result.fail(describe(e))
              : o == null ? Result.fail("the check returned null") : new Result(o.healthy(), o.message())));
        } catch (RuntimeException e) {
          result.complete(Result.fail(describe(e)));
        } finally {
          taken.run(); // once the function has returned: its future is the user's, not waited for
        }
      });
    } catch (RejectedExecutionException e) {
      taken.run();
      throw e;
    }
    return Attempt.of(result, () -> {
      taken.run();
      abandoned.set(true);
      CompletableFuture<HealthCheck.Outcome> f = stage.get();
      if (f != null) {
        f.cancel(true);
      }
    });
  }

  /** Runs a short blocking read (a process sample) on the pool. */
  <T> CompletableFuture<T> supply(java.util.function.Supplier<T> read) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("supervisor closing"));
    }
    try {
      return CompletableFuture.supplyAsync(read, pool);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Number of threads this executor has now (for tests and diagnostics). */
  int threadCount() {
    return pool.getPoolSize() + customPool.getPoolSize() + execWaiters.getPoolSize() + (tcpGroup != null ? 1 : 0);
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : warmThreads) { // no thread outlives the executor
      t.interrupt();
    }
    for (Thread t : warmThreads) {
      try {
        t.join(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    execs.forEach(CheckCommand::killTree);
    pool.shutdownNow();
    customPool.shutdownNow();
    AsynchronousChannelGroup g;
    synchronized (lazyLock) {
      g = tcpGroup;
      httpClient = null; // JDK 17's client has no close(); its selector thread ends once it is unreachable
    }
    if (g != null) {
      try {
        g.shutdownNow();
      } catch (IOException e) {
        log.debug("Closing the health check socket group failed", e);
      }
    }
    awaitQuietly(pool);
    awaitQuietly(customPool);
    // only now, when no attempt can start a check any more; the checks killed above have ended or soon will (a waiter
    // sees it, handles it and leaves). Not shutdownNow(): an interrupted waiter would hand its check to onExit()
    execWaiters.shutdown();
    awaitQuietly(execWaiters);
    killLeftoversElsewhereIfDue(true); // after the waiters: the checks killed above are among those ended
    // a pool is terminated once its workers have left their loops, a moment before their threads end: wait for
    // that too, so that no thread of the executor is alive once close() returns
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (Thread t : poolThreads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private static void awaitQuietly(ExecutorService e) {
    try {
      e.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
