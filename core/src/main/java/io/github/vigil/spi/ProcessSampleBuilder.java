package io.github.vigil.spi;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessSample.Scope;
import io.github.vigil.ProcessSample.Socket;
import io.github.vigil.ProcessSample.ZombieChild;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Collects one sample, member by member; used by {@link io.github.vigil.spi.ProcessSampler}
 * implementations. Reuse one builder per sampling thread ({@link #reset}) to keep allocation low.
 *
 * <p>For each member process: {@link #beginMember}, then {@link #add} (or the other adders) for
 * every field that could be read, then {@link #endMember}. Fields requested but not added for a
 * member become absent in the sample. Not thread-safe.
 */
public final class ProcessSampleBuilder {
  private static final Field[] FIELDS = Field.values();
  private static final RunState[] RUN_STATES = RunState.values();
  private static final int THREAD_STATE_BASE = FIELDS.length;
  private static final int PROCESS_STATE_BASE = THREAD_STATE_BASE + RUN_STATES.length;
  private static final int SLOTS = PROCESS_STATE_BASE + RUN_STATES.length;
  private static final long[] NO_MEMBERS = new long[0];
  /** The summed counters kept per member as well ({@link ProcessSample#memberCounter}), in this order. */
  private static final Field[] MEMBER_COUNTERS = {Field.CPU_USER, Field.CPU_SYSTEM, Field.READ_BYTES, Field.WRITE_BYTES,
      Field.MAJOR_FAULTS, Field.MINOR_FAULTS, Field.VOLUNTARY_SWITCHES, Field.INVOLUNTARY_SWITCHES};
  private static final int[] MEMBER_COUNTER_INDEX = memberCounterIndex();
  private static final int K_USER = MEMBER_COUNTER_INDEX[Field.CPU_USER.ordinal()];
  private static final int K_SYSTEM = MEMBER_COUNTER_INDEX[Field.CPU_SYSTEM.ordinal()];
  /** The member counters whose reaped children's part stat gives apart ({@link #addReaped}), added in a tree. */
  private static final int[] SEPARATE_REAPED = {K_USER, K_SYSTEM,
      MEMBER_COUNTER_INDEX[Field.MINOR_FAULTS.ordinal()], MEMBER_COUNTER_INDEX[Field.MAJOR_FAULTS.ordinal()]};
  /** The member counters the kernel adds reaped children into with no separate account: the whole is the reaped part, in a tree or a group. */
  private static final int[] FOLDED_REAPED = {MEMBER_COUNTER_INDEX[Field.READ_BYTES.ordinal()],
      MEMBER_COUNTER_INDEX[Field.WRITE_BYTES.ordinal()]};
  /** Per member: pid, start time (epoch ms), CPU total (ns, reaped children's included in a tree), parent pid, reaped user and system CPU (ns). */
  private static final int STRIDE = 6;

  private static int[] memberCounterIndex() {
    int[] index = new int[Field.values().length];
    Arrays.fill(index, -1);
    for (int i = 0; i < MEMBER_COUNTERS.length; i++) {
      index[MEMBER_COUNTERS[i].ordinal()] = i;
    }
    return index;
  }

  private Scope scope = Scope.PROCESS;
  private long pid;
  private long sampledAtMillis;
  private long monotonicNanos;
  private long requested;
  private long missing;
  private long touched;          // fields added for some member
  private long memberTouched;    // fields added for the current member
  private final long[] values = new long[SLOTS];
  private long[] members = new long[STRIDE * 4];
  private long[] memberCounters = new long[MEMBER_COUNTERS.length * 4];
  private final long[] currentCounters = new long[MEMBER_COUNTERS.length];
  private final long[] currentReaped = new long[MEMBER_COUNTERS.length]; // the current member's reaped children's part
  private long[] memberReaped = new long[MEMBER_COUNTERS.length * 4]; // per member, as memberCounters: see ProcessSample#memberReaped
  private boolean anyReaped; // whether memberReaped holds anything but zeros: the sample copies it only then
  private final long[] ages = new long[FIELDS.length];
  private int memberCount;
  private long memberStartMillis;
  private long memberCpuNanos;
  private long memberParentPid;
  private long[] debtScratch = new long[16];
  private int[] prevMatch = new int[16]; // per member of the previous sample: its index in this one, or -1
  private long[] debts = new long[0];  // (pid, start, CPU ns) per member of the sample being built that owes reaped CPU to the next one
  private int debtCount;
  private long memberOpenFds;
  private long memberFdLimit;
  private long memoryTotal;
  private double worstRatio;
  private @Nullable String user;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<ZombieChild> zombies = new ArrayList<>();
  private @Nullable String vanishedReason;

  /** A blank builder: {@link #reset} it before each sample. */
  public ProcessSampleBuilder() {}

  /** A builder for one sample of {@code pid} in {@code scope}, read now; reusable through {@link #reset}. */
  public static ProcessSampleBuilder of(Scope scope, long pid) {
    return new ProcessSampleBuilder().reset(scope, pid, System.currentTimeMillis(), System.nanoTime());
  }

  /** Starts a new sample read at the given wall-clock and monotonic times. */
  public ProcessSampleBuilder reset(Scope scope, long pid, long sampledAtMillis, long monotonicNanos) {
    this.scope = requireNonNull(scope, "scope");
    this.pid = pid;
    this.sampledAtMillis = sampledAtMillis;
    this.monotonicNanos = monotonicNanos;
    this.requested = 0;
    this.missing = 0;
    this.touched = 0;
    Arrays.fill(values, 0);
    this.memberCount = 0;
    this.anyReaped = false;
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
  public ProcessSampleBuilder request(Set<Field> fields) {
    long r = 0;
    for (Field f : fields) {
      r |= bit(f);
    }
    this.requested = r;
    return this;
  }

  /** The machine's total memory in bytes, for {@link Field#MEMORY_PERCENT}. */
  public ProcessSampleBuilder memoryTotal(long bytes) {
    this.memoryTotal = bytes;
    return this;
  }

  /** Whether {@code field} was requested. */
  public boolean wants(Field field) {
    return (requested & bit(field)) != 0;
  }

  /** Starts a member process. */
  public ProcessSampleBuilder beginMember() {
    memberTouched = 0;
    Arrays.fill(currentCounters, -1);
    memberStartMillis = Long.MIN_VALUE;
    memberCpuNanos = Long.MIN_VALUE;
    memberParentPid = -1;
    Arrays.fill(currentReaped, 0);
    memberOpenFds = -1;
    memberFdLimit = -1;
    return this;
  }

  /**
   * Adds a member's value of a summed field (counts, bytes, CPU nanoseconds), or its start time in
   * epoch milliseconds for {@link Field#START_TIME}, its open descriptors or limit for
   * {@link Field#OPEN_FDS} and {@link Field#FD_LIMIT}.
   */
  public ProcessSampleBuilder add(Field field, long value) {
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

  /** The member's parent pid ({@code stat}'s field 4), which lets a tree's CPU be told apart when a member is reaped. */
  public ProcessSampleBuilder parentPid(long ppid) {
    this.memberParentPid = ppid;
    return this;
  }

  /**
   * What the member's reaped children used, user and system CPU in nanoseconds ({@code cutime} and
   * {@code cstime}, fields 16 and 17 of {@code /proc/PID/stat}: the children it waited for, with what they
   * had reaped in turn). Counted in a {@link Scope#TREE tree} sample only, where those children were members:
   * added at {@link #endMember} to the member's {@link Field#CPU_USER}, {@link Field#CPU_SYSTEM} and
   * {@link Field#CPU_TOTAL} as far as it added them. A process or group sample ignores it: a process's
   * children are not members of it.
   */
  public ProcessSampleBuilder addReapedCpu(long userNanos, long systemNanos) {
    if (userNanos < 0 || systemNanos < 0) {
      throw new IllegalArgumentException("reaped CPU must not be negative: user " + userNanos + " ns, system " + systemNanos + " ns");
    }
    currentReaped[K_USER] += userNanos;
    currentReaped[K_SYSTEM] += systemNanos;
    return this;
  }

  /**
   * What the member's reaped children (the children it waited for, with what they had reaped in turn) added to
   * {@code field}, kept apart by the kernel: {@link Field#CPU_USER} and {@link Field#CPU_SYSTEM} in nanoseconds (as
   * {@link #addReapedCpu}), {@link Field#MINOR_FAULTS} and {@link Field#MAJOR_FAULTS} ({@code cminflt} and
   * {@code cmajflt}, fields 11 and 13 of {@code /proc/PID/stat}). Counted in a {@link Scope#TREE tree} sample only,
   * added at {@link #endMember} to the member's {@code field} if it added that; a process or group sample ignores it.
   * I/O has no such part: the kernel adds reaped children's into the parent's own figure.
   *
   * @throws IllegalArgumentException for a negative value, or a field the kernel keeps no reaped children's part of
   */
  public ProcessSampleBuilder addReaped(Field field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("reaped " + field + " must not be negative: " + value);
    }
    switch (field) {
      case CPU_USER:
      case CPU_SYSTEM:
      case MINOR_FAULTS:
      case MAJOR_FAULTS:
        currentReaped[MEMBER_COUNTER_INDEX[field.ordinal()]] += value;
        return this;
      default:
        throw new IllegalArgumentException("field " + field + " has no separate reaped children's part");
    }
  }

  /** Counts {@code count} of the member's threads in {@code state}. */
  public ProcessSampleBuilder addThreads(RunState state, long count) {
    values[THREAD_STATE_BASE + state.ordinal()] += count;
    memberTouched |= bit(Field.THREAD_STATES);
    touched |= bit(Field.THREAD_STATES);
    return this;
  }

  /** The member's own state. */
  public ProcessSampleBuilder processState(RunState state) {
    values[PROCESS_STATE_BASE + state.ordinal()]++;
    memberTouched |= bit(Field.PROCESS_STATES);
    touched |= bit(Field.PROCESS_STATES);
    return this;
  }

  /** The member's effective user; the first member's wins. */
  public ProcessSampleBuilder user(String name) {
    if (user == null) {
      user = requireNonNull(name, "name");
    }
    memberTouched |= bit(Field.USER);
    touched |= bit(Field.USER);
    return this;
  }

  /** Marks the member's sockets as read (possibly none); add them with {@link #addSocket}. */
  public ProcessSampleBuilder socketsRead() {
    memberTouched |= bit(Field.SOCKETS);
    touched |= bit(Field.SOCKETS);
    return this;
  }

  /** Adds a socket of the current member (see {@link #socketsRead()}). */
  public ProcessSampleBuilder addSocket(Socket socket) {
    sockets.add(requireNonNull(socket, "socket"));
    return this;
  }

  /** Marks the member's children as looked at (possibly no zombie); add zombies with {@link #addZombie}. */
  public ProcessSampleBuilder zombiesRead() {
    memberTouched |= bit(Field.ZOMBIE_CHILDREN);
    touched |= bit(Field.ZOMBIE_CHILDREN);
    return this;
  }

  /** Adds an unreaped zombie child (see {@link #zombiesRead()}). */
  public ProcessSampleBuilder addZombie(ZombieChild zombie) {
    zombies.add(requireNonNull(zombie, "zombie"));
    return this;
  }

  /** Ends a member of pid {@code memberPid}: requested fields it did not add become absent. */
  public ProcessSampleBuilder endMember(long memberPid) {
    long derived = bit(Field.CPU_PERCENT) | bit(Field.MEMORY_PERCENT) | bit(Field.WORST_FD_RATIO) | bit(Field.UPTIME)
        | bit(Field.PROCESSES);
    missing |= requested & ~derived & ~memberTouched;
    if (memberOpenFds >= 0 && memberFdLimit > 0) {
      worstRatio = Math.max(worstRatio, (double) memberOpenFds / memberFdLimit);
    } else {
      missing |= bit(Field.WORST_FD_RATIO);
    }
    long reapedUser = 0;
    long reapedSystem = 0;
    if ((memberCount + 1) * MEMBER_COUNTERS.length > memberCounters.length) {
      memberCounters = Arrays.copyOf(memberCounters, memberCounters.length * 2 + MEMBER_COUNTERS.length);
      memberReaped = Arrays.copyOf(memberReaped, memberCounters.length);
    }
    int row = memberCount * MEMBER_COUNTERS.length;
    if (scope == Scope.TREE) {
      for (int k : SEPARATE_REAPED) {
        long r = currentReaped[k];
        if ((memberTouched & bit(MEMBER_COUNTERS[k])) != 0) {
          values[MEMBER_COUNTERS[k].ordinal()] += r;
          currentCounters[k] += r;
          memberReaped[row + k] = r;
          anyReaped |= r != 0;
        } else {
          memberReaped[row + k] = 0;
        }
      }
      boolean total = (memberTouched & bit(Field.CPU_TOTAL)) != 0;
      if (total) {
        values[Field.CPU_TOTAL.ordinal()] += currentReaped[K_USER] + currentReaped[K_SYSTEM];
        memberCpuNanos += currentReaped[K_USER] + currentReaped[K_SYSTEM];
      }
      reapedUser = (memberTouched & bit(Field.CPU_USER)) != 0 || total ? currentReaped[K_USER] : 0;
      reapedSystem = (memberTouched & bit(Field.CPU_SYSTEM)) != 0 || total ? currentReaped[K_SYSTEM] : 0;
    } else {
      Arrays.fill(memberReaped, row, row + MEMBER_COUNTERS.length, 0);
    }
    if (scope != Scope.PROCESS) { // a member of a group can reap another as a tree's can; a process sample has one
      for (int k : FOLDED_REAPED) {
        long r = Math.max(0, currentCounters[k]);
        memberReaped[row + k] = r;
        anyReaped |= r != 0;
      }
    }
    if ((memberCount + 1) * STRIDE > members.length) {
      members = Arrays.copyOf(members, members.length * 2);
    }
    System.arraycopy(currentCounters, 0, memberCounters, row, MEMBER_COUNTERS.length);
    int at = STRIDE * memberCount;
    members[at] = memberPid;
    members[at + 1] = memberStartMillis;
    members[at + 2] = memberCpuNanos;
    members[at + 3] = memberParentPid;
    members[at + 4] = reapedUser;
    members[at + 5] = reapedSystem;
    memberCount++;
    return this;
  }

  /** Says that the current member's value of {@code field} was read {@code nanos} ago; a sample keeps the oldest. */
  public ProcessSampleBuilder fieldAge(Field field, long nanos) {
    int i = field.ordinal();
    ages[i] = Math.max(ages[i], Math.max(0, nanos));
    return this;
  }

  /** Marks the sample as vanished: the (root) process ended while being read. */
  public ProcessSampleBuilder vanished(String reason) {
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
      debtCount = 0;
      return new Sample(this, 0, new long[SLOTS]);
    }
    debtCount = 0;
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
    return new Sample(this, p, v);
  }

  /**
   * Percent of one core since {@code previous}, or -1 when it cannot be computed.
   *
   * <p>A member present in both samples adds what its CPU grew by, one that started since adds all of it. In a tree a
   * member's CPU includes what its reaped children used, so a member that was seen in {@code previous} and has since
   * been reaped comes back in its reaper's growth, whole: what {@code previous} already showed of it is a debt of its
   * nearest ancestor still present (its reaper, or the reaper of its reaper), paid out of that ancestor's reaped CPU
   * growth. A debt its ancestor's reaped CPU has not grown by yet (the child was reaped between the reads of the two,
   * within this sample) is kept for the next sample once, then dropped: a member that left the tree unreaped
   * (orphaned, and reparented outside it) never comes back, and must not hold down the tree's CPU for long.
   */
  private double cpuPercent(@Nullable ProcessSample previousSample) {
    if (!(previousSample instanceof Sample)) {
      return -1; // none, or not one of ours: its members' CPU is not known
    }
    Sample previous = (Sample) previousSample;
    // a group's pid is its first member's, another once that one ends: its members are matched one by one below
    if (previous.vanished() || previous.scope != scope || previous.pid != pid && scope != Scope.GROUP
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
    int prevCount = prev.length / STRIDE;
    if (prevMatch.length < prevCount) {
      prevMatch = new int[prevCount * 2];
    }
    Arrays.fill(prevMatch, 0, prevCount, -1);
    for (int m = 0; m < memberCount; m++) {
      long mc = members[STRIDE * m + 2];
      int k = find(prev, members[STRIDE * m], members[STRIDE * m + 1]);
      if (k >= 0) {
        prevMatch[k / STRIDE] = m;
        cpu += Math.max(0, mc - prev[k + 2]);
      } else if (members[STRIDE * m + 1] >= previousStartMillis - 30) {
        cpu += mc; // started since the previous sample (start times have a tick's resolution, boot time a hundredth of a second)
      }
    }
    if (scope == Scope.TREE) {
      cpu -= settleReapedDebts(previous);
    }
    return 100.0 * Math.max(0, cpu) / elapsed;
  }

  /** Where member (pid, start) is in {@code list} (as {@link #members} is laid out), or -1; members are few, a scan allocates nothing. */
  private static int find(long[] list, long memberPid, long startMillis) {
    for (int k = 0; k < list.length; k += STRIDE) {
      if (list[k] == memberPid && list[k + 1] == startMillis) {
        return k;
      }
    }
    return -1;
  }

  /**
   * The CPU of members of {@code previous} since reaped by members, counted again in their reapers' growth, to take
   * off (see {@link #cpuPercent}); leaves what this sample's ancestors have not paid yet in {@link #debts}.
   */
  private long settleReapedDebts(Sample previous) {
    long[] prev = previous.members;
    long[] carried = previous.debts;
    int prevCount = prev.length / STRIDE;
    if (debtScratch.length < 2 * memberCount) {
      debtScratch = new long[2 * memberCount + 16];
    }
    long[] owed = debtScratch; // per member of this sample: debt carried from before, debt new with this sample
    boolean any = false;
    for (int k = 0; k < prev.length; k += STRIDE) {
      if (prevMatch[k / STRIDE] >= 0) {
        continue; // still here
      }
      // what it showed, and what it still owed for its own reaped children: its reaper counts all of it again
      long amount = Math.max(0, prev[k + 2]) + owedBy(carried, prev[k], prev[k + 1]);
      if (amount == 0) {
        continue;
      }
      // gone since: its nearest ancestor, in the previous sample, that is still here
      long parent = prev[k + 3];
      for (int hops = 0; hops < prevCount && parent > 0; hops++) {
        int a = indexOfPid(prev, parent);
        if (a < 0) {
          break;
        }
        int here = prevMatch[a / STRIDE];
        if (here >= 0) {
          if (!any) {
            Arrays.fill(owed, 0, 2 * memberCount, 0);
            any = true;
          }
          owed[2 * here + 1] += amount;
          break;
        }
        parent = prev[a + 3];
      }
    }
    for (int d = 0; d < carried.length; d += 3) {
      int here = findIn(carried[d], carried[d + 1]);
      if (here >= 0) {
        if (!any) {
          Arrays.fill(owed, 0, 2 * memberCount, 0);
          any = true;
        }
        owed[2 * here] += carried[d + 2];
      }
    }
    debtCount = 0;
    if (!any) {
      return 0;
    }
    long paid = 0;
    for (int m = 0; m < memberCount; m++) {
      long old = owed[2 * m];
      long fresh = owed[2 * m + 1];
      if (old == 0 && fresh == 0) {
        continue;
      }
      int at = STRIDE * m;
      int k = find(prev, members[at], members[at + 1]);
      long grown = k < 0 ? 0 : Math.max(0, (members[at + 4] + members[at + 5]) - (prev[k + 4] + prev[k + 5]));
      long payOld = Math.min(old, grown); // the older debt first: it is dropped if not paid now
      long payFresh = Math.min(fresh, grown - payOld);
      paid += payOld + payFresh;
      if (fresh > payFresh) {
        if (3 * debtCount + 3 > debts.length) {
          debts = Arrays.copyOf(debts, debts.length * 2 + 3);
        }
        debts[3 * debtCount] = members[at];
        debts[3 * debtCount + 1] = members[at + 1];
        debts[3 * debtCount + 2] = fresh - payFresh;
        debtCount++;
      }
    }
    return paid;
  }

  /** What member (pid, start) owes in {@code debts} (laid out as {@link #debts}), 0 if nothing. */
  private static long owedBy(long[] debts, long memberPid, long startMillis) {
    for (int d = 0; d < debts.length; d += 3) {
      if (debts[d] == memberPid && debts[d + 1] == startMillis) {
        return debts[d + 2];
      }
    }
    return 0;
  }

  /** Where member (pid, start) is among this sample's members, as a member index, or -1. */
  private int findIn(long memberPid, long startMillis) {
    for (int m = 0; m < memberCount; m++) {
      if (members[STRIDE * m] == memberPid && members[STRIDE * m + 1] == startMillis) {
        return m;
      }
    }
    return -1;
  }

  /** Where the member of pid {@code memberPid} is in {@code list}, or -1. */
  private static int indexOfPid(long[] list, long memberPid) {
    for (int k = 0; k < list.length; k += STRIDE) {
      if (list[k] == memberPid) {
        return k;
      }
    }
    return -1;
  }

  private static long bit(Field f) {
    return 1L << f.ordinal();
  }

  /** The sample {@link #build} makes: immutable, thread-safe. */
  private static final class Sample implements ProcessSample {
    private final Scope scope;
    private final long pid;
    private final long present; // bit per Field ordinal
    private final long[] values; // one slot per Field, then thread states, then process states
    private final long[] members; // STRIDE per member: pid, start time epoch ms, cpu total ns, parent pid, reaped user ns, reaped system ns
    private final long[] debts; // (pid, start, cpu ns) per member that owes reaped CPU to the next sample's percent
    private final long[] memberCounters; // MEMBER_COUNTERS.length per member, -1 where the member did not add it
    private final long[] memberReaped; // as memberCounters: the part that grows when the member reaps (CPU, faults: 0 outside a tree; all: 0 in a process sample)
    private final long[] ages; // per Field: nanoseconds since its oldest member value was read, -1 if not said
    private final long sampledAtMillis;
    private final long monotonicNanos;
    private final @Nullable String user;
    private final List<Socket> sockets;
    private final List<ZombieChild> zombies;
    private final @Nullable String vanishedReason;

    private Sample(ProcessSampleBuilder b, long present, long[] values) {
      this.scope = b.scope;
      this.pid = b.pid;
      this.present = present;
      this.values = values;
      this.members = b.memberCount == 0 ? NO_MEMBERS : Arrays.copyOf(b.members, b.memberCount * STRIDE);
      this.debts = b.debtCount == 0 ? NO_MEMBERS : Arrays.copyOf(b.debts, b.debtCount * 3);
      this.ages = b.ages.clone();
      this.memberCounters = b.memberCount == 0 ? NO_MEMBERS : Arrays.copyOf(b.memberCounters, b.memberCount * MEMBER_COUNTERS.length);
      // all zeros in a process sample, and in a tree or group that read no I/O and reaped nothing: not copied
      this.memberReaped = b.memberCount == 0 || !b.anyReaped ? NO_MEMBERS
          : Arrays.copyOf(b.memberReaped, b.memberCount * MEMBER_COUNTERS.length);
      this.sampledAtMillis = b.sampledAtMillis;
      this.monotonicNanos = b.monotonicNanos;
      this.user = (present & bit(Field.USER)) != 0 ? b.user : null;
      this.sockets = (present & bit(Field.SOCKETS)) != 0 ? List.copyOf(b.sockets) : List.of();
      this.zombies = (present & bit(Field.ZOMBIE_CHILDREN)) != 0 ? List.copyOf(b.zombies) : List.of();
      this.vanishedReason = b.vanishedReason;
    }

    @Override
    public Scope scope() {
      return scope;
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public long memberStartMillis(int index) {
      return members[STRIDE * index + 1];
    }

    @Override
    public long memberParentPid(int index) {
      Objects.checkIndex(index, members.length / STRIDE);
      return members[STRIDE * index + 3];
    }

    @Override
    public long memberReapedCpu(int index, Field field) {
      Objects.checkIndex(index, members.length / STRIDE);
      switch (field) {
        case CPU_USER:
          return members[STRIDE * index + 4];
        case CPU_SYSTEM:
          return members[STRIDE * index + 5];
        case CPU_TOTAL:
          return members[STRIDE * index + 4] + members[STRIDE * index + 5];
        default:
          throw new IllegalArgumentException("not a CPU time field: " + field);
      }
    }

    @Override
    public long memberReaped(int index, Field field) {
      Objects.checkIndex(index, members.length / STRIDE);
      if (field == Field.CPU_USER || field == Field.CPU_SYSTEM || field == Field.CPU_TOTAL) {
        return memberReapedCpu(index, field);
      }
      int k = MEMBER_COUNTER_INDEX[field.ordinal()];
      if (k < 0) {
        throw new IllegalArgumentException("not a per-member counter: " + field);
      }
      return memberReaped.length == 0 ? 0 : memberReaped[index * MEMBER_COUNTERS.length + k];
    }

    @Override
    public long memberCounter(int index, Field field) {
      int k = MEMBER_COUNTER_INDEX[field.ordinal()];
      if (k < 0) {
        throw new IllegalArgumentException("not a per-member counter: " + field);
      }
      return memberCounters[index * MEMBER_COUNTERS.length + k];
    }

    @Override
    public Optional<Duration> age(Field field) {
      long a = ages[field.ordinal()];
      return a < 0 || !has(field) ? Optional.empty() : Optional.of(Duration.ofNanos(a));
    }

    @Override
    public long[] memberPids() {
      long[] pids = new long[members.length / STRIDE];
      for (int i = 0; i < pids.length; i++) {
        pids[i] = members[STRIDE * i];
      }
      return pids;
    }

    @Override
    public Instant sampledAt() {
      return Instant.ofEpochMilli(sampledAtMillis);
    }

    @Override
    public long monotonicNanos() {
      return monotonicNanos;
    }

    @Override
    public boolean vanished() {
      return vanishedReason != null;
    }

    @Override
    public Optional<String> vanishedReason() {
      return Optional.ofNullable(vanishedReason);
    }

    @Override
    public boolean has(Field field) {
      return (present & bit(field)) != 0;
    }

    @Override
    public Set<Field> fields() {
      EnumSet<Field> set = EnumSet.noneOf(Field.class);
      for (Field f : FIELDS) {
        if (has(f)) {
          set.add(f);
        }
      }
      return set;
    }

    @Override
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

    @Override
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

    @Override
    public Optional<Duration> cpuUser() {
      return optNanos(Field.CPU_USER);
    }

    @Override
    public Optional<Duration> cpuSystem() {
      return optNanos(Field.CPU_SYSTEM);
    }

    @Override
    public Optional<Duration> cpuTotal() {
      return optNanos(Field.CPU_TOTAL);
    }

    @Override
    public OptionalDouble cpuPercent() {
      return optDouble(Field.CPU_PERCENT);
    }

    @Override
    public OptionalLong memoryResident() {
      return optLong(Field.MEMORY_RESIDENT);
    }

    @Override
    public OptionalLong memoryVirtual() {
      return optLong(Field.MEMORY_VIRTUAL);
    }

    @Override
    public OptionalLong memorySwapped() {
      return optLong(Field.MEMORY_SWAPPED);
    }

    @Override
    public OptionalLong memoryProportional() {
      return optLong(Field.MEMORY_PROPORTIONAL);
    }

    @Override
    public OptionalLong memoryProportionalSwapped() {
      return optLong(Field.MEMORY_PROPORTIONAL_SWAPPED);
    }

    @Override
    public OptionalDouble memoryPercent() {
      return optDouble(Field.MEMORY_PERCENT);
    }

    @Override
    public OptionalLong readBytes() {
      return optLong(Field.READ_BYTES);
    }

    @Override
    public OptionalLong writeBytes() {
      return optLong(Field.WRITE_BYTES);
    }

    @Override
    public OptionalLong majorFaults() {
      return optLong(Field.MAJOR_FAULTS);
    }

    @Override
    public OptionalLong minorFaults() {
      return optLong(Field.MINOR_FAULTS);
    }

    @Override
    public OptionalLong voluntarySwitches() {
      return optLong(Field.VOLUNTARY_SWITCHES);
    }

    @Override
    public OptionalLong involuntarySwitches() {
      return optLong(Field.INVOLUNTARY_SWITCHES);
    }

    @Override
    public OptionalLong openFds() {
      return optLong(Field.OPEN_FDS);
    }

    @Override
    public OptionalLong fdLimit() {
      return optLong(Field.FD_LIMIT);
    }

    @Override
    public OptionalDouble worstFdRatio() {
      return optDouble(Field.WORST_FD_RATIO);
    }

    @Override
    public OptionalLong threads() {
      return optLong(Field.THREADS);
    }

    @Override
    public OptionalLong threads(RunState state) {
      return has(Field.THREAD_STATES) ? OptionalLong.of(values[THREAD_STATE_BASE + state.ordinal()]) : OptionalLong.empty();
    }

    @Override
    public OptionalLong processes(RunState state) {
      return has(Field.PROCESS_STATES) ? OptionalLong.of(values[PROCESS_STATE_BASE + state.ordinal()]) : OptionalLong.empty();
    }

    @Override
    public Optional<Instant> startTime() {
      return has(Field.START_TIME) ? Optional.of(Instant.ofEpochMilli(values[Field.START_TIME.ordinal()])) : Optional.empty();
    }

    @Override
    public Optional<Duration> uptime() {
      return optNanos(Field.UPTIME);
    }

    @Override
    public OptionalLong processes() {
      return optLong(Field.PROCESSES);
    }

    @Override
    public Optional<String> user() {
      return Optional.ofNullable(user);
    }

    @Override
    public List<Socket> sockets() {
      return sockets;
    }

    @Override
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
  }
}
