package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one reading of the operating system says about one process, its tree of descendants, or a
 * group of processes: CPU, memory, I/O, faults, context switches, descriptors, threads, sockets and
 * zombie children, as far as the kernel lets the reader see them.
 *
 * <p><b>Absent is not zero.</b> A field the kernel refused (for example {@code /proc/PID/io} of
 * another user's process), or that the sampler does not read, is absent: {@link #has(Field)} is
 * false, the typed accessors return an empty optional, and {@link #get(Field)} returns
 * {@link Double#NaN}. For a tree or a group a field is present only if it was read for every member
 * process, so a sum never silently leaves members out.
 *
 * <p><b>Aggregation.</b> Over several processes: counters, memory, descriptors, threads and states
 * are sums; {@link Field#FD_LIMIT} is the lowest limit, {@link Field#WORST_FD_RATIO} the highest
 * open/limit ratio of any member, {@link Field#START_TIME} the oldest start (as process-exporter's
 * {@code oldest_start_time}) and {@link Field#UPTIME} is measured from it; {@link #user()} is the
 * effective user of the first member (the root of a tree).
 *
 * <p><b>CPU percent</b> needs two readings: it is computed against the {@code previous} sample given
 * to the sampler, when that one describes the same root process (same pid and start time) and scope.
 * 100 means one core fully busy. Over a tree it counts each member's CPU between the two samples,
 * members that started after the previous sample with all their CPU; a member that ended in between
 * contributes nothing for that interval (the kernel no longer shows it).
 *
 * <p><b>Vanished.</b> When the (root) process ended while it was being read, the sample says so
 * with {@link #vanished()} and {@link #vanishedReason()}, and carries no fields; samplers never
 * throw for that. Members of a tree or group that vanish are simply not counted.
 *
 * <p>Samplers build samples with a reusable {@link Builder}; the sample itself is immutable and
 * thread-safe. Primitive {@link #get(Field)} and {@link #has(Field)} allocate nothing, which suits
 * metric gauges read every scrape.
 */
public final class ProcessSample {

  /** What a sample covers. */
  public enum Scope {
    /** One process. */
    PROCESS,
    /** A process and all its living descendants. */
    TREE,
    /** A given set of processes (for example all matches of an attach pattern). */
    GROUP
  }

  /**
   * The scheduler state of a process or thread, in process-exporter's five buckets: {@code R} is
   * running, {@code S} sleeping, {@code D} waiting (uninterruptible), {@code Z} zombie, anything
   * else ({@code T}, {@code t}, {@code I}, {@code X}, …) other.
   */
  public enum RunState {
    RUNNING, SLEEPING, WAITING, ZOMBIE, OTHER;

    /** The bucket of a state letter from {@code /proc/PID/stat}. */
    public static RunState ofLetter(int letter) {
      switch (letter) {
        case 'R':
          return RUNNING;
        case 'S':
          return SLEEPING;
        case 'D':
          return WAITING;
        case 'Z':
          return ZOMBIE;
        default:
          return OTHER;
      }
    }

    /** The label process-exporter uses: {@code Running}, {@code Sleeping}, …. */
    public String label() {
      String n = name();
      return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }
  }

  /** The fields a sample can hold; each is present or absent on its own. */
  public enum Field {
    /** CPU time in user mode ({@link #cpuUser()}). */
    CPU_USER(false),
    /** CPU time in kernel mode ({@link #cpuSystem()}). */
    CPU_SYSTEM(false),
    /** CPU time, user plus system ({@link #cpuTotal()}); the only CPU figure the JDK offers. */
    CPU_TOTAL(false),
    /** CPU use between the previous sample and this one, 100 = one core ({@link #cpuPercent()}). */
    CPU_PERCENT(true),
    /** Resident set size, bytes (on Linux the exact {@code VmRSS}; {@code stat}'s rss field is a per-CPU approximation). */
    MEMORY_RESIDENT(false),
    /** Virtual memory size, bytes. */
    MEMORY_VIRTUAL(false),
    /** Swapped-out memory, bytes ({@code VmSwap}). */
    MEMORY_SWAPPED(false),
    /** Proportional set size, bytes ({@code Pss} of {@code smaps_rollup}); costs the kernel a page walk. */
    MEMORY_PROPORTIONAL(false),
    /** Proportional swap, bytes ({@code SwapPss} of {@code smaps_rollup}). */
    MEMORY_PROPORTIONAL_SWAPPED(false),
    /** Resident memory as a percentage of the machine's total memory. */
    MEMORY_PERCENT(true),
    /** Bytes read from storage ({@code read_bytes} of {@code /proc/PID/io}). */
    READ_BYTES(false),
    /** Bytes written to storage ({@code write_bytes} of {@code /proc/PID/io}). */
    WRITE_BYTES(false),
    /** Major page faults (needing I/O). */
    MAJOR_FAULTS(false),
    /** Minor page faults. */
    MINOR_FAULTS(false),
    /** Voluntary context switches, summed over the process's living threads. */
    VOLUNTARY_SWITCHES(false),
    /** Involuntary context switches, summed over the process's living threads. */
    INVOLUNTARY_SWITCHES(false),
    /** Open file descriptors. */
    OPEN_FDS(false),
    /** Soft limit on open file descriptors ({@code RLIMIT_NOFILE}); the lowest over several processes. */
    FD_LIMIT(false),
    /** The highest open/limit descriptor ratio of any member, 0 to 1. */
    WORST_FD_RATIO(true),
    /** Threads. */
    THREADS(false),
    /** Threads by {@link RunState} ({@link #threads(RunState)}); reads every thread's stat. */
    THREAD_STATES(false),
    /** Processes by {@link RunState} ({@link #processes(RunState)}), one state per process. */
    PROCESS_STATES(false),
    /** Start time, the oldest over several processes ({@link #startTime()}). */
    START_TIME(false),
    /** Time since {@link #START_TIME} at the sample ({@link #uptime()}). */
    UPTIME(false),
    /** Number of processes covered. */
    PROCESSES(false),
    /** Effective user name ({@link #user()}). */
    USER(false),
    /** TCP and UDP sockets ({@link #sockets()}); costs a read of every descriptor link. */
    SOCKETS(false),
    /** Zombie children not yet reaped by their parent ({@link #zombieChildren()}). */
    ZOMBIE_CHILDREN(false),
    /**
     * Resident set size, bytes, as {@code /proc/PID/stat}'s rss field (pages) gives it: the kernel's per-CPU
     * approximation, what process-exporter publishes as {@code memtype="resident"} (6 to 11 % below
     * {@link #MEMORY_RESIDENT}'s exact {@code VmRSS} on small processes). Linux only.
     */
    MEMORY_RESIDENT_STAT(false);

    private final boolean floating;

    Field(boolean floating) {
      this.floating = floating;
    }

    /** Whether the value is a fraction ({@code double}) rather than a count, bytes or nanoseconds. */
    public boolean isFloatingPoint() {
      return floating;
    }

    /** Every field. */
    public static Set<Field> all() {
      return EnumSet.allOf(Field.class);
    }
  }

  /** A socket's transport. */
  public enum Protocol { TCP, TCP6, UDP, UDP6 }

  /**
   * One TCP or UDP socket owned by a sampled process.
   *
   * @param protocol its transport and address family
   * @param local the local address and port
   * @param remote the remote address and port; the wildcard address and port 0 when unconnected
   * @param state the kernel's socket state ({@code ESTABLISHED}, {@code LISTEN}, …; UDP sockets
   *     show {@code ESTABLISHED} when connected and {@code CLOSE} otherwise, as the kernel reports them)
   * @param pid the process whose descriptor holds it
   * @param inode the socket's inode number
   */
  public record Socket(Protocol protocol, InetSocketAddress local, InetSocketAddress remote, String state, long pid, long inode) {
    public Socket {
      requireNonNull(protocol, "protocol");
      requireNonNull(local, "local");
      requireNonNull(remote, "remote");
      requireNonNull(state, "state");
    }
  }

  /**
   * A child that has exited and that its parent has not reaped.
   *
   * @param pid the zombie's pid
   * @param parentPid its parent, which should reap it
   * @param name its command name
   */
  public record ZombieChild(long pid, long parentPid, String name) {
    public ZombieChild {
      requireNonNull(name, "name");
    }
  }

  private static final Field[] FIELDS = Field.values();
  private static final RunState[] RUN_STATES = RunState.values();
  private static final int THREAD_STATE_BASE = FIELDS.length;
  private static final int PROCESS_STATE_BASE = THREAD_STATE_BASE + RUN_STATES.length;
  private static final int SLOTS = PROCESS_STATE_BASE + RUN_STATES.length;
  private static final long[] NO_MEMBERS = new long[0];
  /** The summed counters kept per member as well ({@link #memberCounter}), in this order. */
  private static final Field[] MEMBER_COUNTERS = {Field.CPU_USER, Field.CPU_SYSTEM, Field.READ_BYTES, Field.WRITE_BYTES,
      Field.MAJOR_FAULTS, Field.MINOR_FAULTS, Field.VOLUNTARY_SWITCHES, Field.INVOLUNTARY_SWITCHES};
  private static final int[] MEMBER_COUNTER_INDEX = memberCounterIndex();

  private static int[] memberCounterIndex() {
    int[] index = new int[Field.values().length];
    Arrays.fill(index, -1);
    for (int i = 0; i < MEMBER_COUNTERS.length; i++) {
      index[MEMBER_COUNTERS[i].ordinal()] = i;
    }
    return index;
  }

  private final Scope scope;
  private final long pid;
  private final long present; // bit per Field ordinal
  private final long[] values; // one slot per Field, then thread states, then process states
  private final long[] members; // (pid, start time epoch ms, cpu total ns) per member
  private final long[] memberCounters; // MEMBER_COUNTERS.length per member, -1 where the member did not add it
  private final long[] ages; // per Field: nanoseconds since its oldest member value was read, -1 if not said
  private final long sampledAtMillis;
  private final long monotonicNanos;
  private final @Nullable String user;
  private final List<Socket> sockets;
  private final List<ZombieChild> zombies;
  private final @Nullable String vanishedReason;

  private ProcessSample(Builder b, long present, long[] values) {
    this.scope = b.scope;
    this.pid = b.pid;
    this.present = present;
    this.values = values;
    this.members = b.memberCount == 0 ? NO_MEMBERS : Arrays.copyOf(b.members, b.memberCount * 3);
    this.ages = b.ages.clone();
    this.memberCounters = b.memberCount == 0 ? NO_MEMBERS : Arrays.copyOf(b.memberCounters, b.memberCount * MEMBER_COUNTERS.length);
    this.sampledAtMillis = b.sampledAtMillis;
    this.monotonicNanos = b.monotonicNanos;
    this.user = (present & bit(Field.USER)) != 0 ? b.user : null;
    this.sockets = (present & bit(Field.SOCKETS)) != 0 ? List.copyOf(b.sockets) : List.of();
    this.zombies = (present & bit(Field.ZOMBIE_CHILDREN)) != 0 ? List.copyOf(b.zombies) : List.of();
    this.vanishedReason = b.vanishedReason;
  }

  /** A builder for samplers; reusable through {@link Builder#reset}. */
  public static Builder builder(Scope scope, long pid) {
    return new Builder().reset(scope, pid, System.currentTimeMillis(), System.nanoTime());
  }

  /** What this sample covers. */
  public Scope scope() {
    return scope;
  }

  /** The process sampled, the root of the tree, or the first pid of a group ({@code -1} for an empty group). */
  public long pid() {
    return pid;
  }

  /** The start time (epoch milliseconds) of member {@code index} of {@link #memberPids()}; {@code Long.MIN_VALUE} if unknown. */
  public long memberStartMillis(int index) {
    return members[3 * index + 1];
  }

  /**
   * What member {@code index} of {@link #memberPids()} alone added to a summed counter field (CPU user or
   * system time, bytes read or written, page faults, context switches), or -1 where it did not add it.
   * With the pid and start time, for keeping what members that have since ended used (as
   * process-exporter accumulates per process).
   *
   * @throws IllegalArgumentException for a field that is not such a counter
   */
  public long memberCounter(int index, Field field) {
    int k = MEMBER_COUNTER_INDEX[field.ordinal()];
    if (k < 0) {
      throw new IllegalArgumentException("not a per-member counter: " + field);
    }
    return memberCounters[index * MEMBER_COUNTERS.length + k];
  }

  /**
   * How old {@code field}'s value is at this sample, for fields a sampler re-reads less often than it samples
   * (the Linux sampler's Pss, descriptor limit, and a multithreaded process's per-thread states and
   * context switches: at most its {@code slowFieldsMaxAge}, 10 s by default), the oldest member's for a tree
   * or group; zero when read in this sample. Empty when the sampler does not say (fields read every time).
   */
  public Optional<Duration> age(Field field) {
    long a = ages[field.ordinal()];
    return a < 0 || !has(field) ? Optional.empty() : Optional.of(Duration.ofNanos(a));
  }

  /** The pids this sample counts, root first for a tree. */
  public long[] memberPids() {
    long[] pids = new long[members.length / 3];
    for (int i = 0; i < pids.length; i++) {
      pids[i] = members[3 * i];
    }
    return pids;
  }

  /** When it was read (wall clock). */
  public Instant sampledAt() {
    return Instant.ofEpochMilli(sampledAtMillis);
  }

  /** The monotonic reading ({@link System#nanoTime()}) when it was read; for intervals only. */
  public long monotonicNanos() {
    return monotonicNanos;
  }

  /** Whether the (root) process ended while being read; then no field is present. */
  public boolean vanished() {
    return vanishedReason != null;
  }

  /** Why it counts as vanished, e.g. {@code "/proc/1234/stat: No such process"}. */
  public Optional<String> vanishedReason() {
    return Optional.ofNullable(vanishedReason);
  }

  /** Whether {@code field} is present. Allocation-free. */
  public boolean has(Field field) {
    return (present & bit(field)) != 0;
  }

  /** The present fields. */
  public Set<Field> fields() {
    EnumSet<Field> set = EnumSet.noneOf(Field.class);
    for (Field f : FIELDS) {
      if (has(f)) {
        set.add(f);
      }
    }
    return set;
  }

  /**
   * The value of a numeric field, {@link Double#NaN} when absent. Units: nanoseconds for CPU times
   * and uptime, bytes for memory and I/O, epoch milliseconds for the start time, percent for
   * {@code CPU_PERCENT} and {@code MEMORY_PERCENT}, a fraction for {@code WORST_FD_RATIO}, a count
   * otherwise ({@code THREAD_STATES}, {@code PROCESS_STATES}, {@code SOCKETS} and
   * {@code ZOMBIE_CHILDREN} give their total). {@code USER} is not numeric: NaN. Allocation-free,
   * for gauges.
   */
  public double get(Field field) {
    if (!has(field)) {
      return Double.NaN;
    }
    switch (field) {
      case USER:
        return Double.NaN;
      case SOCKETS:
        return sockets.size();
      case ZOMBIE_CHILDREN:
        return zombies.size();
      case THREAD_STATES:
        return sum(THREAD_STATE_BASE);
      case PROCESS_STATES:
        return sum(PROCESS_STATE_BASE);
      default:
        long raw = values[field.ordinal()];
        return field.isFloatingPoint() ? Double.longBitsToDouble(raw) : raw;
    }
  }

  /** An integral field's value ({@code CPU_*} in nanoseconds), or empty when absent or fractional. */
  public OptionalLong getLong(Field field) {
    if (!has(field) || field.isFloatingPoint() || field == Field.USER) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) get(field));
  }

  private long sum(int base) {
    long s = 0;
    for (int i = 0; i < RUN_STATES.length; i++) {
      s += values[base + i];
    }
    return s;
  }

  private OptionalLong optLong(Field f) {
    return has(f) ? OptionalLong.of(values[f.ordinal()]) : OptionalLong.empty();
  }

  private OptionalDouble optDouble(Field f) {
    return has(f) ? OptionalDouble.of(Double.longBitsToDouble(values[f.ordinal()])) : OptionalDouble.empty();
  }

  private Optional<Duration> optNanos(Field f) {
    return has(f) ? Optional.of(Duration.ofNanos(values[f.ordinal()])) : Optional.empty();
  }

  /** CPU time in user mode; empty when absent. */
  public Optional<Duration> cpuUser() {
    return optNanos(Field.CPU_USER);
  }

  /** CPU time in kernel mode; empty when absent. */
  public Optional<Duration> cpuSystem() {
    return optNanos(Field.CPU_SYSTEM);
  }

  /** CPU time, user plus system; empty when absent. */
  public Optional<Duration> cpuTotal() {
    return optNanos(Field.CPU_TOTAL);
  }

  /** CPU use since the previous sample, 100 = one core; absent without a matching previous sample. */
  public OptionalDouble cpuPercent() {
    return optDouble(Field.CPU_PERCENT);
  }

  /** Resident memory in bytes; empty when absent. */
  public OptionalLong memoryResident() {
    return optLong(Field.MEMORY_RESIDENT);
  }

  /** Virtual memory in bytes; empty when absent. */
  public OptionalLong memoryVirtual() {
    return optLong(Field.MEMORY_VIRTUAL);
  }

  /** Swapped-out memory in bytes; empty when absent. */
  public OptionalLong memorySwapped() {
    return optLong(Field.MEMORY_SWAPPED);
  }

  /** Proportional set size (Pss) in bytes; empty when absent. */
  public OptionalLong memoryProportional() {
    return optLong(Field.MEMORY_PROPORTIONAL);
  }

  /** Proportional swap (SwapPss) in bytes; empty when absent. */
  public OptionalLong memoryProportionalSwapped() {
    return optLong(Field.MEMORY_PROPORTIONAL_SWAPPED);
  }

  /** Resident memory as a percentage of the machine's memory; empty when absent. */
  public OptionalDouble memoryPercent() {
    return optDouble(Field.MEMORY_PERCENT);
  }

  /** Bytes read from storage; empty when absent (e.g. refused for another user's process). */
  public OptionalLong readBytes() {
    return optLong(Field.READ_BYTES);
  }

  /** Bytes written to storage; empty when absent. */
  public OptionalLong writeBytes() {
    return optLong(Field.WRITE_BYTES);
  }

  /** Major page faults; empty when absent. */
  public OptionalLong majorFaults() {
    return optLong(Field.MAJOR_FAULTS);
  }

  /** Minor page faults; empty when absent. */
  public OptionalLong minorFaults() {
    return optLong(Field.MINOR_FAULTS);
  }

  /** Voluntary context switches over all threads; empty when absent. */
  public OptionalLong voluntarySwitches() {
    return optLong(Field.VOLUNTARY_SWITCHES);
  }

  /** Involuntary context switches over all threads; empty when absent. */
  public OptionalLong involuntarySwitches() {
    return optLong(Field.INVOLUNTARY_SWITCHES);
  }

  /** Open file descriptors; empty when absent (e.g. refused). */
  public OptionalLong openFds() {
    return optLong(Field.OPEN_FDS);
  }

  /** The soft descriptor limit (the lowest over several processes); empty when absent. */
  public OptionalLong fdLimit() {
    return optLong(Field.FD_LIMIT);
  }

  /** The highest open/limit descriptor ratio of any member; empty when absent. */
  public OptionalDouble worstFdRatio() {
    return optDouble(Field.WORST_FD_RATIO);
  }

  /** Threads; empty when absent. */
  public OptionalLong threads() {
    return optLong(Field.THREADS);
  }

  /** Threads in {@code state}; empty when {@link Field#THREAD_STATES} is absent. */
  public OptionalLong threads(RunState state) {
    return has(Field.THREAD_STATES) ? OptionalLong.of(values[THREAD_STATE_BASE + state.ordinal()]) : OptionalLong.empty();
  }

  /** Processes in {@code state}; empty when {@link Field#PROCESS_STATES} is absent. */
  public OptionalLong processes(RunState state) {
    return has(Field.PROCESS_STATES) ? OptionalLong.of(values[PROCESS_STATE_BASE + state.ordinal()]) : OptionalLong.empty();
  }

  /** Start time, the oldest over several processes; empty when absent. */
  public Optional<Instant> startTime() {
    return has(Field.START_TIME) ? Optional.of(Instant.ofEpochMilli(values[Field.START_TIME.ordinal()])) : Optional.empty();
  }

  /** Time from {@link #startTime()} to the sample; empty when absent. */
  public Optional<Duration> uptime() {
    return optNanos(Field.UPTIME);
  }

  /** Number of processes counted; empty when absent. */
  public OptionalLong processes() {
    return optLong(Field.PROCESSES);
  }

  /** Effective user name (the first member's); empty when absent. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** Its sockets; empty when {@link Field#SOCKETS} is absent (check {@link #has}). */
  public List<Socket> sockets() {
    return sockets;
  }

  /** Its unreaped zombie children; empty when none or when {@link Field#ZOMBIE_CHILDREN} is absent. */
  public List<ZombieChild> zombieChildren() {
    return zombies;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ProcessSample{").append(scope).append(' ').append(pid);
    if (vanishedReason != null) {
      return sb.append(", vanished: ").append(vanishedReason).append('}').toString();
    }
    for (Field f : FIELDS) {
      if (!has(f)) {
        continue;
      }
      sb.append(", ").append(f.name().toLowerCase(Locale.ROOT)).append('=');
      switch (f) {
        case USER:
          sb.append(user);
          break;
        case SOCKETS:
          sb.append(sockets.size());
          break;
        case ZOMBIE_CHILDREN:
          sb.append(zombies);
          break;
        case THREAD_STATES:
        case PROCESS_STATES:
          int base = f == Field.THREAD_STATES ? THREAD_STATE_BASE : PROCESS_STATE_BASE;
          sb.append('{');
          for (RunState s : RUN_STATES) {
            sb.append(s == RunState.RUNNING ? "" : " ").append(s.label()).append(':').append(values[base + s.ordinal()]);
          }
          sb.append('}');
          break;
        default:
          double v = get(f);
          sb.append(f.isFloatingPoint() ? String.format(Locale.ROOT, "%.3f", v) : Long.toString((long) v));
      }
    }
    return sb.append('}').toString();
  }

  private static long bit(Field f) {
    return 1L << f.ordinal();
  }

  /**
   * Collects one sample, member by member; used by {@link io.github.vigil.spi.ProcessSampler}
   * implementations. Reuse one builder per sampling thread ({@link #reset}) to keep allocation low.
   *
   * <p>For each member process: {@link #beginMember}, then {@link #add} (or the other adders) for
   * every field that could be read, then {@link #endMember}. Fields requested but not added for a
   * member become absent in the sample. Not thread-safe.
   */
  public static final class Builder {
    private Scope scope = Scope.PROCESS;
    private long pid;
    private long sampledAtMillis;
    private long monotonicNanos;
    private long requested;
    private long missing;
    private long touched;          // fields added for some member
    private long memberTouched;    // fields added for the current member
    private final long[] values = new long[SLOTS];
    private long[] members = new long[3 * 4];
    private long[] memberCounters = new long[MEMBER_COUNTERS.length * 4];
    private final long[] currentCounters = new long[MEMBER_COUNTERS.length];
    private final long[] ages = new long[FIELDS.length];
    private int memberCount;
    private long memberStartMillis;
    private long memberCpuNanos;
    private long memberOpenFds;
    private long memberFdLimit;
    private long memoryTotal;
    private double worstRatio;
    private @Nullable String user;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<ZombieChild> zombies = new ArrayList<>();
    private @Nullable String vanishedReason;

    Builder() {}

    /** Starts a new sample read at the given wall-clock and monotonic times. */
    public Builder reset(Scope scope, long pid, long sampledAtMillis, long monotonicNanos) {
      this.scope = requireNonNull(scope, "scope");
      this.pid = pid;
      this.sampledAtMillis = sampledAtMillis;
      this.monotonicNanos = monotonicNanos;
      this.requested = 0;
      this.missing = 0;
      this.touched = 0;
      Arrays.fill(values, 0);
      this.memberCount = 0;
      Arrays.fill(currentCounters, -1);
      Arrays.fill(ages, -1);
      this.memoryTotal = 0;
      this.worstRatio = -1;
      this.user = null;
      this.sockets.clear();
      this.zombies.clear();
      this.vanishedReason = null;
      return this;
    }

    /** The fields the caller asked for; only these can be present. */
    public Builder request(Set<Field> fields) {
      long r = 0;
      for (Field f : fields) {
        r |= bit(f);
      }
      this.requested = r;
      return this;
    }

    /** The machine's total memory in bytes, for {@link Field#MEMORY_PERCENT}. */
    public Builder memoryTotal(long bytes) {
      this.memoryTotal = bytes;
      return this;
    }

    /** Whether {@code field} was requested. */
    public boolean wants(Field field) {
      return (requested & bit(field)) != 0;
    }

    /** Starts a member process. */
    public Builder beginMember() {
      memberTouched = 0;
      Arrays.fill(currentCounters, -1);
      memberStartMillis = Long.MIN_VALUE;
      memberCpuNanos = Long.MIN_VALUE;
      memberOpenFds = -1;
      memberFdLimit = -1;
      return this;
    }

    /**
     * Adds a member's value of a summed field (counts, bytes, CPU nanoseconds), or its start time in
     * epoch milliseconds for {@link Field#START_TIME}, its open descriptors or limit for
     * {@link Field#OPEN_FDS} and {@link Field#FD_LIMIT}.
     */
    public Builder add(Field field, long value) {
      int i = field.ordinal();
      switch (field) {
        case START_TIME:
          memberStartMillis = value;
          values[i] = (touched & bit(field)) == 0 ? value : Math.min(values[i], value);
          break;
        case FD_LIMIT:
          memberFdLimit = value;
          values[i] = (touched & bit(field)) == 0 ? value : Math.min(values[i], value);
          break;
        case OPEN_FDS:
          memberOpenFds = value;
          values[i] += value;
          break;
        case CPU_TOTAL:
          memberCpuNanos = value;
          values[i] += value;
          break;
        case CPU_PERCENT:
        case MEMORY_PERCENT:
        case WORST_FD_RATIO:
        case UPTIME:
        case PROCESSES:
        case USER:
        case SOCKETS:
        case ZOMBIE_CHILDREN:
        case THREAD_STATES:
        case PROCESS_STATES:
          throw new IllegalArgumentException("field " + field + " is derived or has its own adder");
        default:
          values[i] += value;
      }
      int k = MEMBER_COUNTER_INDEX[i];
      if (k >= 0) {
        currentCounters[k] = currentCounters[k] < 0 ? value : currentCounters[k] + value;
      }
      memberTouched |= bit(field);
      touched |= bit(field);
      return this;
    }

    /** Counts {@code count} of the member's threads in {@code state}. */
    public Builder addThreads(RunState state, long count) {
      values[THREAD_STATE_BASE + state.ordinal()] += count;
      memberTouched |= bit(Field.THREAD_STATES);
      touched |= bit(Field.THREAD_STATES);
      return this;
    }

    /** The member's own state. */
    public Builder processState(RunState state) {
      values[PROCESS_STATE_BASE + state.ordinal()]++;
      memberTouched |= bit(Field.PROCESS_STATES);
      touched |= bit(Field.PROCESS_STATES);
      return this;
    }

    /** The member's effective user; the first member's wins. */
    public Builder user(String name) {
      if (user == null) {
        user = requireNonNull(name, "name");
      }
      memberTouched |= bit(Field.USER);
      touched |= bit(Field.USER);
      return this;
    }

    /** Marks the member's sockets as read (possibly none); add them with {@link #addSocket}. */
    public Builder socketsRead() {
      memberTouched |= bit(Field.SOCKETS);
      touched |= bit(Field.SOCKETS);
      return this;
    }

    /** Adds a socket of the current member (see {@link #socketsRead()}). */
    public Builder addSocket(Socket socket) {
      sockets.add(requireNonNull(socket, "socket"));
      return this;
    }

    /** Marks the member's children as looked at (possibly no zombie); add zombies with {@link #addZombie}. */
    public Builder zombiesRead() {
      memberTouched |= bit(Field.ZOMBIE_CHILDREN);
      touched |= bit(Field.ZOMBIE_CHILDREN);
      return this;
    }

    /** Adds an unreaped zombie child (see {@link #zombiesRead()}). */
    public Builder addZombie(ZombieChild zombie) {
      zombies.add(requireNonNull(zombie, "zombie"));
      return this;
    }

    /** Ends a member of pid {@code memberPid}: requested fields it did not add become absent. */
    public Builder endMember(long memberPid) {
      long derived = bit(Field.CPU_PERCENT) | bit(Field.MEMORY_PERCENT) | bit(Field.WORST_FD_RATIO) | bit(Field.UPTIME)
          | bit(Field.PROCESSES);
      missing |= requested & ~derived & ~memberTouched;
      if (memberOpenFds >= 0 && memberFdLimit > 0) {
        worstRatio = Math.max(worstRatio, (double) memberOpenFds / memberFdLimit);
      } else {
        missing |= bit(Field.WORST_FD_RATIO);
      }
      if (memberCount * 3 == members.length) {
        members = Arrays.copyOf(members, members.length * 2);
      }
      if ((memberCount + 1) * MEMBER_COUNTERS.length > memberCounters.length) {
        memberCounters = Arrays.copyOf(memberCounters, memberCounters.length * 2 + MEMBER_COUNTERS.length);
      }
      System.arraycopy(currentCounters, 0, memberCounters, memberCount * MEMBER_COUNTERS.length, MEMBER_COUNTERS.length);
      members[3 * memberCount] = memberPid;
      members[3 * memberCount + 1] = memberStartMillis;
      members[3 * memberCount + 2] = memberCpuNanos;
      memberCount++;
      return this;
    }

    /** Says that the current member's value of {@code field} was read {@code nanos} ago; a sample keeps the oldest. */
    public Builder fieldAge(Field field, long nanos) {
      int i = field.ordinal();
      ages[i] = Math.max(ages[i], Math.max(0, nanos));
      return this;
    }

    /** Marks the sample as vanished: the (root) process ended while being read. */
    public Builder vanished(String reason) {
      this.vanishedReason = requireNonNull(reason, "reason");
      return this;
    }

    /**
     * The sample, with CPU percent computed against {@code previous} when it describes the same
     * root (pid and start time) in the same scope.
     */
    public ProcessSample build(@Nullable ProcessSample previous) {
      if (vanishedReason != null) {
        memberCount = 0;
        return new ProcessSample(this, 0, new long[SLOTS]);
      }
      long[] v = values.clone();
      long p = touched & requested & ~missing;
      if (memberCount > 0) {
        p |= requested & bit(Field.PROCESSES);
        v[Field.PROCESSES.ordinal()] = memberCount;
      }
      if ((p & bit(Field.START_TIME)) != 0 && (requested & bit(Field.UPTIME)) != 0) {
        p |= bit(Field.UPTIME);
        v[Field.UPTIME.ordinal()] = Math.max(0, sampledAtMillis - v[Field.START_TIME.ordinal()]) * 1_000_000L;
      }
      if ((p & bit(Field.MEMORY_RESIDENT)) != 0 && memoryTotal > 0 && (requested & bit(Field.MEMORY_PERCENT)) != 0) {
        p |= bit(Field.MEMORY_PERCENT);
        v[Field.MEMORY_PERCENT.ordinal()] = Double.doubleToRawLongBits(100.0 * v[Field.MEMORY_RESIDENT.ordinal()] / memoryTotal);
      }
      if (worstRatio >= 0 && (missing & bit(Field.WORST_FD_RATIO)) == 0 && (requested & bit(Field.WORST_FD_RATIO)) != 0) {
        p |= bit(Field.WORST_FD_RATIO);
        v[Field.WORST_FD_RATIO.ordinal()] = Double.doubleToRawLongBits(worstRatio);
      }
      if ((p & bit(Field.CPU_TOTAL)) != 0 && (requested & bit(Field.CPU_PERCENT)) != 0) {
        double pct = cpuPercent(previous);
        if (pct >= 0) {
          p |= bit(Field.CPU_PERCENT);
          v[Field.CPU_PERCENT.ordinal()] = Double.doubleToRawLongBits(pct);
        }
      }
      return new ProcessSample(this, p, v);
    }

    /** Percent of one core since {@code previous}, or -1 when it cannot be computed. */
    private double cpuPercent(@Nullable ProcessSample previous) {
      if (previous == null || previous.vanished() || previous.scope != scope || previous.pid != pid
          || previous.members.length == 0 || memberCount == 0 || !previous.has(Field.CPU_TOTAL)) {
        return -1;
      }
      long[] prev = previous.members;
      if (prev[1] != members[1] && scope != Scope.GROUP) {
        return -1; // the root's start time differs: the pid was reused
      }
      long elapsed = monotonicNanos - previous.monotonicNanos;
      if (elapsed <= 0) {
        return -1;
      }
      long previousStartMillis = previous.sampledAtMillis;
      long cpu = 0;
      for (int m = 0; m < memberCount; m++) {
        long mp = members[3 * m];
        long ms = members[3 * m + 1];
        long mc = members[3 * m + 2];
        long before = -1;
        for (int k = 0; k < prev.length; k += 3) {   // members are few; a linear scan allocates nothing
          if (prev[k] == mp && prev[k + 1] == ms) {
            before = prev[k + 2];
            break;
          }
        }
        if (before >= 0) {
          cpu += Math.max(0, mc - before);
        } else if (ms >= previousStartMillis - 10) {
          cpu += mc; // started since the previous sample (start times have a tick's resolution)
        }
      }
      return 100.0 * cpu / elapsed;
    }
  }
}
