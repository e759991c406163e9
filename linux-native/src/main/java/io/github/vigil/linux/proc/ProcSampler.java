package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.Protocol;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessSample.Scope;
import io.github.vigil.ProcessSample.Socket;
import io.github.vigil.ProcessSample.ZombieChild;
import io.github.vigil.Ticker;
import io.github.vigil.linux.proc.ProcParsers.Stat;
import io.github.vigil.linux.proc.ProcParsers.Status;
import io.github.vigil.spi.ProcFiles;
import io.github.vigil.spi.ProcessSampler;
import io.github.vigil.spi.ProcessSampleBuilder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessSampler} that reads {@code /proc} in plain Java: everything
 * {@link ProcessSample.Field} lists, for one process, a process tree or a group.
 *
 * <p>Per process it reads {@code stat} (CPU, with its reaped children's, which a tree counts: {@link Field#CPU_USER};
 * faults, with theirs likewise; memory, threads, state, start), {@code status}
 * (effective uid, {@code VmSwap}, context switches), {@code io} (read and written bytes),
 * {@code smaps_rollup} (Pss), {@code limits} (descriptor limit), the size of {@code fd/} (the
 * number of open descriptors, Linux 6.2+; listed on older kernels), and for a multithreaded process
 * every {@code task/TID/status} (thread states, and context switches, which the process's own
 * {@code status} gives for its leader thread only), and only when {@link Field#SOCKETS} is asked for, every
 * descriptor link and the namespace's {@code net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}.
 * Files the kernel refuses leave their fields absent. Each file is read whole into one reused
 * buffer and parsed as bytes, so a sample of one process allocates a few hundred bytes, mostly the
 * JDK's file channel and the sample itself.
 *
 * <p>Children (for trees and zombie children) come from each thread's {@code task/TID/children}
 * where the kernel has it (CONFIG_PROC_CHILDREN; one small read for a single-threaded process).
 * Without it, they come from a scan of every {@code /proc/PID/stat} for parent pids; the scan is
 * shared by all samples taken within {@linkplain Builder#processTableMaxAge the table's maximum age}
 * (default 500 ms, so sampling hundreds of processes every second scans about twice a second, not
 * once per process; a descendant younger than the last scan is seen at the next one). Sockets are looked up in the network namespace of the first member.
 *
 * <p>Clock ticks per second and the page size come from the JVM's own auxiliary vector
 * ({@code AT_CLKTCK}, {@code AT_PAGESZ} in {@code /proc/self/auxv}), which is what {@code sysconf}
 * answers, so no native code is needed.
 *
 * <p>Sampling the same processes every second is what it is made for: from a process's second
 * sample on, the files it reads of {@code stat}, {@code status}, {@code statm}, {@code io}, {@code children} and {@code fd/}
 * stay open and are re-read in place
 * (bounded by {@link Builder#keepOpen(int)}; closed when the process is gone, when it has not been
 * sampled for {@linkplain Builder#keepOpenIdle(Duration) a while}, and by {@link #close()}), and the
 * costly or slow-changing fields (Pss, the descriptor limit, a multithreaded process's per-thread
 * states, context switches and children lists) are re-read at most every {@linkplain Builder#slowFieldsMaxAge(Duration) 10 s}
 * per process. Only the files the asked fields need are read: the exact resident memory alone comes from
 * {@code statm}, a third of {@code status}'s size, and from {@code status} when that is read anyway. A pid reused by another process
 * is noticed by its start time and read afresh.
 *
 * <p>Thread-safe: calls are serialized on one set of reused buffers.
 */
public final class ProcSampler implements ProcessSampler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcSampler.class);
  private static final Set<Field> SUPPORTED = Collections.unmodifiableSet(EnumSet.allOf(Field.class));
  private static final byte[] SOCKET_PREFIX = ProcParsers.ascii("socket:[");

  private final Path procRoot;
  private final SystemConstants constants;
  private final long nanosPerTick;
  private final long tableMaxAgeNanos;
  private final Users users;
  private final boolean fdSizeIsCount;
  private final boolean childrenFiles;
  private final int keepOpenMax;
  private final long filesKeptOpenMax;
  /** Descriptors kept open by every sampler in this JVM: together they keep at most a quarter of the soft limit. */
  private static final java.util.concurrent.atomic.AtomicLong FILES_KEPT_OPEN = new java.util.concurrent.atomic.AtomicLong();
  private final long keepOpenIdleNanos;
  private final long slowFieldsMaxAgeNanos;
  /** The age beyond which slow fields are read again in the call under way ({@link #withSlowFieldsMaxAge}); guarded by this. */
  private long callMaxAgeNanos = Long.MAX_VALUE;
  private final Ticker ticker;
  private final List<PidFiles> held = new ArrayList<>();
  private volatile boolean holdsFiles; // !held.isEmpty(), for a look without the lock
  private long nextSweep;
  private boolean closed;

  // reused state, guarded by this
  private final ProcReader reader = new ProcReader(16 * 1024);
  private final Stat stat = new Stat();
  private final Stat childStat = new Stat();
  private final Status status = new Status();
  private final Member member = new Member();
  private final ProcessSampleBuilder builder = ProcessSampleBuilder.of(Scope.PROCESS, 0);
  private final Map<Long, PidFiles> files = new HashMap<>();
  private long[] table = new long[1024];    // (ppid << 32 | pid), sorted
  private int tableSize;
  private long tableAt = Long.MIN_VALUE;
  private long[] treePids = new long[64];
  private long[] kids = new long[16];
  private long[] treeParents = new long[64];
  private long[] socketInodes = new long[64];
  private long[] socketPids = new long[64];
  private int socketCount;
  private @Nullable LongConsumer afterStatHook;
  /** pid: {its process's kernel start ticks, the epoch millis its program began}, for processes that waited first. */
  private final java.util.concurrent.ConcurrentHashMap<Long, long[]> programStarts = new java.util.concurrent.ConcurrentHashMap<>();

  private ProcSampler(Builder b) {
    this.procRoot = b.procRoot;
    SystemConstants read = SystemConstants.read(procRoot, reader);
    this.constants = new SystemConstants(b.clockTicks > 0 ? b.clockTicks : read.clockTicks(),
        b.pageSize > 0 ? b.pageSize : read.pageSize(), read.bootMillis(), read.memTotalBytes());
    this.nanosPerTick = 1_000_000_000L / constants.clockTicks();
    this.tableMaxAgeNanos = b.tableMaxAge.toNanos();
    this.users = new Users(b.passwd);
    this.fdSizeIsCount = fdSizeIsCount(procRoot);
    this.childrenFiles = childrenFiles(procRoot);
    this.keepOpenMax = b.keepOpen;
    this.filesKeptOpenMax = openFilesSoftLimit(procRoot, reader) / 4;
    this.keepOpenIdleNanos = b.keepOpenIdle.toNanos();
    this.slowFieldsMaxAgeNanos = b.slowFieldsMaxAge.toNanos();
    this.ticker = b.ticker;
    log.debug("Sampling {} with {} ticks/s, {}-byte pages, boot at {} ms, {} bytes of memory", procRoot,
        constants.clockTicks(), constants.pageSize(), constants.bootMillis(), constants.memTotalBytes());
  }

  /**
   * Whether the size of {@code /proc/PID/fd} is the number of open descriptors (Linux 6.2+), checked
   * on this JVM's own descriptors; not on older kernels, nor on a directory of fixtures.
   */
  private static boolean fdSizeIsCount(Path procRoot) {
    File self = procRoot.resolve("self").resolve("fd").toFile();
    for (int attempt = 0; attempt < 3; attempt++) { // the JVM may open or close a file between the two looks
      long size = self.length();
      String[] listed = self.list();
      // the listing sees one descriptor more: its own, open on the directory while it is read
      if (listed != null && size > 0 && (size == listed.length || size + 1 == listed.length)) {
        return true;
      }
    }
    return false;
  }

  /** Whether threads list their children ({@code task/TID/children}, CONFIG_PROC_CHILDREN), checked on this JVM. */
  private static boolean childrenFiles(Path procRoot) {
    File task = procRoot.resolve("self").resolve("task").toFile();
    String[] tids = task.list();
    return tids != null && tids.length > 0 && new File(task, tids[0] + File.separator + "children").isFile();
  }

  /** This JVM's soft limit of open descriptors; a generous guess if it cannot be read. */
  private static long openFilesSoftLimit(Path procRoot, ProcReader reader) {
    if (reader.read(procRoot.resolve("self").resolve("limits").toString(), true) == ProcReader.Outcome.OK) {
      long limit = ProcParsers.parseOpenFilesLimit(reader.bytes(), reader.length);
      if (limit > 0) {
        return limit;
      }
    }
    return 1024;
  }

  /** A sampler of {@code /proc} with the defaults. */
  public static ProcSampler create() {
    return builder().build();
  }

  /**
   * Says that the process {@code pid}, whose kernel start time is {@code startTicks} ({@code stat}'s field 22), began
   * its program only at {@code epochMillis}: a process that waited before it exec'd, as a run the Linux backend started
   * in a wrapper prepared ahead (a standby, a spare) did. Its {@link Field#START_TIME}, and so its
   * {@link Field#UPTIME}, count from then while {@code pid} names that process, not from the kernel's start of it,
   * which can be hours earlier. Thread-safe, and never waits for a sample under way.
   */
  public void programStarted(long pid, long startTicks, long epochMillis) {
    programStarts.put(pid, new long[] {startTicks, epochMillis});
  }

  /** Forgets what {@link #programStarted} said of {@code pid} (its run is over). Thread-safe, never waits. */
  public void forgetProgramStart(long pid) {
    if (!programStarts.isEmpty()) {
      programStarts.remove(pid);
    }
  }

  /** When the process in {@link #stat} (which is {@code pid}) started, or its program, if it was said to be later. */
  private long startMillis(long pid) {
    if (!programStarts.isEmpty()) {
      long[] began = programStarts.get(pid);
      if (began != null && began[0] == stat.startTime) {
        return began[1];
      }
    }
    return constants.bootMillis() + stat.startTime * 1000 / constants.clockTicks();
  }

  /** A builder: where {@code /proc} is, how long a process-table scan is reused. */
  public static Builder builder() {
    return new Builder();
  }

  /** The clock ticks per second used to convert CPU times ({@code USER_HZ}). */
  public long clockTicks() {
    return constants.clockTicks();
  }

  /** The page size used to convert resident pages to bytes. */
  public long pageSize() {
    return constants.pageSize();
  }

  @Override
  public Set<Field> supportedFields() {
    return SUPPORTED;
  }

  @Override
  public synchronized ProcessSample sample(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = start(Scope.PROCESS, pid, fields);
    socketCount = 0;
    if (!readMember(pid, b)) {
      return b.vanished(member.gone).build(previous);
    }
    long threads = stat.numThreads;
    member.addTo(b, users);
    if (b.wants(Field.ZOMBIE_CHILDREN)) {
      addZombieChildren(pid, threads, b);
      b.zombiesRead();
    }
    b.endMember(pid);
    addSockets(pid, b);
    return b.build(previous);
  }

  @Override
  public synchronized ProcessSample sampleTree(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = start(Scope.TREE, pid, fields);
    socketCount = 0;
    if (!readMember(pid, b)) {
      return b.vanished(member.gone).build(previous);
    }
    long rootThreads = stat.numThreads;
    member.addTo(b, users);
    b.zombiesRead();
    b.endMember(pid);
    if (childrenFiles) {
      // walk down the children lists: each member's children are known once it has been read
      int n = appendChildren(pid, rootThreads, 0);
      for (int i = 0; i < n; i++) {
        long child = treePids[i];
        if (readMember(child, b) && member.ppid == treeParents[i]) {
          long threads = stat.numThreads;
          member.addTo(b, users);
          if (ProcFiles.isZombieState(member.state) && b.wants(Field.ZOMBIE_CHILDREN)) {
            b.addZombie(new ZombieChild(child, member.ppid, member.name()));
          }
          b.zombiesRead();
          b.endMember(child);
          n = appendChildren(child, threads, n);
        }
      }
      addSockets(pid, b);
      return b.build(previous);
    }
    refreshTable();
    int n = descendants(pid);
    for (int i = 0; i < n; i++) {
      long child = treePids[i];
      // the table may be up to its maximum age old: a pid since reused by someone else's process is not ours
      if (readMember(child, b) && member.ppid == treeParents[i]) {
        member.addTo(b, users);
        if (ProcFiles.isZombieState(member.state) && b.wants(Field.ZOMBIE_CHILDREN)) {
          b.addZombie(new ZombieChild(child, member.ppid, member.name()));
        }
        b.zombiesRead();
        b.endMember(child);
      }
    }
    addSockets(pid, b);
    return b.build(previous);
  }

  @Override
  public synchronized ProcessSample sampleGroup(long[] pids, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = start(Scope.GROUP, pids.length == 0 ? -1 : pids[0], fields);
    socketCount = 0;
    int found = 0;
    String lastGone = "empty group";
    for (long pid : pids) {
      if (!readMember(pid, b)) {
        lastGone = member.gone;
        continue;
      }
      long threads = stat.numThreads;
      member.addTo(b, users);
      if (b.wants(Field.ZOMBIE_CHILDREN)) {
        addZombieChildren(pid, threads, b);
        b.zombiesRead();
      }
      b.endMember(pid);
      found++;
    }
    if (found == 0) {
      return b.vanished(pids.length <= 1 ? lastGone : "none of the " + pids.length + " processes is alive").build(previous);
    }
    addSockets(pids[0], b);
    return b.build(previous);
  }

  /**
   * A view of this sampler, sharing its files, buffers and slow fields, whose samples carry no slow field
   * (Pss, descriptor limit, per-thread states and context switches, children lists of a multithreaded
   * process) read longer than {@code maxAge} ago: those are read again when older, and then serve this
   * sampler too. This sampler itself when {@code maxAge} is not below its {@link Builder#slowFieldsMaxAge}.
   */
  @Override
  public ProcessSampler withSlowFieldsMaxAge(Duration maxAge) {
    long nanos = Builder.nonNegative(maxAge, "slowFieldsMaxAge").toNanos();
    return nanos >= slowFieldsMaxAgeNanos ? this : new Fresh(nanos);
  }

  /** This sampler with slow fields no older than {@link #maxAgeNanos}; thread-safe as the sampler is. */
  private final class Fresh implements ProcessSampler {
    private final long maxAgeNanos;

    Fresh(long maxAgeNanos) {
      this.maxAgeNanos = maxAgeNanos;
    }

    @Override
    public Set<Field> supportedFields() {
      return SUPPORTED;
    }

    @Override
    public ProcessSample sample(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
      synchronized (ProcSampler.this) {
        long outer = callMaxAgeNanos;
        callMaxAgeNanos = Math.min(outer, maxAgeNanos);
        try {
          return ProcSampler.this.sample(pid, fields, previous);
        } finally {
          callMaxAgeNanos = outer;
        }
      }
    }

    @Override
    public ProcessSample sampleTree(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
      synchronized (ProcSampler.this) {
        long outer = callMaxAgeNanos;
        callMaxAgeNanos = Math.min(outer, maxAgeNanos);
        try {
          return ProcSampler.this.sampleTree(pid, fields, previous);
        } finally {
          callMaxAgeNanos = outer;
        }
      }
    }

    @Override
    public ProcessSample sampleGroup(long[] pids, Set<Field> fields, @Nullable ProcessSample previous) {
      synchronized (ProcSampler.this) {
        long outer = callMaxAgeNanos;
        callMaxAgeNanos = Math.min(outer, maxAgeNanos);
        try {
          return ProcSampler.this.sampleGroup(pids, fields, previous);
        } finally {
          callMaxAgeNanos = outer;
        }
      }
    }

    @Override
    public ProcessSampler withSlowFieldsMaxAge(Duration maxAge) {
      return ProcSampler.this.withSlowFieldsMaxAge(Builder.nonNegative(maxAge, "slowFieldsMaxAge").toNanos() < maxAgeNanos ? maxAge
          : Duration.ofNanos(maxAgeNanos));
    }

    @Override
    public String toString() {
      return ProcSampler.this + " with slow fields at most " + Duration.ofNanos(maxAgeNanos) + " old";
    }
  }

  /** For tests: runs {@code hook} with the pid after each member's {@code stat} was read. */
  synchronized void afterStatRead(@Nullable LongConsumer hook) {
    this.afterStatHook = hook;
  }

  private ProcessSampleBuilder start(Scope scope, long pid, Set<Field> fields) {
    requireNonNull(fields, "fields");
    return builder.reset(scope, pid, System.currentTimeMillis(), System.nanoTime()).request(Field.withSources(fields))
        .memoryTotal(constants.memTotalBytes());
  }

  // --- one member ----------------------------------------------------------------------------

  /** What was read of one process, added to the sample only once the whole process was read. */
  private static final class Member {
    final long[] v = new long[Field.values().length];
    long present;
    int state;
    long ppid;
    long reapedUser;   // ns, stat's cutime
    long reapedSystem; // ns, stat's cstime
    long reapedMinor;  // stat's cminflt
    long reapedMajor;  // stat's cmajflt
    long uid;
    boolean socketsRead;
    final long[] threadStates = new long[RunState.values().length];
    long pssAge = -1;    // how old the Pss values are, in nanoseconds; -1 when not added
    long limitAge = -1;  // the descriptor limit's
    long threadsAge = -1; // per-thread states and context switches' (0 for a single-threaded process)
    byte[] comm = new byte[16];
    int commLength;
    String gone = "";

    void clear() {
      present = 0;
      uid = -1;
      socketsRead = false;
      Arrays.fill(threadStates, 0);
      pssAge = -1;
      limitAge = -1;
      threadsAge = -1;
    }

    void put(Field f, long value) {
      v[f.ordinal()] = value;
      present |= 1L << f.ordinal();
    }

    boolean has(Field f) {
      return (present & 1L << f.ordinal()) != 0;
    }

    String name() {
      return new String(comm, 0, commLength, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Begins the member in {@code b} and adds what was read; the caller ends it. */
    void addTo(ProcessSampleBuilder b, Users users) {
      b.beginMember().parentPid(ppid).addReapedCpu(reapedUser, reapedSystem)
          .addReaped(Field.MINOR_FAULTS, reapedMinor).addReaped(Field.MAJOR_FAULTS, reapedMajor);
      if (uid >= 0 && b.wants(Field.USER)) {
        b.user(users.name(uid));
      }
      for (Field f : FIELDS_SUMMED) {
        if (has(f)) {
          b.add(f, v[f.ordinal()]);
        } else if (ProcFiles.isEndedState(state) && b.wants(f) && ENDED_HAS_NONE.contains(f)) {
          b.add(f, 0); // an ended process (a zombie, or dead) has no memory and no open files: 0, not an absence that hides the tree's sum
        }
      }
      b.processState(RunState.ofLetter(state));
      if (has(Field.THREAD_STATES)) {
        for (RunState s : RUN_STATES) {
          if (threadStates[s.ordinal()] != 0) {
            b.addThreads(s, threadStates[s.ordinal()]);
          }
        }
        b.addThreads(RunState.OTHER, 0); // marks the field read even for a process whose threads all vanished
      }
      if (socketsRead) {
        b.socketsRead();
      }
      if (pssAge >= 0) {
        b.fieldAge(Field.MEMORY_PROPORTIONAL, pssAge).fieldAge(Field.MEMORY_PROPORTIONAL_SWAPPED, pssAge);
      }
      if (limitAge >= 0) {
        b.fieldAge(Field.FD_LIMIT, limitAge).fieldAge(Field.WORST_FD_RATIO, limitAge);
      }
      if (threadsAge >= 0) {
        b.fieldAge(Field.THREAD_STATES, threadsAge);
        if (has(Field.VOLUNTARY_SWITCHES)) {
          b.fieldAge(Field.VOLUNTARY_SWITCHES, threadsAge).fieldAge(Field.INVOLUNTARY_SWITCHES, threadsAge);
        }
      }
    }
  }

  private static final Field[] FIELDS_SUMMED = {
      Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_TOTAL, Field.MEMORY_RESIDENT, Field.MEMORY_VIRTUAL, Field.MEMORY_SWAPPED,
      Field.MEMORY_PROPORTIONAL, Field.MEMORY_PROPORTIONAL_SWAPPED, Field.READ_BYTES, Field.WRITE_BYTES, Field.MAJOR_FAULTS, Field.MINOR_FAULTS,
      Field.VOLUNTARY_SWITCHES, Field.INVOLUNTARY_SWITCHES, Field.OPEN_FDS, Field.FD_LIMIT, Field.THREADS, Field.START_TIME, Field.MEMORY_RESIDENT_STAT};
  private static final RunState[] RUN_STATES = RunState.values();
  /** What an ended process (a zombie, or dead) has none of: its address space and descriptors are gone (issue #12 item 13). */
  private static final java.util.Set<Field> ENDED_HAS_NONE = java.util.EnumSet.of(Field.MEMORY_RESIDENT, Field.MEMORY_RESIDENT_STAT, Field.MEMORY_VIRTUAL,
      Field.MEMORY_SWAPPED, Field.MEMORY_PROPORTIONAL, Field.MEMORY_PROPORTIONAL_SWAPPED, Field.OPEN_FDS);

  /** Reads process {@code pid} into {@link #member}; false (with {@code member.gone}) if it is gone. */
  private boolean readMember(long pid, ProcessSampleBuilder b) {
    Member m = member;
    m.clear();
    PidFiles f = files(pid);
    long now = ticker.read();
    keepOpenIfSampledAgain(f, now);
    if (read(f, PidFiles.STAT) != ProcReader.Outcome.OK) {
      m.gone = reader.error;
      release(f);
      return false;
    }
    ProcParsers.parseStat(reader.bytes(), reader.length, stat);
    if (f.startTime != stat.startTime) { // first look, or the pid now names another process
      f.forgetSlowFields();
      f.startTime = stat.startTime;
    }
    if (afterStatHook != null) {
      afterStatHook.accept(pid);
    }
    m.state = stat.state;
    m.ppid = stat.ppid;
    m.reapedUser = stat.cutime * nanosPerTick; // counted by tree samples only (ProcessSampleBuilder#addReapedCpu)
    m.reapedSystem = stat.cstime * nanosPerTick;
    m.reapedMinor = stat.cminflt; // as cutime: a tree's faults count its members' reaped children's
    m.reapedMajor = stat.cmajflt;
    int cl = Math.min(stat.commEnd - stat.commStart, 64);
    if (m.comm.length < cl) {
      m.comm = new byte[64];
    }
    System.arraycopy(stat.text, stat.commStart, m.comm, 0, cl);
    m.commLength = cl;
    m.put(Field.CPU_USER, stat.utime * nanosPerTick);
    m.put(Field.CPU_SYSTEM, stat.stime * nanosPerTick);
    m.put(Field.CPU_TOTAL, (stat.utime + stat.stime) * nanosPerTick);
    m.put(Field.MINOR_FAULTS, stat.minflt);
    m.put(Field.MAJOR_FAULTS, stat.majflt);
    m.put(Field.MEMORY_VIRTUAL, stat.vsize);
    m.put(Field.MEMORY_RESIDENT, stat.rss * constants.pageSize());
    m.put(Field.MEMORY_RESIDENT_STAT, stat.rss * constants.pageSize()); // stays stat's, whatever VmRSS says
    m.put(Field.THREADS, stat.numThreads);
    m.put(Field.START_TIME, startMillis(pid));
    long threads = stat.numThreads;
    int leaderState = stat.state;

    if (b.wants(Field.USER) || b.wants(Field.MEMORY_SWAPPED) || b.wants(Field.VOLUNTARY_SWITCHES)
        || b.wants(Field.INVOLUNTARY_SWITCHES)) {
      if (!readOrAbsent(PidFiles.STATUS, f, m)) {
        return false;
      }
      if (reader.outcome == ProcReader.Outcome.OK) {
        ProcParsers.parseStatus(reader.bytes(), reader.length, status);
        // no VmSwap line in a readable status: no address space (zombie, kernel thread), so truly 0
        m.put(Field.MEMORY_SWAPPED, Math.max(0, status.vmSwapKb) * 1024);
        if (status.vmRssKb >= 0) {
          // stat's rss is the kernel's per-CPU approximation (off by up to its batch per CPU); VmRSS is exact, as ps shows
          m.put(Field.MEMORY_RESIDENT, status.vmRssKb * 1024);
        }
        if (status.voluntary >= 0) {
          m.put(Field.VOLUNTARY_SWITCHES, status.voluntary);
        }
        if (status.involuntary >= 0) {
          m.put(Field.INVOLUNTARY_SWITCHES, status.involuntary);
        }
        m.uid = status.effectiveUid;
      }
    } else if (b.wants(Field.MEMORY_RESIDENT)) {
      // only the exact resident memory: statm has it as VmRSS has it, at about half the cost of status (field-cost.md)
      if (!readOrAbsent(PidFiles.STATM, f, m)) {
        return false;
      }
      if (reader.outcome == ProcReader.Outcome.OK) {
        m.put(Field.MEMORY_RESIDENT, ProcParsers.parseStatmResident(reader.bytes(), reader.length) * constants.pageSize());
      }
    }
    if (b.wants(Field.READ_BYTES) || b.wants(Field.WRITE_BYTES)) {
      if (!readOrAbsent(PidFiles.IO, f, m)) {
        return false;
      }
      if (reader.outcome == ProcReader.Outcome.OK) {
        long r = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.READ_BYTES, "io");
        long w = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.WRITE_BYTES, "io");
        if (r >= 0) {
          m.put(Field.READ_BYTES, r);
        }
        if (w >= 0) {
          m.put(Field.WRITE_BYTES, w);
        }
      }
    }
    if (b.wants(Field.MEMORY_PROPORTIONAL) || b.wants(Field.MEMORY_PROPORTIONAL_SWAPPED)) {
      // smaps_rollup walks the page tables (about 40 µs even for a small process): re-read when older than the
      // maximum age, or at once when the resident memory (read fresh above) moved by more than 1/64 since
      long rss = m.has(Field.MEMORY_RESIDENT) ? m.v[Field.MEMORY_RESIDENT.ordinal()] : -1;
      if (f.pssAt == Long.MIN_VALUE || now - f.pssAt >= slowFieldsMaxAgeNanos || now - f.pssReadAt >= callMaxAgeNanos
          || Math.abs(rss - f.pssRss) > f.pssRss >> 6) {
        f.pssRss = rss;
        if (!readOrAbsent(PidFiles.SMAPS_ROLLUP, f, m)) {
          return false;
        }
        f.pss = -1;
        if (reader.outcome == ProcReader.Outcome.OK) {
          long pss = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.PSS, "smaps_rollup");
          long swapPss = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.SWAP_PSS, "smaps_rollup");
          f.pss = Math.max(0, pss) * 1024; // empty for a process without address space
          f.swapPss = Math.max(0, swapPss) * 1024;
        }
        f.pssAt = f.pssAt == Long.MIN_VALUE ? now - phase(pid) : now;
        f.pssReadAt = now;
      }
      if (f.pss >= 0) {
        m.put(Field.MEMORY_PROPORTIONAL, f.pss);
        m.put(Field.MEMORY_PROPORTIONAL_SWAPPED, f.swapPss);
        m.pssAge = now - f.pssReadAt;
      }
    }
    if (b.wants(Field.FD_LIMIT) || b.wants(Field.WORST_FD_RATIO)) {
      if (f.limitAt == Long.MIN_VALUE || now - f.limitAt >= slowFieldsMaxAgeNanos || now - f.limitReadAt >= callMaxAgeNanos) {
        if (!readOrAbsent(PidFiles.LIMITS, f, m)) {
          return false;
        }
        f.fdLimit = reader.outcome == ProcReader.Outcome.OK ? ProcParsers.parseOpenFilesLimit(reader.bytes(), reader.length) : -1;
        f.limitAt = f.limitAt == Long.MIN_VALUE ? now - phase(pid) : now;
        f.limitReadAt = now;
      }
      if (f.fdLimit >= 0) {
        m.put(Field.FD_LIMIT, f.fdLimit);
        m.limitAge = now - f.limitReadAt;
      }
    }
    if (b.wants(Field.OPEN_FDS) || b.wants(Field.WORST_FD_RATIO)) {
      long open = countFds(f, m);
      if (open == -2) {
        return false;
      }
      if (open >= 0) {
        m.put(Field.OPEN_FDS, open);
      }
    }
    if (b.wants(Field.THREAD_STATES) || b.wants(Field.VOLUNTARY_SWITCHES) || b.wants(Field.INVOLUNTARY_SWITCHES)) {
      if (threads <= 1) {
        m.threadStates[RunState.ofLetter(leaderState).ordinal()] += 1; // the one thread is the process
        m.present |= 1L << Field.THREAD_STATES.ordinal();
        m.threadsAge = 0;
      } else if (f.threadsAt == Long.MIN_VALUE || now - f.threadsAt >= slowFieldsMaxAgeNanos || now - f.threadsReadAt >= callMaxAgeNanos
          || f.threadCount != threads) {
        // a file per thread (about 15 µs each; a gateway JVM has hundreds): a slow field like Pss, but
        // read again as soon as the number of threads changed, so that the states add up to the count
        if (readThreads(f, m) == -2) {
          return false;
        }
        f.saveThreads(m);
        f.threadCount = threads;
        f.threadsAt = f.threadsAt == Long.MIN_VALUE ? now - phase(pid) : now;
        f.threadsReadAt = now;
        m.threadsAge = 0;
      } else {
        f.restoreThreads(m);
        m.threadsAge = now - f.threadsReadAt;
      }
    }
    if (b.wants(Field.SOCKETS) && socketCount >= 0) {
      if (!collectSocketInodes(pid, f)) {
        m.gone = f.dir + ": gone while its descriptors were read";
        return false;
      }
      m.socketsRead = socketCount >= 0;
    }
    return true;
  }

  /**
   * Where in the maximum age a process's slow fields are first due again: spread by pid, so that
   * processes first sampled together do not all re-read {@code smaps_rollup} in the same round.
   */
  private long phase(long pid) {
    return slowFieldsMaxAgeNanos == 0 ? 0 : Math.floorMod(pid * 0x9E37_79B9_7F4A_7C15L, slowFieldsMaxAgeNanos);
  }

  /** Reads {@code file}; false if the process is gone (then {@code m.gone} says why); denied leaves the outcome DENIED. */
  private boolean readOrAbsent(int file, PidFiles f, Member m) {
    ProcReader.Outcome o = read(f, file);
    if (o == ProcReader.Outcome.GONE) {
      if (!f.dirFile.exists()) {
        m.gone = reader.error;
        release(f);
        return false;
      }
      return true; // the file does not exist on this kernel: absent
    }
    if (o == ProcReader.Outcome.FAILED) {
      log.debug("Cannot read {}", reader.error);
    }
    return true;
  }

  /** Open descriptors: the size of {@code fd/} on Linux 6.2+, else a listing; -1 if refused, -2 if gone. */
  private long countFds(PidFiles f, Member m) {
    if (fdSizeIsCount) {
      long size = fdDirSize(f); // the number of open descriptors on Linux 6.2+ (0 on error)
      if (size > 0) {
        return size;
      }
    }
    try {
      long n = 0;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(f.fd)) {
        for (Path ignored : ds) {
          n++;
        }
      }
      return n;
    } catch (NoSuchFileException e) {
      m.gone = f.fd + ": no such file";
      return -2;
    } catch (AccessDeniedException e) {
      return -1;
    } catch (IOException e) {
      if (!f.dirFile.exists()) {
        m.gone = f.fd + ": " + e.getMessage();
        return -2;
      }
      return -1;
    }
  }

  /**
   * Reads every thread's {@code status}: its state, and its context switches, which the process's
   * own {@code status} gives for the leader thread only. -2 if the process is gone.
   */
  private int readThreads(PidFiles f, Member m) {
    String[] tids = f.task.list();
    if (tids == null) {
      if (!f.dirFile.exists()) {
        m.gone = f.task + ": no such directory";
        return -2;
      }
      return -1;
    }
    int counted = 0;
    long voluntary = 0;
    long involuntary = 0;
    boolean switches = true;
    for (String tid : tids) {
      if (reader.read(f.taskStatus(tid), true) != ProcReader.Outcome.OK) {
        continue; // the thread ended
      }
      ProcParsers.parseStatus(reader.bytes(), reader.length, status);
      m.threadStates[RunState.ofLetter(status.state).ordinal()]++;
      if (status.voluntary >= 0 && status.involuntary >= 0) {
        voluntary += status.voluntary;
        involuntary += status.involuntary;
      } else {
        switches = false;
      }
      counted++;
    }
    if (counted == 0 && !f.dirFile.exists()) {
      m.gone = f.task + ": every thread ended";
      return -2;
    }
    m.present |= 1L << Field.THREAD_STATES.ordinal();
    if (switches && counted > 0) {
      m.put(Field.VOLUNTARY_SWITCHES, voluntary);
      m.put(Field.INVOLUNTARY_SWITCHES, involuntary);
    }
    return counted;
  }

  // --- files kept open ----------------------------------------------------------------------

  /**
   * Reads one of {@code f}'s files: through the channel kept open for it where there is one (a
   * {@code pread}, about half the cost of open, read and close), else by path. A channel that fails
   * (the process ended, its pid was reused, an interrupt closed it) is closed and the file read by
   * path, which tells gone from refused; a file refused while its process lives is not kept open again.
   */
  private ProcReader.Outcome read(PidFiles f, int file) {
    if (file >= PidFiles.HELD) {
      return reader.read(f.paths[file], true); // read every few seconds at most: not worth a descriptor
    }
    FileChannel ch = f.channels[file];
    if (ch == null && f.held && (f.refused & 1 << file) == 0) {
      ch = open(f, file);
    }
    if (ch != null) {
      if (reader.read(ch, f.paths[file]) == ProcReader.Outcome.OK) {
        return ProcReader.Outcome.OK;
      }
      f.drop(file);
      ProcReader.Outcome o = reader.read(f.paths[file], true);
      if (o == ProcReader.Outcome.DENIED) {
        f.refused |= 1 << file;
      }
      return o;
    }
    return reader.read(f.paths[file], true);
  }

  /** The size of {@code fd/}: an fstat of the directory kept open, else a stat of its path; 0 on error. */
  private long fdDirSize(PidFiles f) {
    FileChannel ch = f.channels[PidFiles.FD_DIR];
    if (ch == null && f.held && (f.refused & 1 << PidFiles.FD_DIR) == 0) {
      ch = open(f, PidFiles.FD_DIR);
    }
    if (ch != null) {
      try {
        return ch.size();
      } catch (IOException e) {
        f.drop(PidFiles.FD_DIR);
      }
    }
    return f.fdFile.length();
  }

  private @Nullable FileChannel open(PidFiles f, int file) {
    if (FILES_KEPT_OPEN.incrementAndGet() > filesKeptOpenMax) {
      FILES_KEPT_OPEN.decrementAndGet(); // over the JVM-wide budget: read by path
      return null;
    }
    try {
      FileChannel ch = FileChannel.open(Path.of(f.paths[file]), StandardOpenOption.READ);
      f.channels[file] = ch;
      return ch;
    } catch (IOException | RuntimeException e) {
      FILES_KEPT_OPEN.decrementAndGet();
      return null; // read by path this time, which names the reason (a refusal is remembered there)
    }
  }

  /**
   * Keeps {@code f}'s files open from its second sample on (a process sampled once, e.g. in a tree
   * scan, costs no descriptors), within the budget; and now and then closes the files of processes
   * no longer sampled.
   */
  private void keepOpenIfSampledAgain(PidFiles f, long now) {
    if (!held.isEmpty() && now - nextSweep > 0) {
      // nextSweep: when the least recently sampled process kept open (at the last sweep) becomes idle
      long earliest = Long.MAX_VALUE;
      for (int i = held.size() - 1; i >= 0; i--) {
        PidFiles h = held.get(i);
        if (h != f && now - h.lastSampled > keepOpenIdleNanos) {
          h.closeChannels();
          held.set(i, held.get(held.size() - 1));
          held.remove(held.size() - 1);
        } else if (h != f) {
          earliest = Math.min(earliest, h.lastSampled - now);
        }
      }
      nextSweep = earliest == Long.MAX_VALUE ? now + keepOpenIdleNanos : now + earliest + keepOpenIdleNanos;
    }
    if (!f.held && !closed && f.lastSampled != Long.MIN_VALUE && held.size() < keepOpenMax) {
      if (held.isEmpty()) {
        nextSweep = now + keepOpenIdleNanos;
      }
      f.held = true; // its files are opened as they are read, each within the JVM-wide budget
      held.add(f);
      holdsFiles = true;
    }
    f.lastSampled = now;
  }

  /** Closes {@code f}'s files: its process is gone. */
  private void release(PidFiles f) {
    if (f.held) {
      f.closeChannels();
      held.remove(f);
    }
    f.refused = 0;
    f.forgetSlowFields();
    f.startTime = -1;
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      log.debug("Closing a /proc file failed", e);
    }
  }

  /** Whether files of some process are kept open now. Thread-safe, never waits. */
  public boolean keepsFilesOpen() {
    return holdsFiles;
  }

  /**
   * Closes the files kept open for processes that have ended. Otherwise a process's files are closed when a sample
   * finds it gone, or at the idle sweep of a later sample: with nothing sampled any more (an attachment's processes
   * gone, a name's last run stopped) they stayed open. Reads the head of each kept {@code stat}: the file of a process
   * that was reaped (or whose pid is another's now) reads nothing, an ended one's says {@code Z} or {@code X}. Returns how many
   * processes' files it closed.
   */
  public synchronized int closeFilesOfEnded() {
    int closedFiles = 0;
    for (PidFiles f : List.copyOf(held)) {
      if (ended(f)) {
        release(f);
        closedFiles++;
      }
    }
    holdsFiles = !held.isEmpty();
    return closedFiles;
  }

  /** Whether the process {@code f} was kept for has ended: reaped (its kept stat reads nothing), or a zombie. */
  private boolean ended(PidFiles f) {
    FileChannel stat = f.channels[PidFiles.STAT];
    if (stat == null) {
      return !f.dirFile.exists();
    }
    try {
      int n = stat.read(statHead.clear(), 0);
      if (n <= 0) {
        return true;
      }
      byte[] b = statHead.array();
      for (int i = n - 1; i > 0; i--) { // "pid (comm) S ...": the state follows the last ')'
        if (b[i] == ')') {
          return i + 2 < n && ProcFiles.isEndedState(b[i + 2]);
        }
      }
      return false; // a name that fills the buffer: alive as far as this can tell
    } catch (IOException e) {
      return true; // ESRCH: the process it was opened for is gone
    }
  }

  private final java.nio.ByteBuffer statHead = java.nio.ByteBuffer.allocate(128); // pid, a 15-byte comm, the state

  /** How many processes' files are kept open now (for tests and the benchmark's report). */
  synchronized int processesKeptOpen() {
    return held.size();
  }

  /**
   * Closes every file kept open. The sampler still works afterwards, reading every file by path;
   * the backend that made it closes it when it closes.
   */
  @Override
  public synchronized void close() {
    closed = true;
    for (PidFiles f : held) {
      f.closeChannels();
    }
    held.clear();
    holdsFiles = false;
  }

  // --- zombies, trees ------------------------------------------------------------------------

  /**
   * Adds {@code pid}'s children that are zombies. Its children come from each of its threads'
   * {@code task/TID/children} where the kernel has them (one small read for a single-threaded
   * process), else from the process table, which scans all of {@code /proc}.
   */
  private void addZombieChildren(long pid, long threads, ProcessSampleBuilder b) {
    int n = 0;
    if (childrenFiles) {
      n = children(pid, threads);
    } else {
      refreshTable();
      for (int i = firstChild(pid); i < tableSize && table[i] >>> 32 == pid; i++) {
        n = addKid(table[i] & 0xffff_ffffL, n);
      }
    }
    for (int i = 0; i < n; i++) {
      long child = kids[i];
      if (reader.read(files(child).stat, true) != ProcReader.Outcome.OK) {
        continue;
      }
      ProcParsers.parseStat(reader.bytes(), reader.length, childStat);
      if (ProcFiles.isZombieState(childStat.state) && childStat.ppid == pid) {
        b.addZombie(new ZombieChild(child, pid, childStat.comm()));
      }
    }
  }

  /** Reads {@code pid}'s children from its threads' {@code children} files into {@link #kids}; how many. */
  private int children(long pid, long threads) {
    PidFiles f = files(pid);
    if (threads <= 1) {
      return readChildren(read(f, PidFiles.CHILDREN), 0);
    }
    // one file per thread: a slow field, like the other per-thread reads (a child younger than the list is seen later)
    long now = ticker.read();
    long[] cached = f.childPids;
    if (cached != null && now - f.childrenAt < slowFieldsMaxAgeNanos && now - f.childrenReadAt < callMaxAgeNanos) {
      for (int i = 0; i < cached.length; i++) {
        addKid(cached[i], i);
      }
      return cached.length;
    }
    String[] tids = f.task.list();
    int n = 0;
    if (tids != null) { // else gone meanwhile
      for (String tid : tids) {
        n = readChildren(reader.read(f.taskChildren(tid), true), n);
      }
    }
    f.childPids = n == 0 ? NO_PIDS : Arrays.copyOf(kids, n);
    f.childrenAt = cached == null ? now - phase(pid) : now;
    f.childrenReadAt = now;
    return n;
  }

  private static final long[] NO_PIDS = {};

  /** Appends {@code parent}'s children to {@link #treePids} (and it to {@link #treeParents}) from {@code n}; the new count. */
  private int appendChildren(long parent, long threads, int n) {
    int k = children(parent, threads);
    for (int i = 0; i < k; i++) {
      if (n == treePids.length) {
        treePids = Arrays.copyOf(treePids, n * 2);
        treeParents = Arrays.copyOf(treeParents, n * 2);
      }
      treeParents[n] = parent;
      treePids[n++] = kids[i];
    }
    return n;
  }

  /** Appends the pids in the {@code children} file just read (space separated) to {@link #kids} from {@code n}; the new count. */
  private int readChildren(ProcReader.Outcome read, int n) {
    if (read != ProcReader.Outcome.OK) {
      return n; // the thread ended
    }
    byte[] text = reader.bytes();
    long v = -1;
    for (int i = 0; i <= reader.length; i++) {
      byte c = i < reader.length ? text[i] : (byte) ' ';
      if (c >= '0' && c <= '9') {
        v = (v < 0 ? 0 : v * 10) + (c - '0');
      } else if (v >= 0) {
        n = addKid(v, n);
        v = -1;
      }
    }
    return n;
  }

  private int addKid(long pid, int n) {
    if (n == kids.length) {
      kids = Arrays.copyOf(kids, n * 2);
    }
    kids[n] = pid;
    return n + 1;
  }

  /** Fills {@link #treePids} with every descendant of {@code root}, breadth first; returns how many. */
  private int descendants(long root) {
    int n = 0;
    int next = 0;
    long parent = root;
    while (true) {
      for (int i = firstChild(parent); i < tableSize && table[i] >>> 32 == parent; i++) {
        if (n == treePids.length) {
          treePids = Arrays.copyOf(treePids, n * 2);
          treeParents = Arrays.copyOf(treeParents, n * 2);
        }
        long child = table[i] & 0xffff_ffffL;
        if (child != root) {
          treeParents[n] = parent;
          treePids[n++] = child;
        }
      }
      if (next == n || n > tableSize) {
        return n;
      }
      parent = treePids[next++];
    }
  }

  private int firstChild(long ppid) {
    int i = Arrays.binarySearch(table, 0, tableSize, ppid << 32);
    return i >= 0 ? i : -i - 1;
  }

  /** Rescans every {@code /proc/PID/stat} for parent pids, unless the last scan is recent enough. */
  private void refreshTable() {
    long now = ticker.read();
    if (tableAt != Long.MIN_VALUE && now - tableAt <= tableMaxAgeNanos && tableMaxAgeNanos > 0) {
      return;
    }
    String[] names = procRoot.toFile().list();
    int n = 0;
    if (names != null) {
      for (String name : names) {
        long pid = ProcFiles.pid(name);
        if (pid < 0) {
          continue;
        }
        if (reader.read(files(pid).stat, true) != ProcReader.Outcome.OK) {
          continue;
        }
        long ppid = ProcParsers.parsePpid(reader.bytes(), reader.length);
        if (ppid < 0) {
          continue;
        }
        if (n == table.length) {
          table = Arrays.copyOf(table, n * 2);
        }
        table[n++] = ppid << 32 | pid;
      }
    }
    Arrays.sort(table, 0, n);
    tableSize = n;
    tableAt = ticker.read();
    if (files.size() > 4 * n + 1024) {
      forgetPaths(); // of processes long gone
    }
  }

  // --- sockets -------------------------------------------------------------------------------

  private boolean collectSocketInodes(long pid, PidFiles f) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(f.fd)) {
      for (Path fd : ds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          long inode = Long.parseLong(target, SOCKET_PREFIX.length, target.length() - 1, 10);
          if (socketCount == socketInodes.length) {
            socketInodes = Arrays.copyOf(socketInodes, socketCount * 2);
            socketPids = Arrays.copyOf(socketPids, socketCount * 2);
          }
          socketInodes[socketCount] = inode;
          socketPids[socketCount++] = pid;
        }
      }
      return true;
    } catch (AccessDeniedException e) {
      socketCount = Integer.MIN_VALUE; // refused for one member: sockets absent
      return true;
    } catch (IOException e) {
      return f.dirFile.exists();
    }
  }

  private static final Protocol[] PROTOCOLS = Protocol.values();

  private void addSockets(long netPid, ProcessSampleBuilder b) {
    if (!b.wants(Field.SOCKETS) || socketCount < 0) {
      return;
    }
    // sort inodes, carrying their pids along
    Integer[] order = new Integer[socketCount];
    for (int i = 0; i < socketCount; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Long.compare(socketInodes[x], socketInodes[y]));
    long[] inodes = new long[socketCount];
    long[] pids = new long[socketCount];
    for (int i = 0; i < socketCount; i++) {
      inodes[i] = socketInodes[order[i]];
      pids[i] = socketPids[order[i]];
    }
    List<Socket> found = new ArrayList<>();
    NetSnapshot tables = netTables(netPid);
    for (Protocol p : PROTOCOLS) {
      byte[] table = tables.data[p.ordinal()];
      if (table != null) {
        NetTables.parse(table, table.length, p, inodes, pids, socketCount, found);
      }
    }
    found.forEach(b::addSocket);
  }

  /** The socket tables of one network namespace as read at one time. */
  private static final class NetSnapshot {
    final String namespace;
    final long at;
    final byte[] @Nullable [] data = new byte[PROTOCOLS.length][];

    NetSnapshot(String namespace, long at) {
      this.namespace = namespace;
      this.at = at;
    }
  }

  private @Nullable NetSnapshot net;

  /**
   * The namespace's socket tables, reused for {@link Builder#processTableMaxAge} like the process
   * table: the kernel walks its whole socket hash to print them (milliseconds on a machine with much
   * memory, however few sockets there are), so sampling many processes reads them once per round.
   */
  private NetSnapshot netTables(long netPid) {
    PidFiles f = files(netPid);
    String ns;
    try {
      ns = Files.readSymbolicLink(f.dir.resolve("ns").resolve("net")).toString();
    } catch (IOException e) {
      ns = "unknown";
    }
    long now = System.nanoTime();
    NetSnapshot cached = net;
    if (cached != null && cached.namespace.equals(ns) && tableMaxAgeNanos > 0 && now - cached.at <= tableMaxAgeNanos) {
      return cached;
    }
    NetSnapshot fresh = new NetSnapshot(ns, now);
    Path dir = f.dir.resolve("net");
    for (Protocol p : PROTOCOLS) {
      ProcReader.Outcome o = reader.read(dir.resolve(NetTables.table(p)).toString());
      if (o == ProcReader.Outcome.OK) {
        fresh.data[p.ordinal()] = Arrays.copyOf(reader.bytes(), reader.length);
      } else {
        log.debug("Cannot read sockets: {}", reader.error);
      }
    }
    net = fresh;
    return fresh;
  }

  // --- paths ---------------------------------------------------------------------------------

  /**
   * The paths of one pid's files, kept so that sampling the same pids every second builds no paths;
   * for a process sampled again and again, those of its {@code stat}, {@code status}, {@code io}, {@code children}, {@code fd/}
   * and {@code statm} that were read kept open;
   * and the fields that are read less often than every sample, with when they were read.
   */
  private static final class PidFiles {
    static final int STAT = 0;
    static final int STATUS = 1;
    static final int IO = 2;
    static final int CHILDREN = 3; // task/PID/children: the leader thread's children
    static final int FD_DIR = 4;   // fd/, whose size (fstat) is the number of open descriptors
    static final int STATM = 5;    // the exact resident memory, when status is not read for other fields
    static final int HELD = 6;     // the files above are kept open once read: read on every sample
    static final int SMAPS_ROLLUP = 6;
    static final int LIMITS = 7;

    final Path dir;
    final File dirFile;
    final String stat;
    final String[] paths;
    final @Nullable FileChannel[] channels = new FileChannel[HELD];
    boolean held;
    int refused;                        // bit per file: refused while the process lived, read by path
    long lastSampled = Long.MIN_VALUE;
    long startTime = -1;                // stat's start time of the process the fields below belong to
    long pssAt = Long.MIN_VALUE;
    long pssReadAt;                     // when Pss was really read (pssAt may be set back by a phase)
    long limitReadAt;
    long threadsReadAt;
    long pssRss;                        // the resident memory when Pss was read
    long pss;
    long swapPss;
    long limitAt = Long.MIN_VALUE;
    long fdLimit;
    long threadsAt = Long.MIN_VALUE;     // every thread's status: states, and context switches summed
    long threadCount;                    // stat's thread count when they were read
    long childrenAt;                     // every thread's children list, of a multithreaded process
    long childrenReadAt;
    long @Nullable [] childPids;
    long @Nullable [] threadStates;
    long threadsPresent;                // Member.present bits of THREAD_STATES and the switch counts
    long voluntary;
    long involuntary;
    final Path fd;
    final File fdFile;
    final File task;
    private final String taskPrefix;
    private final Map<String, String> taskStatus = new HashMap<>();
    private final Map<String, String> taskChildren = new HashMap<>();

    PidFiles(Path procRoot, long pid) {
      dir = procRoot.resolve(Long.toString(pid));
      dirFile = dir.toFile();
      String d = dir.toString() + File.separator;
      stat = d + "stat";
      paths = new String[] {stat, d + "status", d + "io", d + "task" + File.separator + pid + File.separator + "children",
          d + "fd", d + "statm", d + "smaps_rollup", d + "limits"};
      fd = dir.resolve("fd");
      fdFile = fd.toFile();
      task = new File(d + "task");
      taskPrefix = d + "task" + File.separator;
    }

    void forgetSlowFields() {
      pssAt = Long.MIN_VALUE;
      limitAt = Long.MIN_VALUE;
      threadsAt = Long.MIN_VALUE;
      childPids = null;
    }

    private static final long THREAD_BITS = 1L << Field.THREAD_STATES.ordinal() | 1L << Field.VOLUNTARY_SWITCHES.ordinal()
        | 1L << Field.INVOLUNTARY_SWITCHES.ordinal();

    /** Keeps what {@link #readThreads} put in {@code m}. */
    void saveThreads(Member m) {
      long[] states = threadStates;
      if (states == null) {
        states = threadStates = new long[m.threadStates.length];
      }
      System.arraycopy(m.threadStates, 0, states, 0, states.length);
      threadsPresent = m.present & THREAD_BITS;
      voluntary = m.v[Field.VOLUNTARY_SWITCHES.ordinal()];
      involuntary = m.v[Field.INVOLUNTARY_SWITCHES.ordinal()];
    }

    /** Puts the thread states and switch counts last read into {@code m}. */
    void restoreThreads(Member m) {
      long[] states = threadStates;
      if (states != null) {
        System.arraycopy(states, 0, m.threadStates, 0, states.length);
      }
      m.present |= threadsPresent;
      if ((threadsPresent & 1L << Field.VOLUNTARY_SWITCHES.ordinal()) != 0) {
        m.v[Field.VOLUNTARY_SWITCHES.ordinal()] = voluntary;
      }
      if ((threadsPresent & 1L << Field.INVOLUNTARY_SWITCHES.ordinal()) != 0) {
        m.v[Field.INVOLUNTARY_SWITCHES.ordinal()] = involuntary;
      }
    }

    void closeChannels() {
      for (int i = 0; i < channels.length; i++) {
        drop(i);
      }
      held = false;
    }

    /** Closes file {@code file} if it is kept open, and gives its descriptor back to the JVM-wide budget. */
    void drop(int file) {
      FileChannel ch = channels[file];
      if (ch != null) {
        closeQuietly(ch);
        channels[file] = null;
        FILES_KEPT_OPEN.decrementAndGet();
      }
    }

    /** {@code task/TID/status}, kept while the thread lives. */
    /** {@code task/TID/children}, kept while the thread lives. */
    String taskChildren(String tid) {
      String p = taskChildren.get(tid);
      if (p == null) {
        if (taskChildren.size() > 4096) {
          taskChildren.clear();
        }
        p = taskPrefix + tid + File.separator + "children";
        taskChildren.put(tid, p);
      }
      return p;
    }

    String taskStatus(String tid) {
      String p = taskStatus.get(tid);
      if (p == null) {
        if (taskStatus.size() > 4096) {
          taskStatus.clear();
        }
        p = taskPrefix + tid + File.separator + "status";
        taskStatus.put(tid, p);
      }
      return p;
    }
  }

  /** Forgets the paths of every pid whose files are not kept open. */
  private void forgetPaths() {
    files.values().removeIf(f -> !f.held);
  }

  private PidFiles files(long pid) {
    PidFiles f = files.get(pid);
    if (f == null) {
      if (files.size() >= 65_536) {
        forgetPaths();
      }
      f = new PidFiles(procRoot, pid);
      files.put(pid, f);
    }
    return f;
  }

  @Override
  public String toString() {
    return "ProcSampler{" + procRoot + ", " + constants.clockTicks() + " ticks/s, " + constants.pageSize() + "-byte pages}";
  }

  /**
   * Configures a {@link ProcSampler}. Not thread-safe; {@link #build()} can be called again.
   */
  public static final class Builder {
    private Path procRoot = Path.of("/proc");
    private Path passwd = Path.of("/etc/passwd");
    private Duration tableMaxAge = Duration.ofMillis(500);
    private Duration slowFieldsMaxAge = Duration.ofSeconds(10);
    private int keepOpen = 1024;
    // longer than the usual scrape interval (Prometheus: 15 s to 1 min) and a push registry's step (1 min by
    // default): a process read once per scrape keeps its files, instead of opening, reading and closing each
    // again at every scrape (a third more CPU per sample at 100 processes, bench/results/scrape-keep-open.md)
    private Duration keepOpenIdle = Duration.ofMinutes(2);
    private Ticker ticker = Ticker.system();
    private long clockTicks;
    private long pageSize;

    private Builder() {}

    /** Where {@code /proc} is mounted; a directory of fixtures in tests. */
    public Builder procRoot(Path root) {
      this.procRoot = requireNonNull(root, "procRoot");
      return this;
    }

    /** The user database for effective user names; {@code /etc/passwd} by default. */
    public Builder passwd(Path file) {
      this.passwd = requireNonNull(file, "passwd");
      return this;
    }

    /**
     * How long one scan of every process's parent (trees and zombie children on a kernel without
     * {@code task/TID/children}) and the namespace's socket tables are reused; 500 ms by default,
     * zero to read them for every such sample. A descendant started after a scan is not seen until
     * the next one.
     */
    public Builder processTableMaxAge(Duration maxAge) {
      this.tableMaxAge = nonNegative(maxAge, "processTableMaxAge");
      return this;
    }

    private static Duration nonNegative(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + HumanFormat.duration(d));
      }
      return d;
    }

    /**
     * How long the slow fields are reused for the same process before they are read again: Pss and
     * SwapPss ({@code smaps_rollup}, which makes the kernel walk the process's page tables: about
     * 40 µs even for a small process, as much as all other fields together; read again at once when
     * the resident memory, read on every sample, moved by more than 1/64), the descriptor limit
     * ({@code limits}), and for a multithreaded process its threads by state and its context switches
     * summed over every thread (a {@code task/TID/status} per thread, about 15 µs each; a JVM has
     * dozens to hundreds; read again at once when the number of threads changed) and its children
     * (a {@code task/TID/children} per thread; a child younger than the list joins its tree and its
     * zombie children at the next read). 10 s by default (fresher than a usual Prometheus scrape),
     * zero to read them on every sample. The first re-read of a process comes at a point within the
     * age spread by pid, so that processes sampled together do not all re-read in the same round.
     * Other fields are read on every sample.
     */
    public Builder slowFieldsMaxAge(Duration maxAge) {
      this.slowFieldsMaxAge = nonNegative(maxAge, "slowFieldsMaxAge");
      return this;
    }

    /**
     * For how many processes at most the files read on every sample are kept open
     * between samples and re-read in place (a {@code pread} instead of open, read and close: about
     * half the cost); 1,024 by default, 0 to open every file on every sample. A process's files are
     * kept open from its second sample on, and closed when it is gone, after
     * {@linkplain #keepOpenIdle(Duration) an idle time} without a sample, and by {@link ProcSampler#close()}.
     * Each costs a descriptor per file its fields need, at most five ({@code stat}, {@code status} or {@code statm},
     * {@code io}, {@code task/PID/children}, {@code fd/}), and, in the kernel, about a page of buffer per file read.
     * All samplers in a JVM together keep at most a quarter of its soft limit of open files; a file over that budget
     * is read by path.
     */
    public Builder keepOpen(int processes) {
      if (processes < 0) {
        throw new IllegalArgumentException("keepOpen must not be negative: " + processes);
      }
      this.keepOpen = processes;
      return this;
    }

    /**
     * After how long without a sample a process's files kept open are closed; 2 min by default, so that a process
     * sampled once per metrics scrape (every 15 s to 1 min) or per push registry step (1 min) keeps them.
     */
    public Builder keepOpenIdle(Duration idle) {
      requireNonNull(idle, "keepOpenIdle");
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("keepOpenIdle must be positive: " + HumanFormat.duration(idle));
      }
      this.keepOpenIdle = idle;
      return this;
    }

    /**
     * The clock by which the sampler ages what it reuses (the process table, slow fields, files kept
     * open); {@link Ticker#system()} by default. Samples are always stamped with the real time.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Overrides the clock ticks per second read from the auxiliary vector (for fixtures). */
    public Builder clockTicks(long ticks) {
      if (ticks <= 0) {
        throw new IllegalArgumentException("clockTicks must be positive: " + ticks);
      }
      this.clockTicks = ticks;
      return this;
    }

    /** Overrides the page size read from the auxiliary vector (for fixtures). */
    public Builder pageSize(long bytes) {
      if (bytes <= 0 || Long.bitCount(bytes) != 1) {
        throw new IllegalArgumentException("pageSize must be a positive power of two: " + bytes);
      }
      this.pageSize = bytes;
      return this;
    }

    /** A sampler; reads the machine's constants (clock ticks, page size, boot time, memory) once, now. */
    public ProcSampler build() {
      return new ProcSampler(this);
    }
  }
}
