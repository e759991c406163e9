package io.github.vigil.linux;

import com.sun.jna.Memory;
import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import io.github.vigil.linux.proc.OomKillRecord;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.AsyncSpawner;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ExitWatcher;
import io.github.vigil.spi.ProcFiles;
import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux backend: spawns with {@code posix_spawn}, watches exits and output pipes of all its runs
 * from one event-loop thread ({@code vigil-<supervisor>-linux}) polling pidfds and pipes, reaps its
 * own children by pidfd, and signals through pidfds, process groups and cgroups. See the package
 * documentation for the guarantees.
 *
 * <p>Where runs have cgroups, a {@link Guardian} kills them when the JVM dies, however it dies. Elsewhere every spawn
 * happens on the event-loop thread, so the death signal children set through {@code setpriv --pdeathsig KILL} (which
 * follows the thread that spawned them) fires when that thread ends: when the backend closes, or when the JVM dies.
 *
 * <p>Thread-safe: {@link #spawn} hands its work to the event loop and waits for it.
 */
final class LinuxProcessBackend implements ProcessBackend {
  private static final Logger log = LoggerFactory.getLogger(LinuxProcessBackend.class);

  /** The environment entry that marks every run (and every descendant that keeps its environment). */
  static final String MARKER_VARIABLE = "VIGIL_SUPERVISOR_ID";
  static final String NAME_VARIABLE = "VIGIL_PROCESS_NAME";

  /**
   * Runs between {@code setpriv} (where there is no guardian) and the program, in the child. Its words: {@code nofile=N},
   * the descriptor limit; {@code lc_all=VALUE} or {@code lc_all-}, the program's own {@code LC_ALL} where setpriv ran in
   * the C locale; {@code env=NAME=VALUE}, a loader variable the wrappers ran without ({@link #LOADER_VARIABLES}); the
   * cgroup directories to join; {@code jvm=FD}, after the joins, the JVM check; then {@code --} and the command.
   * The JVM check writes a newline to descriptor FD, the start's pipe, whose other end only the JVM holds: a dying
   * process closes its descriptors before it hands its children to a new parent, so if the JVM has died (before
   * {@code setpriv} set the death signal, or before the joins, where the {@link Guardian} kills the cgroups once the
   * JVM is gone) the write fails ({@code SIGPIPE} ends the shell, or {@code EPIPE} where it is ignored) and the program
   * never starts. One write: the check it replaces read the parent from {@code /proc/self/stat}, which the shell's
   * {@code read} does a byte at a time (305 reads, 0.5 ms of each start here). No shell variable is set, so none of the
   * program's environment is changed (a loop variable did: a run's {@code d} read {@code --}). Descriptor 3 is the
   * start's pipe: closed by the exec, so the backend's end reads end of file once the program itself runs
   * ({@link #programRuns}); the check's newline before it is read and passed over ({@link #startPipeEnded}).
   */
  static final String WRAPPER_SCRIPT = "while [ $# -gt 0 ]; do case \"$1\" in --) shift; exec \"$@\" 3>&-;;"
      + " nofile=*) ulimit -n \"${1#nofile=}\" || { echo \"vigil: cannot set the descriptor limit to ${1#nofile=}\" >&2; exit 125; };;"
      + " lc_all=*) LC_ALL=\"${1#lc_all=}\";; lc_all-) unset LC_ALL;; env=*) export \"${1#env=}\";;"
      + " jvm=*) echo >&\"${1#jvm=}\" || { echo \"vigil: the supervising JVM is gone; not starting\" >&2; exit 125; };;"
      + " *) echo 0 > \"$1/cgroup.procs\" || { echo \"vigil: cannot join cgroup $1\" >&2; exit 125; };; esac;"
      + " shift; done; exit 125";
  /**
   * The wrapper of a standby (the next run of a restarted process, prepared ahead): as {@link #WRAPPER_SCRIPT},
   * then it waits for a line on descriptor 3 before the exec; at end of file (the backend dropped it) it exits 125.
   * Its start's pipe is descriptor 4.
   */
  static final String STANDBY_SCRIPT = WRAPPER_SCRIPT.replace("exec \"$@\" 3>&-;", "read -r _ <&3 || exit 125; exec \"$@\" 3<&- 4>&-;");
  /**
   * The wrapper of a spare ({@code -Dvigil.linux.spares=N}: started ahead for whatever run comes next): as
   * {@link #WRAPPER_SCRIPT} it joins the cgroups made for it and checks that the JVM lives, then it sources what the backend
   * writes to descriptor 3 when a start takes it ({@link SpareScript}); at end of file (the backend dropped it) it
   * exits 125. Its start's pipe is descriptor 4, closed by the script's exec.
   */
  static final String SPARE_SCRIPT = WRAPPER_SCRIPT.replace("exec \"$@\" 3>&-;", ". /dev/fd/3; exit 125;");
  private static final long STANDBY_UNUSED_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int READ_ROUNDS = 16; // 16 x 64 KiB per pipe per wake-up, then the next pipe gets its turn
  private static final int EXIT_READ_ROUNDS = 16; // 1 MiB: /proc/sys/fs/pipe-max-size by default
  private static final long LINGER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long RECENT_SESSION_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long HOUSEKEEPING_DELAY_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long KILL_REAP_NANOS = TimeUnit.SECONDS.toNanos(2); // for runs killed as the loop ends (shutdown)

  private final String supervisorName;
  private final String id;
  private final HostFacts facts;
  private final ProcFs proc;
  private final Cgroups cgroups;
  private final StateFile stateFile;
  private final KernelLog kernelLog; // event loop only
  private final int self;
  private final String marker;
  private final int wakeFd;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Object wakeLock = new Object();
  private boolean wakeClosed; // guarded by wakeLock

  /**
   * Wakes the event loop; nothing once its eventfd is closed, since a descriptor number closed is soon
   * another file's (a spawn, a watch's close or close() racing the loop's end wrote 8 bytes into it).
   */
  private void wake() {
    synchronized (wakeLock) {
      if (!wakeClosed) {
        Fds.signalEventfd(wakeFd);
      }
    }
  }

  /** The event loop has ended and takes no more tasks. */
  private volatile boolean loopDone;
  private final Thread loop;
  /**
   * Cleans up after ended processes off the event loop: removes finished runs' cgroups (an {@code rmdir} of a run's
   * cgroup took up to 11 ms here, and the loop waiting in it reported a death beside it that much later,
   * bench/results/cgroup-remover.md) and closes the {@code /proc} files the sampler kept open for them (it waits for
   * a sample under way). One thread, made on first use, gone after 10 s without work.
   */
  private final ThreadPoolExecutor cleaner;
  /** A close of the sampler's files of ended processes is queued on the cleaner and has not begun. */
  private final java.util.concurrent.atomic.AtomicBoolean procFilesCloseQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closing;
  private boolean ended; // set by the event loop as it shuts down

  // owned by the event loop
  private final List<LinuxProcess> active = new ArrayList<>();
  /**
   * The runs of {@link #active} already reported as exited: a tree still lingering or a pipe still open. The
   * wake-ups look at these alone, so an idle loop does no work per live run; it went through all of them three
   * times a wake-up, on code that runs once a second and so stays interpreted.
   */
  private final List<LinuxProcess> finished = new ArrayList<>();
  private final List<ForeignWatch> watched = new ArrayList<>(); // processes this backend did not start
  private final Map<Integer, StateFile.Run> stateRuns = new LinkedHashMap<>();
  private final Map<Integer, Long> recentSessions = new HashMap<>();
  private final Epoll epoll;
  /** What each watched descriptor is, by its number: {@link #WAKE}, a {@link LinuxProcess} (its pidfd or a pipe) or a {@link ForeignWatch}. */
  private Object[] watching = new Object[256];
  private static final Object WAKE = new Object();
  private final NotifyReceiver notifyReceiver; // systemd notify sockets, with their own thread once used
  /**
   * Kills the runs' cgroups when the JVM dies, in place of a death signal per run; null where the runs have no cgroups
   * (or {@code -Dvigil.linux.guardian=false}): then {@code setpriv} gives each run a death signal. Event loop only
   * once the constructor has made it.
   */
  private @Nullable Guardian guardian;
  private volatile int guardianPid = -1; // for tests: the guardian's pid, -1 while there is none
  static final String GUARDIAN_PROPERTY = "vigil.linux.guardian";
  private final Memory readBuffer = new Memory(64 * 1024);
  private final byte[] heapBuffer = new byte[64 * 1024];
  private long runSequence;
  private long nextSweep;
  private long lastLingerCheck;
  private long housekeepingSince; // 0: nothing to do
  private boolean stateDirty;
  // opt-in: a standby is an extra idle process per restarted name, and preparing it slowed exit detection beside it
  // (bench/results/exit-standby-ab.tsv); see the README. "true": once a name was restarted; "from-start": from its
  // first start, so that a first crash (in a trading day often the only one) is restarted from a standby too
  private final String standbyMode = standbyMode(System.getProperty(STANDBY_PROPERTY));
  private final boolean standbyEnabled = !standbyMode.equals("false");
  private final boolean standbyFromStart = standbyMode.equals("from-start");
  private final Set<String> spawnedNames = boundedSet(); // names started at least once: their next start is a restart
  private final Set<String> changingNames = boundedSet(); // names whose standby did not match the next request: none prepared again
  private final List<Standby> retiring = new ArrayList<>(); // standbys to drop once the loop is idle
  private final Map<String, SpawnRequest> standbyWanted = new LinkedHashMap<>();
  private final Map<String, Standby> standbys = new HashMap<>();
  private long lastStandbyCheck;

  static final String STANDBY_PROPERTY = "vigil.linux.standby";
  static final String SPARES_PROPERTY = "vigil.linux.spares";
  private static final String SPARE_NAME = "spare";
  private static final int SPARE_ATTEMPTS = 3;
  private static final int MAX_SPARES = 16;
  // opt-in: idle wrappers kept started for whatever starts come next, so that a start skips setpriv's and the
  // shell's execs (bench/results/spawn-spare.md); the per-name standby still goes first where there is one
  private final int sparesKept = spares(System.getProperty(SPARES_PROPERTY, "0"));
  private final ArrayDeque<Launch> spares = new ArrayDeque<>(); // event loop only; the oldest (most likely ready) first
  private int spareFailures; // event loop only: spares in a row that ended before they were used; at SPARE_ATTEMPTS, no more

  private static int spares(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0 && n <= MAX_SPARES) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("system property " + SPARES_PROPERTY + " is '" + value
        + "': expected how many wrappers to keep started ahead for any start, 0 (the default) to " + MAX_SPARES);
  }

  private static String standbyMode(@Nullable String value) {
    if (value == null || value.equals("false") || value.equals("true") || value.equals("from-start")) {
      return value == null ? "false" : value;
    }
    throw new IllegalArgumentException("system property " + STANDBY_PROPERTY + " is '" + value
        + "': expected true (a restarted process's next run prepared ahead), from-start (every process's, from its first start) or false");
  }

  LinuxProcessBackend(BackendContext context, HostFacts facts) {
    this(context, facts, !"false".equals(System.getProperty("vigil.linux.cgroups")));
  }

  /** As above; {@code useCgroups} false runs without per-run cgroups, as on a machine where none is writable. */
  LinuxProcessBackend(BackendContext context, HostFacts facts, boolean useCgroups) {
    this.supervisorName = context.supervisorName();
    this.notifyReceiver = new NotifyReceiver(supervisorName);
    this.facts = facts;
    this.proc = new ProcFs();
    this.self = Kernel.pid();
    Path state = context.stateDirectory();
    this.id = state != null ? hash(state.toAbsolutePath().normalize().toString())
        : hash(supervisorName + "/" + self + "/" + System.nanoTime());
    this.marker = MARKER_VARIABLE + "=" + id;
    this.stateFile = new StateFile(state);
    String baseName = "vigil-" + id;
    CgroupLayout layout = useCgroups ? facts.cgroupLayout() : new CgroupLayout(null, null, null);
    if (stateFile.enabled()) {
      sweepLeftovers(stateFile, supervisorName, layout, id, proc, self);
    }
    this.cgroups = new Cgroups(layout, baseName, facts.shell());
    try {
      stateFile.write(cgroups.bases(), stateRuns);
    } catch (IOException e) {
      cgroups.close();
      throw new IllegalStateException("cannot write the Linux backend's state file in " + state + ": " + e, e);
    }
    this.kernelLog = new KernelLog();
    this.wakeFd = Fds.eventfd();
    this.epoll = new Epoll(256);
    watchFd(wakeFd, WAKE);
    if (!cgroups.bases().isEmpty() && facts.shell() != null && !"false".equals(System.getProperty(GUARDIAN_PROPERTY))) {
      startGuardian();
    }
    this.cleaner = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "vigil-" + supervisorName + "-cleanup");
      t.setDaemon(true);
      return t;
    });
    cleaner.allowCoreThreadTimeOut(true);
    this.loop = new Thread(this::loop, "vigil-" + supervisorName + "-linux");
    loop.setDaemon(true);
    HostFacts.backendOpened(facts);
    String guarded = guardian != null ? "runs die with the JVM: its guardian (pid " + guardian.pid
        + ") kills their cgroups" : "no guardian";
    loop.start();
    log.atInfo().addKeyValue("supervisor", supervisorName).log("Linux backend for supervisor {}: {}; {}; {}; kernel log {}", supervisorName,
        facts.describe(guardian != null), cgroups.describe(), guarded, kernelLog.unavailable().map(why -> "unreadable (" + why + ")").orElse("read for OOM kills"));
  }

  /** The guardian's pid, or empty where there is none (for tests). */
  java.util.OptionalInt guardianPid() {
    int pid = guardianPid;
    return pid < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(pid);
  }

  /** Starts the {@link Guardian} of the runs' cgroups and watches it; where it cannot start, says so, and setpriv stays. */
  private void startGuardian() {
    long ticks = proc.stat(self).map(ProcStat::startTicks).orElse(0L);
    try {
      Guardian g = Guardian.start(facts.shell(), self, ticks, cgroups.bases(), List.of(marker, "PATH=/usr/bin:/bin"));
      watchFd(g.pidfd.fd(), g);
      guardian = g;
      guardianPid = g.pid;
    } catch (NativeCallException e) {
      guardian = null;
      guardianPid = -1;
      log.atWarn().addKeyValue("supervisor", supervisorName).log("Supervisor {}: cannot start the guardian of its runs' cgroups ({}): "
          + "runs get a death signal instead{}", supervisorName, e.getMessage(), facts.setpriv() != null ? "" : ", which this machine cannot give (no setpriv)");
    }
  }

  /**
   * The guardian ended while the backend is open (someone killed it): reaped, said at WARN, and started again, so that
   * the runs still die with the JVM. Runs started meanwhile are in the cgroups the new one watches.
   */
  private void guardianEnded(Guardian g) {
    Optional<WaitStatus> status = g.reapIfEnded();
    if (status.isEmpty()) {
      return;
    }
    unwatchFd(g.pidfd.fd());
    g.pidfd.close();
    guardian = null;
    guardianPid = -1;
    if (closing) {
      return;
    }
    startGuardian();
    log.atWarn().addKeyValue("supervisor", supervisorName).log("Supervisor {}: the guardian of its runs (pid {}) ended ({}){}", supervisorName,
        g.pid, status.get().exited() ? "exit code " + status.get().status() : status.get().signaled() ? "killed by signal "
            + status.get().status() : "reaped elsewhere", guardian != null ? "; started again, pid " + guardian.pid : "");
  }

  /**
   * Kills what an earlier JVM's Linux backend left on this state file's directory (its cgroups' members, the sessions
   * of the runs it recorded, whatever carries its marker), each logged at WARN, and removes its cgroups.
   */
  private static void sweepLeftovers(StateFile stateFile, String supervisorName, CgroupLayout layout, String id, ProcFs proc, int self) {
    StateFile.Contents previous = stateFile.read();
    Set<Path> bases = new LinkedHashSet<>(previous.bases());
    for (Path p : new Path[] {layout.v2(), layout.v1Memory(), layout.v1Pids()}) {
      if (p != null) {
        bases.add(p.resolve("vigil-" + id));
      }
    }
    int killed = new Leftovers(proc, self).sweep(supervisorName, bases, previous.runs(), MARKER_VARIABLE + "=" + id);
    if (killed > 0) {
      log.atWarn().addKeyValue("supervisor", supervisorName)
          .log("Supervisor {}: killed {} leftover {} of an earlier run on this state directory", supervisorName, killed,
              killed == 1 ? "process" : "processes");
    }
  }

  /**
   * For a supervisor that picked another backend ({@link LinuxBackendProvider#sweepLeftovers}): kills what the Linux
   * backend of an earlier JVM left on {@code stateDirectory}, as this backend does when it is created there, and
   * forgets it ({@code linux-backend.state}). Nothing where no such file is (no Linux backend ran there, or it closed).
   * Reads the cgroup layout without {@link HostFacts#detect()}, which would make this JVM a child subreaper with no
   * event loop to reap what it adopts.
   */
  static void sweepLeftoversFor(String supervisorName, Path stateDirectory) {
    StateFile stateFile = new StateFile(stateDirectory);
    if (!java.nio.file.Files.exists(stateDirectory.resolve(StateFile.NAME))) {
      return;
    }
    String id = hash(stateDirectory.toAbsolutePath().normalize().toString());
    sweepLeftovers(stateFile, supervisorName, CgroupLayout.detect(), id, new ProcFs(), Kernel.pid());
    stateFile.delete();
  }

  @Override
  public String name() {
    return "linux";
  }

  private volatile io.github.vigil.linux.proc.@Nullable ProcTable procTable;

  /** The machine's processes from {@code /proc} ({@link io.github.vigil.linux.proc.ProcTable}). */
  @Override
  public io.github.vigil.spi.ProcessTable processTable() {
    io.github.vigil.linux.proc.ProcTable t = procTable;
    if (t == null) {
      synchronized (this) {
        t = procTable;
        if (t == null) {
          t = new io.github.vigil.linux.proc.ProcTable(Path.of("/proc"), facts.clockTicks());
          procTable = t;
        }
      }
    }
    return t;
  }

  private final io.github.vigil.spi.ListeningSockets listeningSockets = new io.github.vigil.linux.proc.ProcListeningSockets(Path.of("/proc"));

  /** Who holds listening sockets, from {@code /proc} ({@link io.github.vigil.linux.proc.ProcListeningSockets}). */
  @Override
  public Optional<io.github.vigil.spi.ListeningSockets> listeningSockets() {
    return Optional.of(listeningSockets);
  }

  private volatile @Nullable LinuxDiagnostics diagnostics;

  /** What a diagnosis learns from {@code /proc}: holders of ports, limits hit, noexec mounts ({@link LinuxDiagnostics}). */
  @Override
  public Optional<io.github.vigil.spi.ProcessInspector> inspector() {
    LinuxDiagnostics d = diagnostics;
    if (d == null) {
      synchronized (this) {
        d = diagnostics;
        if (d == null) {
          d = new LinuxDiagnostics(Path.of("/proc"), proc, processTable(), sampler().orElseThrow());
          diagnostics = d;
        }
      }
    }
    return Optional.of(d);
  }

  /** Exits of processes this backend did not start, through their pidfds polled by the event loop. */
  @Override
  public Optional<ExitWatcher> exitWatcher() {
    return Optional.of(foreignWatcher);
  }

  private final ExitWatcher foreignWatcher = new ExitWatcher() {
    @Override
    public Optional<Watch> watch(ProcessEntry process, Runnable onExit) {
      return watchForeign(process, onExit);
    }

    @Override
    public String describe() {
      return "a pidfd polled by thread " + loop.getName();
    }
  };

  /**
   * Opens a pidfd for a process this backend did not start, checks that it names the process listed
   * (same start time, not yet exited), and hands it to the event loop, which calls {@code onExit}
   * once it becomes readable. Never reaps it: it is not ours.
   */
  private Optional<ExitWatcher.Watch> watchForeign(ProcessEntry process, Runnable onExit) {
    if (closing) {
      throw new IllegalStateException("backend is closed");
    }
    // pid 1 too: a name or pattern may match it (a container's main process, the host's init)
    if (process.pid() < 1 || process.pid() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("pid must be between 1 and " + Integer.MAX_VALUE + ": " + process.pid());
    }
    int pid = (int) process.pid();
    Optional<Pidfd> opened = Pidfd.open(pid);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    Pidfd pidfd = opened.get();
    // the pidfd pins the pid: if the process it names started when the listed one did, it is the listed one
    Optional<ProcessEntry> now = processTable().get(pid);
    if (now.isEmpty() || !now.get().sameProcess(process) || exited(pidfd)) {
      pidfd.close();
      return Optional.empty();
    }
    ForeignWatch w = new ForeignWatch(pidfd, onExit);
    tasks.add(() -> {
      if (ended || w.closed) {
        pidfd.close();
      } else {
        watched.add(w);
        watchFd(pidfd.fd(), w);
      }
    });
    wake();
    return Optional.of(w);
  }

  private static boolean exited(Pidfd pidfd) {
    Poller p = new Poller();
    p.add(pidfd.fd(), Poller.IN);
    p.poll(0);
    return p.revents(0) != 0;
  }

  /** A watched process this backend did not start. */
  private final class ForeignWatch implements ExitWatcher.Watch {
    final Pidfd pidfd;
    final Runnable onExit;
    volatile boolean closed; // written under the lock, so onExit never runs after close() returned

    ForeignWatch(Pidfd pidfd, Runnable onExit) {
      this.pidfd = pidfd;
      this.onExit = onExit;
    }

    @Override
    public boolean signal(Signal signal) {
      return !closed && pidfd.sendSignal(signal.number());
    }

    /** On the event loop, when the pidfd became readable. */
    synchronized void exited() {
      if (!closed) {
        closed = true;
        try {
          onExit.run();
        } catch (RuntimeException e) {
          log.warn("Exit callback of watched pid {} failed", pidfd.pid(), e);
        }
        closeProcFilesOfEndedLater();
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      if (Thread.currentThread() == loop) {
        unwatch(this);
        return;
      }
      tasks.add(() -> unwatch(this));
      try {
        wake();
      } catch (NativeCallException e) {
        log.debug("Waking the event loop failed", e); // closed meanwhile: shutdown() closes the pidfd
      }
    }

    @Override
    public String toString() {
      return "ForeignWatch{pid " + pidfd.pid() + "}";
    }
  }

  private volatile io.github.vigil.linux.proc.@Nullable ProcSampler procSampler;

  /**
   * The {@code /proc} sampler ({@link io.github.vigil.linux.proc.ProcSampler}), with clock ticks and
   * page size from {@code sysconf}; made on first use and shared by every caller.
   */
  @Override
  public Optional<io.github.vigil.spi.ProcessSampler> sampler() {
    io.github.vigil.linux.proc.ProcSampler s = procSampler;
    if (s == null) {
      synchronized (this) {
        s = procSampler;
        if (s == null) {
          s = io.github.vigil.linux.proc.ProcSampler.builder().clockTicks(facts.clockTicks()).pageSize(Kernel.pageSize()).build();
          procSampler = s;
        }
      }
    }
    return Optional.of(s);
  }

  /** Whether OOM kills can be looked up in the kernel log. */
  boolean kernelLogReadable() {
    return kernelLog.unavailable().isEmpty();
  }

  /** The thread that spawns, reaps and drains every run. */
  Thread eventLoopThread() {
    return loop;
  }

  @Override
  public boolean offersNotifySockets() {
    return true;
  }

  @Override
  public Optional<io.github.vigil.spi.NotifySocket> openNotifySocket(String processName, io.github.vigil.spi.NotifySocket.Listener listener)
      throws java.io.IOException {
    return Optional.of(notifyReceiver.open(processName, listener));
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    if (closing) {
      throw new IllegalStateException("backend is closed");
    }
    if (Thread.currentThread() == loop) {
      return doSpawn(request, listener);
    }
    CompletableFuture<RunningProcess> result = new CompletableFuture<>();
    tasks.add(() -> {
      try {
        whenProgramRuns(doSpawn(request, listener), result);
      } catch (Throwable e) { // also a LinkageError from a C library that lacks a function: fail this spawn, not the loop
        result.completeExceptionally(e);
      }
    });
    runHereIfLoopEnded();
    try {
      while (true) {
        try {
          return result.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          if (!loop.isAlive()) {
            throw new IllegalStateException("the event loop of the Linux backend has ended");
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpawnException("interrupted while spawning " + request.name(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SpawnException se) {
        throw new SpawnException(se.getMessage(), se);
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw new IllegalStateException("spawning " + request.name() + " failed: " + err, err);
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Spawns on the event loop without waiting for it: the supervisor hands a restart straight here. */
  @Override
  public Optional<AsyncSpawner> asyncSpawner() {
    return Optional.of(this::spawnLater);
  }

  private CompletionStage<RunningProcess> spawnLater(Callable<SpawnRequest> prepare, ProcessListener listener) {
    CompletableFuture<RunningProcess> result = new CompletableFuture<>();
    if (closing) {
      result.completeExceptionally(new IllegalStateException("backend is closed"));
      return result;
    }
    tasks.add(() -> {
      try {
        whenProgramRuns(doSpawn(prepare.call(), listener), result);
      } catch (Throwable e) { // also a LinkageError from a C library that lacks a function: fail this spawn, not the loop
        result.completeExceptionally(e);
      }
    });
    runHereIfLoopEnded();
    return result;
  }

  /**
   * Wakes the loop for a task just queued; if the loop has already ended (a close raced the caller past its check),
   * runs the queued tasks here, where they fail on the ended state, so that no caller waits for a loop that is gone.
   */
  private void runHereIfLoopEnded() {
    if (Thread.currentThread() == loop) {
      return; // queued by the loop itself (a restart decided on its exit): it drains the queue before it polls again
    }
    try {
      wake();
    } catch (NativeCallException e) {
      log.debug("Waking the event loop failed", e); // it has ended: the task is run (and fails) below
    }
    if (loopDone) {
      for (Runnable t; (t = tasks.poll()) != null; ) {
        t.run();
      }
    }
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    notifyReceiver.close();
    io.github.vigil.linux.proc.ProcSampler sampler = procSampler;
    if (sampler != null) {
      sampler.close(); // the /proc files it keeps open; it still samples afterwards, by path
    }
    try {
      wake();
    } catch (NativeCallException e) {
      log.debug("Waking the event loop failed", e);
    }
    if (Thread.currentThread() == loop) {
      return; // closed from a listener: the loop finishes the close when the listener returns
    }
    try {
      loop.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (loop.isAlive()) {
      log.warn("The event loop of supervisor {} did not end within 15 s", supervisorName);
    }
  }

  // --- spawning (event loop) --------------------------------------------------------------------

  /**
   * Completes {@code started} with {@code p} once its program runs: at once where nothing stands in front of it, else
   * when the wrapper's exec closes the start's pipe (or the wrapper ends before it), as {@code ProcessBuilder.start()}
   * returns after the exec. Until then the pid is {@code setpriv} or the shell joining cgroups: a signal sent through
   * the returned process would reach the wrapper, and a kill would wait for a cgroup migration in flight.
   */
  private void whenProgramRuns(LinuxProcess p, CompletableFuture<RunningProcess> started) {
    if (p.startedFd < 0) {
      started.complete(p);
    } else {
      p.onProgramRuns = () -> started.complete(p);
    }
  }

  /**
   * Reads what the wrapper wrote to a start's pipe (its JVM check's newline) and whether the pipe is at end of file:
   * the exec closed it, or the wrapper ended. A read that fails says so too: waiting on would wait for nothing.
   */
  private static boolean startPipeEnded(int fd) {
    try {
      return Fds.drainToEnd(fd);
    } catch (NativeCallException e) {
      log.debug("Cannot read a start's pipe: {}", e.getMessage());
      return true;
    }
  }

  /** The start's pipe of {@code p} reads end of file (or {@code p} ended): its program runs; the start completes. */
  private void programRuns(LinuxProcess p) {
    if (p.startedFd < 0) {
      return;
    }
    unwatchFd(p.startedFd);
    Fds.close(p.startedFd);
    p.startedFd = -1;
    Runnable then = p.onProgramRuns;
    p.onProgramRuns = null;
    if (then != null) {
      then.run(); // completes the caller's start: the supervisor's own stages, not user code, run here
    }
  }

  private LinuxProcess doSpawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    if (ended) {
      throw new IllegalStateException("backend is closed");
    }
    OptionalLong memoryMax;
    OptionalLong pidsMax;
    try {
      memoryMax = LinuxLimits.memoryMax(request.labels());
      pidsMax = LinuxLimits.pidsMax(request.labels());
      LinuxLimits.nofile(request.labels()); // checked here; launch() reads it
    } catch (IllegalArgumentException e) {
      throw new SpawnException("process '" + request.name() + "': " + e.getMessage(), e);
    }
    if (!java.nio.file.Files.isRegularFile(request.executable()) || !java.nio.file.Files.isExecutable(request.executable())) {
      // the wrappers in front (sh, setpriv) would turn this into an exit code 127: say it as a start failure instead
      throw new SpawnException("cannot start " + request.executable() + ": "
          + (java.nio.file.Files.exists(request.executable()) ? "not an executable file" : "not found"));
    }
    Launch l = takeStandby(request);
    if (l == null) {
      l = takeSpare(request, memoryMax, pidsMax);
    }
    io.github.vigil.linux.proc.ProcSampler sampler = procSampler; // made before anything was prepared ahead
    if (l != null && sampler != null) {
      // prepared ahead, it waited since its own start (for a standby, since the last restart): its program starts now
      sampler.programStarted(l.pid, l.startTicks, System.currentTimeMillis());
    }
    if (l == null) {
      l = launch(request, memoryMax, pidsMax, false);
    }
    kernelLog.forget(l.pid); // an OOM kill logged for an earlier process with this pid is not this run's
    LinuxProcess p = new LinuxProcess(request.name(), l.pid, l.startTicks, l.pidfd, l.out, l.err, listener, l.cg, proc);
    p.startedFd = l.started;
    if (p.startedFd >= 0 && startPipeEnded(p.startedFd)) { // a prepared run's JVM check is read here, not by a wake-up
      Fds.close(p.startedFd);
      p.startedFd = -1;
    }
    active.add(p);
    watchFd(p.pidfd.fd(), p);
    if (p.startedFd >= 0) {
      watchFd(p.startedFd, p);
    }
    if (p.outFd >= 0) {
      watchFd(p.outFd, p);
    }
    if (p.errFd >= 0) {
      watchFd(p.errFd, p);
    }
    oomCountersToKeep = true;
    stateRuns.put(l.pid, new StateFile.Run(l.pid, l.startTicks, request.name()));
    stateDirty = true; // written once the loop is idle: the cgroup and the environment marker find the run meanwhile
    if (standbyEnabled && (!spawnedNames.add(request.name()) || standbyFromStart)) {
      standbyWanted.put(request.name(), request); // restarted (or asked from the start): the next run prepared once the loop is idle
    }
    return p;
  }

  /**
   * A child started and watched: its pid, pidfd, the read ends of its output pipes and of its start's pipe (-1 with
   * no wrapper in front of the program), its cgroups; {@code go} for a prepared run.
   */
  private record Launch(int pid, long startTicks, Pidfd pidfd, int out, int err, int started, Cgroups.@Nullable Run cg, int go) {}

  /**
   * Creates the run's cgroups and starts the child through {@code setpriv} and the wrapper. As a standby, the
   * wrapper joins the cgroups and then waits on descriptor 3 for the word to exec the program.
   */
  private Launch launch(SpawnRequest request, OptionalLong memoryMax, OptionalLong pidsMax, boolean standby) throws SpawnException {
    OptionalLong nofile = nofile(request);
    if (nofile.isPresent() && facts.shell() == null) {
      throw new SpawnException("process '" + request.name() + "': " + LinuxLimits.NOFILE + " asked for but no shell exists here to set it");
    }
    Cgroups.Run cg = createCgroups(request, memoryMax, pidsMax);
    // the shell wrapper joins the cgroups, checks that the JVM lives and execs the program: one pid throughout. Where a
    // guardian kills the cgroups when the JVM dies, that is all; else setpriv sets the death signal first. Without
    // setpriv or cgroups, the parts not needed are left out.
    List<String> argv = new ArrayList<>();
    List<String> env = environment(request);
    String setpriv = guardian == null ? addSetpriv(argv) : null;
    boolean wrapped = facts.shell() != null && (setpriv != null || cg != null || standby || nofile.isPresent());
    if (wrapped) { // the shell stands in front of the program: it closes the start's pipe as it execs
      argv.add(wrapperShell(request, facts.shell()));
      argv.add("-c");
      argv.add(standby ? STANDBY_SCRIPT : WRAPPER_SCRIPT);
      argv.add("vigil-run");
      if (nofile.isPresent()) {
        argv.add("nofile=" + nofile.getAsLong());
      }
      if (setpriv != null) {
        String asked = request.environment().get(LC_ALL);
        argv.add(asked == null ? "lc_all-" : "lc_all=" + asked);
        env = inCLocale(env);
      }
      env = withoutLoaderVariables(request, env, argv);
      if (cg != null) {
        cg.dirs().forEach(d -> argv.add(d.toString()));
      }
      addJvmCheck(argv, setpriv, standby ? 4 : 3);
      argv.add("--");
    } else if (setpriv != null) { // no shell here (no /bin/sh): setpriv runs the program itself
      env = loaderVariablesThroughEnv(request, env, argv);
    }
    String path = argv.isEmpty() ? request.executable().toString() : argv.get(0);
    argv.add(request.executable().toString());
    argv.addAll(request.command().subList(1, request.command().size()));
    return start(path, argv, env, request.directory().map(Path::toString).orElse(null), cg, wrapped, standby, request.command().get(0));
  }

  private final Set<String> warnedOfDroppedNames = boundedSet(); // event loop only

  /**
   * The shell for the run's wrapper: {@code shell}, unless the run's environment has a name that is not a shell
   * identifier ({@code my-var}, {@code spring.profiles.active}) and {@code shell} leaves such names out (dash,
   * Debian's {@code /bin/sh}): then a shell that keeps them (bash, {@link HostFacts#shellKeepingOddNames}). Where
   * there is none, said once per process name at WARN, naming the variables, rather than dropped unsaid.
   */
  private String wrapperShell(SpawnRequest request, String shell) {
    List<String> odd = null;
    for (String name : request.environment().keySet()) {
      if (!SpareScript.isShellName(name)) {
        (odd != null ? odd : (odd = new ArrayList<>())).add(name);
      }
    }
    if (odd == null) {
      return shell;
    }
    String keeping = HostFacts.shellKeepingOddNames(shell);
    if (keeping != null) {
      return keeping;
    }
    if (warnedOfDroppedNames.add(request.name())) {
      java.util.Collections.sort(odd);
      log.atWarn().addKeyValue("process", request.name()).log("Process {}: environment variables {} are not passed to it: the"
          + " wrapper's shell {} leaves out names that are not shell identifiers, and no shell that keeps them was found"
          + " ({}: {})", request.name(), odd, shell, HostFacts.ODD_NAMES_SHELLS_PROPERTY,
          HostFacts.oddNamesShells());
    }
    return shell;
  }

  /** The run's descriptor limit label, checked. */
  private static OptionalLong nofile(SpawnRequest request) throws SpawnException {
    try {
      return LinuxLimits.nofile(request.labels());
    } catch (IllegalArgumentException e) {
      throw new SpawnException("process '" + request.name() + "': " + e.getMessage(), e);
    }
  }

  /** Creates a new run's cgroups under their limits; null where no cgroup is writable and no limit was asked for. */
  private Cgroups.@Nullable Run createCgroups(SpawnRequest request, OptionalLong memoryMax, OptionalLong pidsMax) throws SpawnException {
    String runName = request.name() + "-" + (++runSequence);
    if (!cgroups.bases().isEmpty()) {
      try {
        return cgroups.create(runName, memoryMax, pidsMax);
      } catch (IllegalArgumentException e) {
        throw new SpawnException("process '" + request.name() + "': " + e.getMessage(), e);
      } catch (IOException e) {
        throw new SpawnException("process '" + request.name() + "': cannot set up its cgroup: " + e, e);
      }
    } else if (memoryMax.isPresent() || pidsMax.isPresent()) {
      throw new SpawnException("process '" + request.name() + "': resource limits asked for ("
          + LinuxLimits.MEMORY_MAX + ", " + LinuxLimits.PIDS_MAX + ") but no writable cgroup controller exists here");
    }
    return null;
  }

  /**
   * Adds the wrapper's JVM check ({@code jvm=FD}, after the cgroup joins; FD is the start's pipe) where something is to
   * be checked: that the death signal {@code setpriv} set came in time, or that the {@link Guardian} will find the run
   * in its cgroups.
   */
  private void addJvmCheck(List<String> argv, @Nullable String setpriv, int startPipe) {
    if (setpriv != null || guardian != null) {
      argv.add("jvm=" + startPipe);
    }
  }

  /** Adds {@code setpriv --pdeathsig KILL --} to {@code argv} where this machine has it; returns its path or null. */
  private @Nullable String addSetpriv(List<String> argv) {
    String setpriv = facts.setpriv();
    if (setpriv != null) {
      argv.add(setpriv);
      argv.add("--pdeathsig");
      argv.add("KILL");
      argv.add("--");
    }
    return setpriv;
  }

  private static final String LC_ALL = "LC_ALL";

  /**
   * {@code env} with {@code LC_ALL=C} in place of any {@code LC_ALL}: for setpriv, which otherwise reads the locale's
   * files (54 of them for {@code C.UTF-8}) to print nothing when all goes well, 0.4 ms of its 1.9 here. The wrapper
   * gives the program its own {@code LC_ALL} back ({@code lc_all=} or {@code lc_all-}).
   */
  private static List<String> inCLocale(List<String> env) {
    List<String> c = new ArrayList<>(env.size() + 1);
    for (String entry : env) {
      if (!entry.startsWith(LC_ALL + "=")) {
        c.add(entry);
      }
    }
    c.add(LC_ALL + "=C");
    return c;
  }

  /**
   * Variables that make the dynamic loader load more into every program it starts: the wrappers in front of the
   * program ({@code setpriv}, the shell) run without them, and the shell gives them back to the program alone
   * ({@code env=NAME=VALUE}). Each exec loaded them, so a library the loader cannot load was warned of three times on
   * the run's stderr (and in a start failure's diagnosis, which reads its first error lines), and a library that loads
   * (a profiler, an allocator) was started in {@code setpriv} and the shell too. {@code LD_LIBRARY_PATH} is left
   * alone: it only says where to look, warns of nothing, and a wrapper may need it to find its own libraries.
   */
  static final List<String> LOADER_VARIABLES = io.github.vigil.spi.LoaderVariables.NAMES;

  /**
   * {@code env} without {@link #LOADER_VARIABLES}, each one the request sets added to {@code argv} as a word for the
   * wrapper, {@code env=NAME=VALUE}, which it exports for the program; {@code env} itself (not copied) when the request
   * sets none.
   */
  private static List<String> withoutLoaderVariables(SpawnRequest request, List<String> env, List<String> argv) {
    int before = argv.size();
    for (String name : LOADER_VARIABLES) {
      String value = request.environment().get(name);
      if (value != null) {
        argv.add("env=" + name + "=" + value);
      }
    }
    return argv.size() == before ? env : withoutLoaderVariables(env);
  }

  /** A copy of {@code env} without {@link #LOADER_VARIABLES}. */
  private static List<String> withoutLoaderVariables(List<String> env) {
    List<String> without = new ArrayList<>(env.size());
    for (String entry : env) {
      if (!isLoaderVariable(entry)) {
        without.add(entry);
      }
    }
    return without;
  }

  /**
   * Where {@code setpriv} runs the program itself (no shell here to run the wrapper): {@code env}, run by setpriv
   * without {@link #LOADER_VARIABLES} and given those the request sets as {@code NAME=VALUE} words, runs the program
   * with them ({@code setpriv --pdeathsig KILL -- env LD_PRELOAD=... program args}; one pid throughout), so that the
   * loader warns of a library it cannot load once, for the program, not for setpriv too. {@code env} itself (not
   * copied) when the request sets none of them, where there is no {@code env}, or where the program's path holds a
   * {@code =} (env would take it for a variable): then setpriv runs with them as before.
   */
  private static List<String> loaderVariablesThroughEnv(SpawnRequest request, List<String> env, List<String> argv) {
    List<String> words = io.github.vigil.spi.LoaderVariables.envWords(request.executable().toString(), request.environment());
    if (words.isEmpty()) {
      return env;
    }
    argv.addAll(words); // env NAME=VALUE...: env runs the program with them
    return withoutLoaderVariables(env);
  }

  private static boolean isLoaderVariable(String entry) {
    for (String name : LOADER_VARIABLES) {
      if (entry.length() > name.length() && entry.charAt(name.length()) == '=' && entry.startsWith(name)) {
        return true;
      }
    }
    return false;
  }

  /** The run's whole environment: the request's, with this backend's marker and the process's name. */
  private List<String> environment(SpawnRequest request) {
    List<String> env = new ArrayList<>(request.environment().size() + 2);
    request.environment().forEach((k, v) -> {
      if (!k.equals(MARKER_VARIABLE) && !k.equals(NAME_VARIABLE)) {
        env.add(k + "=" + v);
      }
    });
    env.add(marker);
    env.add(NAME_VARIABLE + "=" + request.name());
    return env;
  }

  /**
   * Spawns {@code argv} with output and error into new pipes, opens its pidfd; on failure releases all of it,
   * {@code cg} included. A wrapper gets the start's pipe (descriptor 3, or 4 after the pipe of {@code withGo}, the
   * one a prepared run waits on).
   */
  private Launch start(String path, List<String> argv, List<String> env, @Nullable String directory, Cgroups.@Nullable Run cg,
      boolean wrapped, boolean withGo, String shown) throws SpawnException {
    int[] out = null;
    int[] err = null;
    int[] go = null;
    int[] started = null;
    int pid;
    try {
      out = Fds.pipe();
      err = Fds.pipe();
      go = withGo ? Fds.pipe() : null;
      started = wrapped ? Fds.pipe() : null;
      int[] inherited = go != null && started != null ? new int[] {go[0], started[1]}
          : go != null ? new int[] {go[0]} : started != null ? new int[] {started[1]} : new int[0];
      pid = Spawner.spawn(path, argv, env, directory, out[1], err[1], inherited);
    } catch (NativeCallException e) {
      closeAll(out);
      closeAll(err);
      closeAll(go);
      closeAll(started);
      if (cg != null) {
        cg.remove();
      }
      throw new SpawnException("cannot start " + shown + ": " + e.getMessage(), e);
    }
    // the pidfd first, before anything else can take the descriptors the pipes' write ends free up
    Pidfd pidfd;
    try {
      pidfd = Pidfd.open(pid).orElseThrow(() -> new NativeCallException("pidfd_open(" + pid + ") found no process for a child not yet reaped", 3));
    } catch (NativeCallException e) {
      // untracked, it would run unseen: kill it while its pid is still ours (unreaped), release everything
      Kernel.killAndReapChild(pid);
      closeAll(out);
      closeAll(err);
      closeAll(go);
      closeAll(started);
      if (cg != null) {
        cg.remove();
      }
      throw new SpawnException("cannot watch " + shown + " after starting it (pid " + pid
          + ", killed): " + e.getMessage() + (e.errno() == 24 ? "; this JVM is at its descriptor limit (RLIMIT_NOFILE)" : ""), e);
    }
    Fds.close(out[1]);
    Fds.close(err[1]);
    if (go != null) {
      Fds.close(go[0]);
    }
    if (started != null) {
      Fds.close(started[1]);
      Fds.setNonBlocking(started[0]);
    }
    Fds.setNonBlocking(out[0]);
    Fds.setNonBlocking(err[0]);
    long startTicks = proc.stat(pid).map(ProcStat::startTicks).orElse(0L);
    return new Launch(pid, startTicks, pidfd, out[0], err[0], started != null ? started[0] : -1, cg, go != null ? go[1] : -1);
  }

  // --- standbys (event loop) ----------------------------------------------------------------------

  /**
   * A process restarted once is likely restarted again: once the loop is idle after its start, the next run is
   * prepared as a standby (started, in its own new cgroups and under its limits, waiting in the wrapper before
   * the exec), so that a restart with the same request only tells it to go. The cgroup joins, the costly part of
   * a start here (each a migration under the kernel's cgroup_threadgroup_rwsem), are then off the restart's path.
   */
  private static final class Standby {
    final SpawnRequest request;
    final Launch launch;
    long unusedSince; // nanoTime since no run of its name has been alive; 0 while one is

    Standby(SpawnRequest request, Launch launch) {
      this.request = request;
      this.launch = launch;
    }
  }

  /** The prepared run for this request, told to go; null when there is none (or it no longer fits or lives). */
  private @Nullable Launch takeStandby(SpawnRequest request) {
    Standby sb = standbys.remove(request.name());
    if (sb == null) {
      return null;
    }
    if (!sb.request.equals(request)) {
      retiring.add(sb); // dropped once the loop is idle, not on this start's path
      changingNames.add(request.name());
      return null;
    }
    Optional<WaitStatus> ended = endedOrNot(sb.launch);
    if (ended.isPresent()) {
      standbyEnded(sb, ended.get());
      return null;
    }
    if (!Fds.writeNewline(sb.launch.go)) {
      discard(sb, "it stopped reading");
      return null;
    }
    Fds.close(sb.launch.go);
    return sb.launch;
  }

  /** Prepares the standbys asked for since the last housekeeping; drops those of names no longer run. */
  private void tendStandbys(long now) {
    for (Standby sb : retiring) {
      discard(sb, "the request changed");
    }
    retiring.clear();
    if (!standbyWanted.isEmpty() && !closing) {
      for (SpawnRequest r : standbyWanted.values()) {
        if (standbys.containsKey(r.name()) || changingNames.contains(r.name())) {
          continue;
        }
        try {
          sampler(); // made now, off the restart's path, so that the run it becomes gets its program's start time
          standbys.put(r.name(), new Standby(r, launch(r, LinuxLimits.memoryMax(r.labels()), LinuxLimits.pidsMax(r.labels()), true)));
          oomCountersToKeep = true;
          Standby sb = standbys.get(r.name());
          stateRuns.put(sb.launch.pid, new StateFile.Run(sb.launch.pid, sb.launch.startTicks, r.name()));
          stateDirty = true;
        } catch (SpawnException | RuntimeException e) {
          log.atDebug().addKeyValue("process", r.name()).log("Cannot prepare the next run of {}: {}", r.name(), e.toString());
        }
      }
      standbyWanted.clear();
    }
    while (spareWanted() && prepareSpare()) {
      // until as many wait as asked for
    }
    if ((standbys.isEmpty() && spares.isEmpty()) || now - lastStandbyCheck < SWEEP_NANOS) {
      return;
    }
    lastStandbyCheck = now;
    for (Iterator<Launch> it = spares.iterator(); it.hasNext(); ) {
      Launch l = it.next();
      Optional<WaitStatus> ended = endedOrNot(l);
      if (ended.isPresent()) {
        it.remove();
        spareEnded(l, ended.get());
      }
    }
    Set<String> running = new HashSet<>();
    for (LinuxProcess p : active) {
      if (!p.reported) {
        running.add(p.name);
      }
    }
    for (Iterator<Standby> it = standbys.values().iterator(); it.hasNext(); ) {
      Standby sb = it.next();
      Optional<WaitStatus> ended = endedOrNot(sb.launch);
      if (ended.isPresent()) {
        it.remove();
        standbyEnded(sb, ended.get());
      } else if (running.contains(sb.request.name())) {
        sb.unusedSince = 0;
      } else if (sb.unusedSince == 0) {
        sb.unusedSince = now;
      } else if (now - sb.unusedSince > STANDBY_UNUSED_NANOS) {
        it.remove();
        discard(sb, "no run of it for " + TimeUnit.NANOSECONDS.toSeconds(STANDBY_UNUSED_NANOS) + " s");
      }
    }
  }

  /** A standby that ended before it was used (it could not join a cgroup, or was killed): say why, release it. */
  private void standbyEnded(Standby sb, WaitStatus status) {
    log.atWarn().addKeyValue("process", sb.request.name()).log("The prepared next run of {} (pid {}) ended before it was used ({}){}",
        sb.request.name(), sb.launch.pid, status, whatItSaid(sb.launch));
    release(sb.launch);
  }

  /** What a prepared run that ended wrote to its error pipe, as {@code ": text"}, or nothing. */
  private String whatItSaid(Launch l) {
    String said = "";
    try {
      int n = Fds.read(l.err, readBuffer);
      if (n > 0) {
        said = ": " + new String(readBuffer.getByteArray(0, n), StandardCharsets.UTF_8).trim();
      }
    } catch (NativeCallException e) {
      // nothing to add
    }
    return said;
  }

  /** Stops a standby that was not used: it sees the end of its pipe and would exit; killed and reaped at once. */
  private void discard(Standby sb, String why) {
    log.atDebug().addKeyValue("process", sb.request.name()).log("Dropping the prepared next run of {} (pid {}): {}",
        sb.request.name(), sb.launch.pid, why);
    Kernel.killAndReapChild(sb.launch.pid); // waiting in the wrapper: it never ran the program
    release(sb.launch);
  }

  /** Closes a prepared run's descriptors and removes its cgroups and state entry; it has been reaped. */
  private void release(Launch l) {
    l.pidfd.close();
    Fds.close(l.go);
    Fds.close(l.started);
    Fds.close(l.out);
    Fds.close(l.err);
    if (l.cg != null) {
      l.cg.remove();
    }
    stateRuns.remove(l.pid);
    stateDirty = true;
  }

  private void discardStandbys() {
    for (Launch l; (l = spares.pollFirst()) != null; ) {
      Kernel.killAndReapChild(l.pid);
      release(l);
    }
    for (Standby sb : standbys.values()) {
      discard(sb, "the backend closes");
    }
    for (Standby sb : retiring) {
      discard(sb, "the backend closes");
    }
    retiring.clear();
    standbys.clear();
    standbyWanted.clear();
  }

  // --- spares (event loop) -----------------------------------------------------------------------

  /** Whether a spare should be started now: fewer than asked for, not given up on, not closing, a shell to run one. */
  private boolean spareWanted() {
    return spares.size() < sparesKept && spareFailures < SPARE_ATTEMPTS && !closing && facts.shell() != null;
  }

  /**
   * Starts a spare: the shell (behind {@code setpriv}, the death signal, where there is no guardian), in a new session with its own output pipes and
   * its own new cgroups (named {@code spare-N}, without limits), which it joins before it reads descriptor 3. It
   * carries the backend's marker from the start, so a cleanup after a crash finds it.
   *
   * @return whether it started
   */
  private boolean prepareSpare() {
    sampler(); // made now, off the start's path, so that the run it becomes gets its program's start time
    List<String> argv = new ArrayList<>();
    String setpriv = guardian == null ? addSetpriv(argv) : null;
    argv.add(facts.shell());
    argv.add("-c");
    argv.add(SPARE_SCRIPT);
    argv.add("vigil-spare");
    Launch l;
    try {
      Cgroups.Run cg = cgroups.bases().isEmpty() ? null : cgroups.create(SPARE_NAME + "-" + (++runSequence), OptionalLong.empty(), OptionalLong.empty());
      if (cg != null) {
        cg.dirs().forEach(d -> argv.add(d.toString()));
      }
      addJvmCheck(argv, setpriv, 4);
      argv.add("--");
      l = start(argv.get(0), argv, List.of(marker), null, cg, true, true, "a spare");
    } catch (IOException | SpawnException | RuntimeException e) {
      spareFailures++;
      log.debug("Cannot start a spare for supervisor {}: {}", supervisorName, e.toString());
      return false;
    }
    spares.addLast(l);
    stateRuns.put(l.pid, new StateFile.Run(l.pid, l.startTicks, SPARE_NAME));
    stateDirty = true;
    return true;
  }

  /**
   * The oldest spare made this run: the run's limits written into the cgroups it joined ahead, and the script that
   * joins any made now (a v1 pids cgroup for a limit), sets the descriptor limit, the directory and the environment
   * and execs the program written to it. Null (the start goes the usual way) when there is no live spare, or the
   * run needs what a spare cannot give exactly ({@link SpareScript#of}), or a working directory that
   * {@code posix_spawn} would refuse (its error then says why), or a limit the kernel refused on the spare's cgroups
   * (that spare is dropped).
   */
  private @Nullable Launch takeSpare(SpawnRequest request, OptionalLong memoryMax, OptionalLong pidsMax) throws SpawnException {
    if (spares.isEmpty()) {
      return null;
    }
    String directory = request.directory().map(Path::toString).orElse(null);
    if (directory != null && !(java.nio.file.Files.isDirectory(Path.of(directory)) && java.nio.file.Files.isExecutable(Path.of(directory)))) {
      return null;
    }
    Launch s = spares.peekFirst();
    Optional<WaitStatus> ended = endedOrNot(s);
    if (ended.isPresent()) {
      spares.pollFirst();
      spareEnded(s, ended.get());
      return null;
    }
    List<String> env = environment(request);
    List<String> args = request.command().subList(1, request.command().size());
    if (!SpareScript.canRun(env, request.executable(), args)) {
      return null;
    }
    Cgroups.Run cg = s.cg;
    List<Path> join;
    if (cg == null) {
      cg = createCgroups(request, memoryMax, pidsMax); // none writable here: null, or refused for a limit as usual
      join = cg != null ? cg.dirs() : List.of();
    } else {
      try {
        join = cgroups.limit(cg, memoryMax, pidsMax);
      } catch (IllegalArgumentException e) {
        throw new SpawnException("process '" + request.name() + "': " + e.getMessage(), e);
      } catch (IOException e) {
        spares.pollFirst();
        dropSpare(s, "a limit of " + request.name() + " could not be written: " + e);
        return null;
      }
    }
    String script = SpareScript.of(nofile(request), join, directory, env, pwdKept(request.environment().get("PWD"), directory),
        request.executable(), args);
    byte[] text = Spawner.encode(script);
    spares.pollFirst();
    if (text.length > readBuffer.size() / 2) { // a pipe holds 64 KiB: the write never waits; a run this large goes the usual way
      dropSpare(s, "the run's script of " + text.length + " bytes is larger than its pipe holds");
      return null;
    }
    readBuffer.write(0, text, 0, text.length);
    if (!Fds.writeAll(s.go, readBuffer, text.length)) {
      dropSpare(s, "it stopped reading");
      return null;
    }
    Fds.close(s.go);
    spareFailures = 0;
    return new Launch(s.pid, s.startTicks, s.pidfd, s.out, s.err, s.started, cg, -1);
  }

  /** Kills and releases a spare taken out of the queue, its cgroups with it; the start goes the usual way. */
  private void dropSpare(Launch s, String why) {
    log.debug("Dropping a spare of supervisor {} (pid {}): {}", supervisorName, s.pid, why);
    Kernel.killAndReapChild(s.pid);
    release(s);
  }

  /** The run's {@code PWD} if it names the run's working directory, as the shell started there keeps it; else null. */
  private static @Nullable String pwdKept(@Nullable String pwd, @Nullable String directory) {
    if (pwd == null || !pwd.startsWith("/")) {
      return null;
    }
    try {
      return java.nio.file.Files.isSameFile(Path.of(pwd), directory != null ? Path.of(directory) : Path.of("").toAbsolutePath()) ? pwd : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A prepared run's end if it has ended (reaped now), else empty. */
  private static Optional<WaitStatus> endedOrNot(Launch l) {
    try {
      return l.pidfd.reap();
    } catch (NativeCallException e) {
      return Optional.of(new WaitStatus(l.pid, 0, -1));
    }
  }

  /** A spare ended before it was used: say why, release it; after {@link #SPARE_ATTEMPTS} in a row, start no more. */
  private void spareEnded(Launch s, WaitStatus status) {
    spareFailures++;
    log.warn("The spare of supervisor {} (pid {}) ended before it was used ({}){}{}", supervisorName, s.pid, status, whatItSaid(s),
        spareFailures >= SPARE_ATTEMPTS ? "; no more spares: every start goes the usual way" : "");
    release(s);
  }

  /** A set that forgets its oldest entries beyond 4,096: names are hints here, not state. */
  private static Set<String> boundedSet() {
    return java.util.Collections.newSetFromMap(new LinkedHashMap<String, Boolean>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > 4096;
      }
    });
  }

  private static void closeAll(int @Nullable [] fds) {
    if (fds != null) {
      for (int fd : fds) {
        Fds.close(fd);
      }
    }
  }

  // --- the event loop ---------------------------------------------------------------------------

  private void loop() {
    long closeDeadline = 0;
    try {
      while (true) {
        for (Runnable t; (t = tasks.poll()) != null; ) {
          t.run();
        }
        if (closing) {
          if (closeDeadline == 0) {
            closeDeadline = System.nanoTime() + CLOSE_GRACE_NANOS;
            discardStandbys();
            killLeftBehind();
          }
          if (active.isEmpty() || System.nanoTime() > closeDeadline) {
            break;
          }
        }
        boolean lingering = false;
        for (LinuxProcess p : finished) {
          lingering |= p.lingering;
        }
        long now = System.nanoTime();
        if (housekeepingSince == 0 && (stateDirty || !standbyWanted.isEmpty() || !retiring.isEmpty() || spareWanted())) {
          // a task above (a spawn) left work for the housekeeping: arm it now, or the wait below would sleep until
          // the next sweep and a restart's standby would be prepared up to a second late
          housekeepingSince = now;
        }
        int timeout;
        if (housekeepingSince != 0) {
          timeout = 1; // tidy up after exits once the loop is idle, so a restart's spawn never waits behind it
        } else if (closing || lingering) {
          timeout = (int) TimeUnit.NANOSECONDS.toMillis(LINGER_CHECK_NANOS);
        } else if (!active.isEmpty() || !recentSessions.isEmpty() || facts.subreaper()) {
          // as child subreaper, also with no run of ours: the host's adopted orphans must not pile up as zombies
          timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - now));
        } else {
          timeout = -1;
        }
        int ready = epoll.await(timeout);
        List<LinuxProcess> exited = null;
        List<ForeignWatch> gone = null; // collected before any report: the supervisor may decide on one here and close a watch
        for (int i = 0; i < ready; i++) {
          int fd = epoll.fd(i);
          Object what = fd < watching.length ? watching[fd] : null;
          if (what == null) {
            continue; // removed by an earlier event of this batch
          }
          if (what == WAKE) {
            Fds.clearEventfd(wakeFd);
          } else if (what instanceof ForeignWatch w) {
            (gone != null ? gone : (gone = new ArrayList<>())).add(w);
          } else if (what instanceof Guardian g) {
            guardianEnded(g);
          } else {
            LinuxProcess p = (LinuxProcess) what;
            if (fd == p.outFd) {
              drain(p, StdStream.STDOUT, READ_ROUNDS);
            } else if (fd == p.errFd) {
              drain(p, StdStream.STDERR, READ_ROUNDS);
            } else if (fd == p.startedFd) {
              if (startPipeEnded(fd)) {
                programRuns(p);
              }
            } else if (!p.reported) {
              (exited != null ? exited : (exited = new ArrayList<>())).add(p);
            }
          }
        }
        if (exited == null) {
          exited = List.of();
        }
        for (LinuxProcess p : exited) {
          onExited(p);
        }
        if (gone != null) {
          for (ForeignWatch g : gone) {
            unwatch(g);
            g.exited();
          }
        }
        now = System.nanoTime();
        if (!exited.isEmpty() || stateDirty || now - nextSweep >= 0 || lingering && now - lastLingerCheck >= LINGER_CHECK_NANOS) {
          if (housekeepingSince == 0) {
            housekeepingSince = now;
          }
        }
        if (housekeepingSince != 0 && (ready == 0 || closing || now - housekeepingSince >= HOUSEKEEPING_DELAY_LIMIT_NANOS)) {
          housekeeping(now);
        }
      }
    } catch (Throwable t) {
      log.error("The event loop of supervisor {} failed; its processes are killed", supervisorName, t);
    } finally {
      shutdown();
    }
  }

  /** Watches {@code fd} (event loop): its events name {@code what}. */
  private void watchFd(int fd, Object what) {
    if (fd >= watching.length) {
      watching = java.util.Arrays.copyOf(watching, Math.max(fd + 1, watching.length * 2));
    }
    watching[fd] = what;
    epoll.add(fd, Epoll.IN);
  }

  /** Stops watching {@code fd} (event loop), before it is closed: its number may name another file next. */
  private void unwatchFd(int fd) {
    if (fd >= 0 && fd < watching.length && watching[fd] != null) {
      watching[fd] = null;
      epoll.remove(fd);
    }
  }

  /** Forgets a watch of a process this backend did not start, and closes its pidfd (event loop). */
  private void unwatch(ForeignWatch w) {
    if (watched.remove(w)) {
      unwatchFd(w.pidfd.fd());
    }
    w.pidfd.close();
  }

  /** Reads what a pipe holds, up to {@code rounds} buffers; closes it at end of file. */
  private void drain(LinuxProcess p, StdStream stream, int rounds) {
    for (int r = 0; r < rounds; r++) {
      int fd = stream == StdStream.STDOUT ? p.outFd : p.errFd;
      if (fd < 0) {
        return;
      }
      int got;
      try {
        got = Fds.read(fd, readBuffer);
      } catch (NativeCallException e) {
        log.atWarn().addKeyValue("process", p.name).log("Reading the {} of {} failed: {}", stream, p.name, e.getMessage());
        got = 0;
      }
      if (got == Fds.AGAIN) {
        return;
      }
      if (got == 0) {
        unwatchFd(fd);
        Fds.close(fd);
        if (stream == StdStream.STDOUT) {
          p.outFd = -1;
        } else {
          p.errFd = -1;
        }
        return;
      }
      readBuffer.read(0, heapBuffer, 0, got);
      try {
        p.listener.onOutput(stream, heapBuffer, 0, got);
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue("process", p.name).log("Output listener of {} failed", p.name, e);
      }
    }
  }

  private void onExited(LinuxProcess p) {
    programRuns(p); // ended in the wrapper or just after the exec, the start's pipe not yet read: its start is over
    Optional<WaitStatus> status;
    synchronized (p) {
      try {
        status = p.pidfd.reap();
      } catch (NativeCallException e) {
        // ECHILD: something else in this JVM reaped our child (a waitpid(-1) or a SIGCHLD handler of the host)
        log.atError().addKeyValue("process", p.name).log("Cannot reap {} (pid {}): {}; its exit status was taken by another waiter",
            p.name, p.pid, e.getMessage());
        status = Optional.of(new WaitStatus(p.pid, 0, -1));
      }
      if (status.isEmpty()) {
        return; // not yet: a spurious wake-up
      }
      p.markReaped();
    }
    // everything the process wrote before it exited is in the pipes now: deliver it first. A pipe holds at
    // most its capacity (64 KiB by default, 1 MiB at most unless raised), so that much is enough; a
    // descendant that keeps writing must not keep the exit from being reported.
    drain(p, StdStream.STDOUT, EXIT_READ_ROUNDS);
    drain(p, StdStream.STDERR, EXIT_READ_ROUNDS);
    WaitStatus st = status.get();
    Termination termination = st.exited() ? new Termination.Exited(st.status())
        : st.signaled() ? Termination.Signaled.of(st.status(), st.coreDumped())
        : new Termination.Unknown(st.code() == 0 ? "exit status taken by another waiter in this JVM"
            : "waitid reported si_code " + st.code() + ", status " + st.status());
    long oomMemory = Long.MIN_VALUE;
    String oomWho = "";
    if (st.signaled() && st.status() == Signal.SIGKILL.number()) {
      oomMemory = oomKill(p);
    } else if ((st.exited() && st.status() != 0 || st.signaled()) && p.cgroups != null && p.cgroups.oomKills() > 0) {
      // the main process failed after the kernel's OOM killer killed a descendant inside the run's memory limit
      // (a shell whose child was killed exits 137): that is the cause, not a plain exit (issue #12 item 8)
      oomMemory = p.cgroups.peakMemory();
      oomWho = " after the kernel's OOM killer killed a descendant in its memory cgroup";
    }
    unwatchFd(p.pidfd.fd());
    p.pidfd.close();
    p.reported = true;
    recentSessions.put(p.pid, System.nanoTime());
    try {
      if (oomMemory != Long.MIN_VALUE) {
        log.atWarn().addKeyValue("process", p.name).log("Process {} (pid {}) {} (memory {})", p.name, p.pid,
            oomWho.isEmpty() ? "was killed by the kernel's OOM killer" : "ended with " + termination + oomWho,
            oomMemory < 0 ? "unknown" : oomMemory + " bytes");
        p.listener.onOomKill(termination, oomMemory);
      } else {
        p.listener.onExit(termination);
      }
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("process", p.name).log("Exit listener of {} failed", p.name, e);
    }
    p.lingering = true; // checked below, after the sweep for adopted orphans
    finished.add(p);
  }

  /**
   * Whether a SIGKILL death of {@code p} was the kernel's OOM killer.
   *
   * @return the memory at death in bytes (-1 if unknown), or {@link Long#MIN_VALUE} if it was not an OOM kill
   */
  private long oomKill(LinuxProcess p) {
    long counted = p.cgroups != null ? p.cgroups.oomKills() : -1;
    if (counted == 0) {
      // the kernel counts an OOM kill in the victim's memory cgroup before it sends the SIGKILL, global OOM
      // kills too (memcg_memory_event_mm in __oom_kill_process): none counted, so someone else killed it
      return Long.MIN_VALUE;
    }
    Optional<OomKillRecord> logged = kernelLog.takeOomKill(p.pid);
    if (logged.isPresent()) {
      return logged.get().residentBytes();
    }
    if (counted > 0) {
      // the cgroup counted an OOM kill and its leader died of SIGKILL; the kernel log (which would name the victim) is not readable
      return p.cgroups.peakMemory();
    }
    return Long.MIN_VALUE;
  }

  /**
   * After exits, spawns and on timers, once the loop is idle: reap adopted orphans, release the
   * cgroups of runs whose trees are empty, forget finished runs, save the state file.
   */
  private void housekeeping(long now) {
    housekeepingSince = 0;
    sweepAdopted();
    nextSweep = now + SWEEP_NANOS;
    lastLingerCheck = now;
    checkLingering();
    tendStandbys(now);
    keepOomCountersOpen();
    for (Iterator<LinuxProcess> it = finished.iterator(); it.hasNext(); ) {
      LinuxProcess p = it.next();
      if (!p.lingering && p.outFd < 0 && p.errFd < 0) { // its tree is gone and its pipes are drained: forget it
        it.remove();
        active.remove(p);
        io.github.vigil.linux.proc.ProcSampler sampler = procSampler;
        if (sampler != null) {
          sampler.forgetProgramStart(p.pid);
        }
        closeProcFilesOfEndedLater();
        stateDirty = true;
      }
    }
    if (stateDirty) {
      stateDirty = false;
      saveState();
    }
  }

  /** The OOM counters of live runs and standbys, opened once so that a death by SIGKILL reads them with one pread. */
  private void keepOomCountersOpen() {
    if (!oomCountersToKeep) {
      return; // no run or standby since the last pass: every one was tried
    }
    oomCountersToKeep = false;
    for (LinuxProcess p : active) {
      if (!p.reported && p.cgroups != null) {
        p.cgroups.keepOomCounterOpen();
      }
    }
    for (Standby sb : standbys.values()) {
      if (sb.launch.cg != null) {
        sb.launch.cg.keepOomCounterOpen();
      }
    }
  }

  /** Runs whose leader has exited: once the tree is empty, remove their cgroups (off the loop) and let them go. */
  private void checkLingering() {
    for (LinuxProcess p : finished) {
      if (p.lingering && !p.removingCgroups && !p.treeAlive()) { // the loop's look sends nothing; the engine's looks do
        if (p.cgroups == null) {
          p.lingering = false;
          stateRuns.remove(p.pid);
        } else {
          removeCgroupsLater(p);
        }
      }
    }
  }

  /**
   * Has the cleaner close the sampler's files of processes that ended (a run, an attached process): with nothing
   * sampled any more they stayed open, as the sampler closes idle files only when it samples. Any thread.
   */
  private void closeProcFilesOfEndedLater() {
    io.github.vigil.linux.proc.ProcSampler sampler = procSampler;
    if (sampler != null && sampler.keepsFilesOpen() && procFilesCloseQueued.compareAndSet(false, true)) {
      try {
        cleaner.execute(() -> {
          procFilesCloseQueued.set(false);
          sampler.closeFilesOfEnded();
        });
      } catch (RejectedExecutionException e) {
        procFilesCloseQueued.set(false); // the backend closes, and the sampler's files with it
      }
    }
  }

  /** Hands an empty run's cgroups to the cleaner's thread; the loop hears back through its task queue. */
  private void removeCgroupsLater(LinuxProcess p) {
    Cgroups.Run cg = p.cgroups;
    cg.closeOomCounter(); // the loop's own descriptor; only the directories go to the other thread
    p.removingCgroups = true;
    try {
      cleaner.execute(() -> {
        boolean removed = cg.removeDirs();
        tasks.add(() -> cgroupsRemoved(p, removed));
        wake();
      });
    } catch (RejectedExecutionException e) {
      p.removingCgroups = false; // the backend closes: its shutdown removes them
    }
  }

  private void cgroupsRemoved(LinuxProcess p, boolean removed) {
    p.removingCgroups = false;
    if (removed) {
      p.lingering = false;
      stateRuns.remove(p.pid);
      stateDirty = true;
    } // else a task is still there (seen empty a moment early): the next lingering check hands them over again
  }

  /**
   * Reaps orphans of our runs that this JVM adopted as child subreaper and that have exited: processes of our sessions
   * or cgroups, and any of a session that is neither this JVM's nor their own (such as what an exec health check left,
   * run under {@code setsid}), at once; others once they have stayed zombies for a second. Never a child the JDK or the
   * host application waits for: those keep this JVM's session or lead their own.
   */
  private final Map<Integer, long[]> lingeringZombies = new HashMap<>(); // event loop only: pid -> {start ticks, first seen}
  private boolean oomCountersToKeep; // event loop only: a run or standby added since keepOomCountersOpen's last pass

  private static final int SESSION_UNREAD = -1;
  private static final int SESSION_UNREADABLE = -2;

  private void sweepAdopted() {
    long now = System.nanoTime();
    recentSessions.values().removeIf(t -> now - t > RECENT_SESSION_NANOS);
    if (!facts.subreaper()) {
      return;
    }
    Set<Integer> children = childrenOfThisJvm();
    if (children.isEmpty()) { // as nearly always: no set of our sessions to build, once a second
      lingeringZombies.clear();
      return;
    }
    Set<Integer> sessions = new HashSet<>(recentSessions.keySet());
    Set<Integer> leaders = new HashSet<>();
    for (LinuxProcess p : active) {
      sessions.add(p.pid);
      if (!p.reaped()) {
        leaders.add(p.pid); // reaped through its pidfd, not here
      }
    }
    for (Standby sb : standbys.values()) {
      leaders.add(sb.launch.pid);
    }
    for (Standby sb : retiring) {
      leaders.add(sb.launch.pid);
    }
    Map<Integer, long[]> zombiesNow = new HashMap<>();
    int jvmSession = SESSION_UNREAD; // read once a zombie child is found
    for (int child : children) {
      if (leaders.contains(child)) {
        continue;
      }
      Optional<ProcStat> s = proc.stat(child);
      if (s.isEmpty() || !s.get().zombie() || s.get().ppid() != self) {
        continue;
      }
      boolean ours = sessions.contains(s.get().session()) || sessions.contains(s.get().pgrp())
          || proc.read(child, "cgroup").map(c -> c.contains("/vigil-" + id + "/")).orElse(false);
      if (!ours) {
        // A child this JVM made itself (the JDK's, ours, native code's) keeps the JVM's session or leads one of its own
        // (setsid): a child in any other session is an orphan it adopted, whose own parent was the one to wait for it.
        // So are the leftovers of exec health checks, which run in sessions of their own: reaped now, not a second
        // later, as the last backend's close (which ends the subreaper) may come in between (about 0.6 zombies a close).
        // The JVM's session reads 0 where its leader is outside this pid namespace (a container's, CI's): a session all
        // the same, as the kernel shows it to every process here
        if (jvmSession == SESSION_UNREAD) {
          jvmSession = proc.stat(self).map(ProcStat::session).orElse(SESSION_UNREADABLE);
        }
        ours = jvmSession >= 0 && s.get().session() != jvmSession && s.get().session() != child;
      }
      if (!ours) {
        // Someone else's orphan, adopted only because this JVM is a child subreaper (the host application's
        // double-forked daemons): reaped once it has stayed a zombie for a whole sweep with the same start
        // time, so it does not pile up (issue #12 item 7). A ProcessBuilder child is never one: the JDK's
        // reaper thread, blocked in waitpid on it, takes it within milliseconds, so its status stays the JDK's.
        // (Sweeps also run after every exit, so "a whole sweep" is measured in time, not in sweeps.)
        long[] seen = lingeringZombies.get(child);
        if (seen == null || seen[0] != s.get().startTicks()) {
          seen = new long[] {s.get().startTicks(), now};
        }
        zombiesNow.put(child, seen);
        ours = now - seen[1] >= SWEEP_NANOS; // a zombie for a full second: no JDK reaper is about to take it
        if (ours) {
          zombiesNow.remove(child);
          log.debug("Reaping {} ({}), an orphan adopted as child subreaper that stayed a zombie for {} ms", child,
              io.github.vigil.HumanFormat.commandLine(s.get().comm()),
              TimeUnit.NANOSECONDS.toMillis(SWEEP_NANOS));
        }
      }
      if (ours) {
        try {
          Kernel.reapChild(child).ifPresent(w -> log.debug("Reaped adopted orphan {} ({})", child, io.github.vigil.HumanFormat.commandLine(s.get().comm())));
        } catch (NativeCallException e) {
          log.debug("Cannot reap adopted orphan {}: {}", child, e.getMessage());
        }
      }
    }
    lingeringZombies.clear();
    lingeringZombies.putAll(zombiesNow);
  }

  /**
   * The children among which adopted orphans are found. The kernel gives an orphan to the subreaper's first live
   * thread (its {@code find_alive_thread}), and so also the children of a thread that exits: that is the leader
   * (tid = pid), which the {@code java} launcher keeps waiting for the JVM to end, so its one list is read
   * ({@code /proc/self/task/PID/children}) and not one per thread (about 30 reads, a millisecond a sweep). In a JVM
   * created from native code the leader may have exited (its {@code stat} is read on each sweep to know): then the
   * lists of every thread. A child of another live thread is one of ours (reaped through its pidfd) or the JDK's
   * (reaped by its own reaper), never an orphan.
   */
  private Set<Integer> childrenOfThisJvm() {
    if (leaderTask == null) { // kept open: read once a second, on code that stays interpreted
      leaderTask = Path.of("/proc/self/task/" + self);
      leaderStat = LAUNCHER_LEADER ? null : KeptFile.openOrNull(leaderTask.resolve("stat"), 512);
      leaderChildren = KeptFile.openOrNull(leaderTask.resolve("children"), 512);
    }
    if (LAUNCHER_LEADER || leaderRuns()) {
      String list = readKeptOr(leaderChildren, leaderTask, "children");
      if (list.isBlank()) {
        return Set.of();
      }
      Set<Integer> children = new HashSet<>();
      addPids(list, children);
      return children;
    }
    Set<Integer> children = new HashSet<>();
    try (var tasksDir = java.nio.file.Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasksDir) {
        addPids(Cgroups.readOr(task.resolve("children"), ""), children);
      }
    } catch (IOException e) {
      log.debug("Cannot list the children of this JVM", e);
    }
    return children;
  }

  /**
   * Whether the leader thread lives as long as this JVM: the {@code java} launcher's (and jpackage's) first thread
   * starts the JVM's main thread and waits in {@code pthread_join} for it, then exits the process; it runs
   * {@code main} itself only where that thread cannot be created. A JVM created from native code may lose it.
   */
  private static final boolean LAUNCHER_LEADER = "SUN_STANDARD".equals(System.getProperty("sun.java.launcher"));

  /** Whether the leader thread is alive (its {@code stat} read, kept open); false where it cannot be read. */
  private boolean leaderRuns() {
    String stat = readKeptOr(leaderStat, leaderTask, "stat");
    int close = stat.lastIndexOf(')');
    char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
    return state != '?' && !ProcFiles.isEndedState(state);
  }

  private @Nullable Path leaderTask; // event loop only, as the two below; set when the files are first tried
  private @Nullable KeptFile leaderStat;
  private @Nullable KeptFile leaderChildren;

  private static String readKeptOr(@Nullable KeptFile kept, Path dir, String name) {
    if (kept != null) {
      try {
        return kept.read();
      } catch (IOException e) {
        // read by path below
      }
    }
    return Cgroups.readOr(dir.resolve(name), "");
  }

  private void closeLeaderFiles() {
    for (KeptFile kept : new KeptFile[] {leaderStat, leaderChildren}) {
      if (kept != null) {
        kept.close();
      }
    }
    leaderStat = null;
    leaderChildren = null;
  }

  private static void addPids(String list, Set<Integer> into) {
    for (String pid : list.trim().split(" ")) {
      if (!pid.isEmpty()) {
        into.add(Integer.parseInt(pid));
      }
    }
  }

  /**
   * At close: whatever still runs was not stopped by the supervisor; kill it. A run that ended and lingers only until
   * its cgroups are removed (stopped a moment ago) has nothing left to kill, and no warning: one was logged for
   * runs stopped on request just before the close.
   */
  private void killLeftBehind() {
    for (LinuxProcess p : active) {
      if (!p.reported) {
        log.atWarn().addKeyValue("process", p.name).log("Killing {} (pid {}) as the backend closes", p.name, p.pid);
        p.signalTree(Signal.SIGKILL);
      } else if (p.lingering && p.treeAlive()) {
        log.atWarn().addKeyValue("process", p.name).log("Killing what {} (pid {}, ended) left running as the backend closes", p.name, p.pid);
        p.signalTree(Signal.SIGKILL);
      }
    }
  }

  private void shutdown() {
    ended = true;
    cleaner.shutdown(); // what it holds is finished first: no rmdir of its own races the ones below
    try {
      if (!cleaner.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("Removing the cgroups of supervisor {} did not end within 5 s", supervisorName);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    discardStandbys();
    List<LinuxProcess> unreported = new ArrayList<>();
    for (LinuxProcess p : active) {
      programRuns(p); // no caller waits on a start any more
      if (!p.reported) {
        p.signalTree(Signal.SIGKILL);
        unreported.add(p);
      }
    }
    reapAndReport(unreported);
    for (LinuxProcess p : active) {
      if (p.outFd >= 0) {
        Fds.close(p.outFd);
        p.outFd = -1;
      }
      if (p.errFd >= 0) {
        Fds.close(p.errFd);
        p.errFd = -1;
      }
      p.pidfd.close();
      if (p.cgroups != null) {
        p.cgroups.remove();
      }
    }
    active.clear();
    finished.clear();
    for (ForeignWatch w : watched) {
      w.pidfd.close();
    }
    watched.clear();
    sweepAdopted();
    closeLeaderFiles();
    cgroups.close();
    stateRuns.clear();
    stateFile.delete();
    if (guardian != null) { // last: until here, a death of the JVM still leaves nothing behind
      unwatchFd(guardian.pidfd.fd());
      guardian.dismiss();
      guardian = null;
      guardianPid = -1;
    }
    synchronized (wakeLock) { // no wake() writes to this number once it is closed (it may name another file then)
      wakeClosed = true;
      Fds.close(wakeFd);
    }
    epoll.close();
    kernelLog.close();
    HostFacts.backendClosed(facts);
    loopDone = true; // from now on whoever queues a task runs it (see spawnLater)
    for (Runnable t; (t = tasks.poll()) != null; ) {
      t.run(); // spawns that raced the close: they fail on the closed state below
    }
  }

  /**
   * The runs killed by {@link #shutdown} that no exit was reported for (the loop failed, or a close's grace ran out):
   * each is reaped once dead, so that none stays a zombie of this JVM, and its end reported to its listener, so that the
   * supervisor does not take it for running (a restart it then asks for fails: the backend is closed). Waits up to
   * {@link #KILL_REAP_NANOS} in all; one still alive then (in uninterruptible sleep) is left to the subreaper's sweeps
   * of a later backend, said at WARN.
   */
  private void reapAndReport(List<LinuxProcess> killed) {
    long deadline = System.nanoTime() + KILL_REAP_NANOS;
    List<LinuxProcess> left = new ArrayList<>(killed);
    while (!left.isEmpty()) {
      for (java.util.Iterator<LinuxProcess> it = left.iterator(); it.hasNext(); ) {
        LinuxProcess p = it.next();
        Optional<WaitStatus> status;
        synchronized (p) {
          try {
            status = p.pidfd.reap();
          } catch (NativeCallException e) {
            status = Optional.of(new WaitStatus(p.pid, 0, -1)); // taken by another waiter: ended all the same
          }
          if (status.isEmpty()) {
            continue;
          }
          p.markReaped();
        }
        it.remove();
        p.reported = true;
        WaitStatus st = status.get();
        Termination t = st.exited() ? new Termination.Exited(st.status())
            : st.signaled() ? Termination.Signaled.of(st.status(), st.coreDumped())
            : new Termination.Unknown("ended as the Linux backend of supervisor " + supervisorName + " stopped");
        try {
          p.listener.onExit(t);
        } catch (RuntimeException | Error e) { // the loop is over already: tell the others all the same
          log.atWarn().addKeyValue("process", p.name).log("Exit listener of {} failed", p.name, e);
        }
      }
      if (left.isEmpty() || System.nanoTime() - deadline > 0) {
        break;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (LinuxProcess p : left) {
      log.atWarn().addKeyValue("process", p.name).log("Process {} (pid {}) survives SIGKILL as the Linux backend of supervisor {} stops",
          p.name, p.pid, supervisorName);
    }
  }

  private boolean stateUnwritable; // event loop only: the last write of the state file failed, and that was logged

  /** Writes the state file; its failures are logged once until a write succeeds again (a write follows each start and exit). */
  private void saveState() {
    try {
      stateFile.write(cgroups.bases(), stateRuns);
      if (stateUnwritable) {
        stateUnwritable = false;
        log.info("The Linux backend's state file {} is written again", stateFile.file());
      }
    } catch (IOException | RuntimeException e) {
      if (!stateUnwritable) {
        stateUnwritable = true;
        log.warn("Cannot write the Linux backend's state file {}: {}; supervision goes on, but should this JVM die, the next start "
            + "would not sweep what its runs left (said once, until it is written again)", stateFile.file(), e.toString());
      } else {
        log.debug("Still cannot write the Linux backend's state file {}: {}", stateFile.file(), e.toString());
      }
    }
  }

  static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "LinuxProcessBackend{" + supervisorName + ", id " + id + "}";
  }
}
