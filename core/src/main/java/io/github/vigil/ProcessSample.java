package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
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
 * <p>Samplers build samples with the SPI's reusable {@link io.github.vigil.spi.ProcessSampleBuilder}; the
 * sample itself is immutable and thread-safe. Primitive {@link #get(Field)} and {@link #has(Field)} allocate
 * nothing, which suits metric gauges read every scrape. Users read samples; they do not implement this
 * interface (a sample not built by that builder gives the next one no CPU percent).
 */
public interface ProcessSample {

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
    /**
     * CPU time in user mode ({@link #cpuUser()}). Of a {@link Scope#TREE tree}: what its members used, and what the
     * children they reaped used ({@code utime + cutime} of each member's {@code /proc/PID/stat}), so that short-lived
     * descendants, which end between two samples, count: a shell loop running {@code /bin/true} shows its real use,
     * not the few percent the shell itself spends. Of a {@link Scope#PROCESS process} or a {@link Scope#GROUP group}:
     * the member processes' own time only ({@code utime}), as {@code ps}, {@code top}, process-exporter and
     * {@link ProcessHandle.Info#totalCpuDuration()} report a process; its children are not in the sample, reaped or not.
     * Where the sampler cannot read reaped children's time (the JDK backend's off Linux), a tree counts its living
     * members only.
     */
    CPU_USER(false),
    /** CPU time in kernel mode ({@link #cpuSystem()}); a tree's includes its members' reaped children's, as {@link #CPU_USER}. */
    CPU_SYSTEM(false),
    /**
     * CPU time, user plus system ({@link #cpuTotal()}); the only CPU figure the JDK offers. A tree's includes its members'
     * reaped children's, as {@link #CPU_USER}.
     */
    CPU_TOTAL(false),
    /**
     * CPU use between the previous sample and this one, 100 = one core ({@link #cpuPercent()}). Of a tree, it counts
     * what its members' reaped children used in between, without counting twice a child the previous sample saw alive:
     * what that sample showed of it is taken off its reaper's growth. Of a group, its members are matched by pid and start
     * time, so it goes on when the first member (whose pid the sample names) ends.
     */
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
    /**
     * Bytes read from storage ({@code read_bytes} of {@code /proc/PID/io}). In every scope a process's figure includes
     * what the children it reaped read (with theirs): the kernel adds a reaped child's I/O into its parent's and keeps
     * no separate account, so a process sample cannot leave it out, unlike its CPU. A tree's or a group's is the sum
     * over its members; a member seen alive and later reaped by a member (in a group too, whose members can be parent
     * and child) shows again in its reaper's, which the metrics binding's counters and {@link ProcessSample#memberReaped}
     * let a reader count once.
     */
    READ_BYTES(false),
    /** Bytes written to storage ({@code write_bytes} of {@code /proc/PID/io}); reaped children's included, as {@link #READ_BYTES}. */
    WRITE_BYTES(false),
    /**
     * Major page faults (needing I/O); a tree's includes its members' reaped children's ({@code cmajflt}), a process's
     * or a group's is each process's own, as {@link #MINOR_FAULTS}.
     */
    MAJOR_FAULTS(false),
    /**
     * Minor page faults. Of a {@link Scope#TREE tree}: what its members took and what the children they reaped took
     * ({@code minflt + cminflt} of each member's {@code /proc/PID/stat}), so that short-lived descendants count, as for
     * {@link #CPU_USER}. Of a process or a group: each process's own ({@code minflt}), as {@code ps} and
     * process-exporter report it.
     */
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

    /**
     * {@code fields} with what its derived fields are computed from: CPU percent from CPU time (and the
     * start times that tell a process new since the previous sample), memory percent from resident
     * memory, uptime from the start time, the worst descriptor ratio from open descriptors and their
     * limit. {@code fields} itself when nothing is missing. What a sampler reads for a request.
     */
    public static Set<Field> withSources(Set<Field> fields) {
      boolean cpu = fields.contains(CPU_PERCENT) && !(fields.contains(CPU_TOTAL) && fields.contains(START_TIME));
      boolean memory = fields.contains(MEMORY_PERCENT) && !fields.contains(MEMORY_RESIDENT);
      boolean uptime = fields.contains(UPTIME) && !fields.contains(START_TIME);
      boolean fds = fields.contains(WORST_FD_RATIO) && !(fields.contains(OPEN_FDS) && fields.contains(FD_LIMIT));
      if (!cpu && !memory && !uptime && !fds) {
        return fields; // what a sampling caller asks for each time: no copy
      }
      EnumSet<Field> all = EnumSet.noneOf(Field.class);
      all.addAll(fields);
      if (cpu) {
        all.addAll(List.of(CPU_TOTAL, START_TIME));
      }
      if (memory) {
        all.add(MEMORY_RESIDENT);
      }
      if (uptime) {
        all.add(START_TIME);
      }
      if (fds) {
        all.addAll(List.of(OPEN_FDS, FD_LIMIT));
      }
      return all;
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

  /** What this sample covers. */
  Scope scope();

  /** The process sampled, the root of the tree, or the first pid of a group ({@code -1} for an empty group). */
  long pid();

  /** The start time (epoch milliseconds) of member {@code index} of {@link #memberPids()}; {@code Long.MIN_VALUE} if unknown. */
  long memberStartMillis(int index);

  /**
   * What member {@code index} of {@link #memberPids()} alone added to a summed counter field (CPU user or
   * system time, bytes read or written, page faults, context switches), or -1 where it did not add it.
   * With the pid and start time, for keeping what members that have since ended used (as
   * process-exporter accumulates per process). In a tree, a member's CPU and page faults include what its reaped
   * children used, and its I/O does in every scope ({@link #memberReaped}), so a member seen here and reaped later by a
   * member shows again in its reaper's.
   *
   * @throws IllegalArgumentException for a field that is not such a counter
   */
  long memberCounter(int index, Field field);

  /**
   * The parent pid of member {@code index} of {@link #memberPids()} when it was read, or -1 where the sampler does not
   * say. With {@link #memberReapedCpu}, for telling apart a member that was reaped since an earlier sample, whose CPU
   * time then shows again in its reaper's reaped CPU.
   */
  default long memberParentPid(int index) {
    return -1;
  }

  /**
   * What of member {@code index}'s {@link #memberCounter CPU_USER or CPU_SYSTEM} (or both, for {@code CPU_TOTAL}) came
   * from children it reaped ({@code cutime} and {@code cstime} of {@code /proc/PID/stat}), in nanoseconds: 0 but in a
   * {@link Scope#TREE tree} sample, whose CPU includes what members' reaped children used (see {@link Field#CPU_USER}).
   *
   * @throws IllegalArgumentException for a field other than {@code CPU_USER}, {@code CPU_SYSTEM} and {@code CPU_TOTAL}
   */
  default long memberReapedCpu(int index, Field field) {
    if (field != Field.CPU_USER && field != Field.CPU_SYSTEM && field != Field.CPU_TOTAL) {
      throw new IllegalArgumentException("not a CPU time field: " + field);
    }
    return 0;
  }

  /**
   * What of member {@code index}'s {@link #memberCounter counter} {@code field} grows when it reaps a child, so that a
   * member seen alive in an earlier sample and reaped since shows again in it: the children's part the kernel keeps
   * apart for CPU ({@code cutime}, {@code cstime}; see {@link #memberReapedCpu}) and page faults ({@code cminflt},
   * {@code cmajflt}); for {@link Field#READ_BYTES} and {@link Field#WRITE_BYTES} the member's whole counter, which
   * the kernel adds reaped children's I/O into without a separate account, in a tree or a group sample (a group's members
   * can reap one another; a process sample's one member has no other to reap it: 0 there). For CPU and page faults 0 but in a {@link Scope#TREE tree} sample, whose figures include the reaped
   * part; 0 for a counter with no reaped part (context switches) or not read for the member.
   *
   * @throws IllegalArgumentException for a field that is not a {@link #memberCounter} field nor {@code CPU_TOTAL}
   */
  default long memberReaped(int index, Field field) {
    switch (field) {
      case CPU_USER:
      case CPU_SYSTEM:
      case CPU_TOTAL:
        return memberReapedCpu(index, field);
      case READ_BYTES:
      case WRITE_BYTES:
      case MAJOR_FAULTS:
      case MINOR_FAULTS:
      case VOLUNTARY_SWITCHES:
      case INVOLUNTARY_SWITCHES:
        return 0;
      default:
        throw new IllegalArgumentException("not a per-member counter: " + field);
    }
  }

  /**
   * How old {@code field}'s value is at this sample, for fields a sampler re-reads less often than it samples
   * (the Linux sampler's Pss, descriptor limit, and a multithreaded process's per-thread states and
   * context switches: at most its {@code slowFieldsMaxAge}, 10 s by default), the oldest member's for a tree
   * or group; zero when read in this sample. Empty when the sampler does not say (fields read every time).
   */
  Optional<Duration> age(Field field);

  /** The pids this sample counts, root first for a tree. */
  long[] memberPids();

  /** When it was read (wall clock). */
  Instant sampledAt();

  /** The monotonic reading ({@link System#nanoTime()}) when it was read; for intervals only. */
  long monotonicNanos();

  /** Whether the (root) process ended while being read; then no field is present. */
  boolean vanished();

  /** Why it counts as vanished, e.g. {@code "/proc/1234/stat: No such process"}. */
  Optional<String> vanishedReason();

  /** Whether {@code field} is present. Allocation-free. */
  boolean has(Field field);

  /** The present fields. */
  Set<Field> fields();

  /**
   * The value of a numeric field, {@link Double#NaN} when absent. Units: nanoseconds for CPU times
   * and uptime, bytes for memory and I/O, epoch milliseconds for the start time, percent for
   * {@code CPU_PERCENT} and {@code MEMORY_PERCENT}, a fraction for {@code WORST_FD_RATIO}, a count
   * otherwise ({@code THREAD_STATES}, {@code PROCESS_STATES}, {@code SOCKETS} and
   * {@code ZOMBIE_CHILDREN} give their total). {@code USER} is not numeric: NaN. Allocation-free,
   * for gauges.
   */
  double get(Field field);

  /** An integral field's value ({@code CPU_*} in nanoseconds), or empty when absent or fractional. */
  OptionalLong getLong(Field field);

  /** CPU time in user mode; empty when absent. */
  Optional<Duration> cpuUser();

  /** CPU time in kernel mode; empty when absent. */
  Optional<Duration> cpuSystem();

  /** CPU time, user plus system; empty when absent. */
  Optional<Duration> cpuTotal();

  /** CPU use since the previous sample, 100 = one core; absent without a matching previous sample. */
  OptionalDouble cpuPercent();

  /** Resident memory in bytes; empty when absent. */
  OptionalLong memoryResident();

  /** Virtual memory in bytes; empty when absent. */
  OptionalLong memoryVirtual();

  /** Swapped-out memory in bytes; empty when absent. */
  OptionalLong memorySwapped();

  /** Proportional set size (Pss) in bytes; empty when absent. */
  OptionalLong memoryProportional();

  /** Proportional swap (SwapPss) in bytes; empty when absent. */
  OptionalLong memoryProportionalSwapped();

  /** Resident memory as a percentage of the machine's memory; empty when absent. */
  OptionalDouble memoryPercent();

  /** Bytes read from storage; empty when absent (e.g. refused for another user's process). */
  OptionalLong readBytes();

  /** Bytes written to storage; empty when absent. */
  OptionalLong writeBytes();

  /** Major page faults; empty when absent. */
  OptionalLong majorFaults();

  /** Minor page faults; empty when absent. */
  OptionalLong minorFaults();

  /** Voluntary context switches over all threads; empty when absent. */
  OptionalLong voluntarySwitches();

  /** Involuntary context switches over all threads; empty when absent. */
  OptionalLong involuntarySwitches();

  /** Open file descriptors; empty when absent (e.g. refused). */
  OptionalLong openFds();

  /** The soft descriptor limit (the lowest over several processes); empty when absent. */
  OptionalLong fdLimit();

  /** The highest open/limit descriptor ratio of any member; empty when absent. */
  OptionalDouble worstFdRatio();

  /** Threads; empty when absent. */
  OptionalLong threads();

  /** Threads in {@code state}; empty when {@link Field#THREAD_STATES} is absent. */
  OptionalLong threads(RunState state);

  /** Processes in {@code state}; empty when {@link Field#PROCESS_STATES} is absent. */
  OptionalLong processes(RunState state);

  /** Start time, the oldest over several processes; empty when absent. */
  Optional<Instant> startTime();

  /** Time from {@link #startTime()} to the sample; empty when absent. */
  Optional<Duration> uptime();

  /** Number of processes counted; empty when absent. */
  OptionalLong processes();

  /** Effective user name (the first member's); empty when absent. */
  Optional<String> user();

  /** Its sockets; empty when {@link Field#SOCKETS} is absent (check {@link #has}). */
  List<Socket> sockets();

  /** Its unreaped zombie children; empty when none or when {@link Field#ZOMBIE_CHILDREN} is absent. */
  List<ZombieChild> zombieChildren();
}
