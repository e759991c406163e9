package io.github.vigil.testing;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.Scope;
import io.github.vigil.spi.ProcessSampleBuilder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A process tree as the kernel accounts its CPU, page faults and I/O, for seeded property tests of a tree's counters:
 * members run, fork, exit (zombies until reaped) and get reaped by their parent, whose {@code cutime}/{@code cstime}
 * then grow by the child's {@code utime + cutime} / {@code stime + cstime}, {@code cminflt}/{@code cmajflt} likewise,
 * and whose {@code read_bytes}/{@code write_bytes} (one figure, no separate children's part) grow by the child's;
 * children that live and die between two samples; a
 * member whose parent exits first is orphaned to a reaper outside the tree; and, when asked, a sample during which
 * a zombie is reaped after its parent was read and before it was (the race of a real sampler's walk). Samples are
 * built as samplers build them ({@link ProcessSampleBuilder}). Not thread-safe.
 */
public final class ReapingTree {
  /** What the simulated kernel knows of a process. */
  private static final class Proc {
    final long pid;
    long ppid;
    final long startMillis;
    long utime;
    long stime;
    long cutime;
    long cstime;
    long minflt;
    long cminflt;
    long majflt;
    long cmajflt;
    long readBytes;  // its own and its reaped children's: the kernel keeps one figure
    long writeBytes;
    boolean zombie;

    Proc(long pid, long ppid, long startMillis) {
      this.pid = pid;
      this.ppid = ppid;
      this.startMillis = startMillis;
    }
  }

  private static final Set<Field> FIELDS = EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_TOTAL, Field.CPU_PERCENT,
      Field.START_TIME, Field.MINOR_FAULTS, Field.MAJOR_FAULTS, Field.READ_BYTES, Field.WRITE_BYTES);
  /** The counters the tree keeps a true total of ({@link #trueTotal}). */
  public static final Set<Field> COUNTED = EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.MINOR_FAULTS,
      Field.MAJOR_FAULTS, Field.READ_BYTES, Field.WRITE_BYTES);

  private final SplittableRandom random;
  private final long rootPid;
  private final List<Proc> tree = new ArrayList<>(); // members: the root and its descendants, zombies included
  private long nextPid;
  private long nowMillis = 1_700_000_000_000L;
  private long trueUser;
  private long trueSystem;
  private long trueMinor;
  private long trueMajor;
  private long trueRead;
  private long trueWrite;
  private boolean orphaned;
  private final List<String> history = new ArrayList<>();

  /** A tree of one process, {@code rootPid}. */
  public ReapingTree(SplittableRandom random, long rootPid) {
    this.random = random;
    this.rootPid = rootPid;
    this.nextPid = rootPid + 1;
    tree.add(new Proc(rootPid, 1, nowMillis));
  }

  /** CPU the tree's processes used while they were in it, user mode (ns): what an exact counter reads. */
  public long trueUser() {
    return trueUser;
  }

  /** As {@link #trueUser()}, kernel mode. */
  public long trueSystem() {
    return trueSystem;
  }

  /** What the tree's processes used of {@code field} (one of {@link #COUNTED}) while they were in it. */
  public long trueTotal(Field field) {
    switch (field) {
      case CPU_USER:
        return trueUser;
      case CPU_SYSTEM:
        return trueSystem;
      case MINOR_FAULTS:
        return trueMinor;
      case MAJOR_FAULTS:
        return trueMajor;
      case READ_BYTES:
        return trueRead;
      case WRITE_BYTES:
        return trueWrite;
      default:
        throw new IllegalArgumentException("not kept: " + field);
    }
  }

  /** Whether a member ever left the tree unreaped (orphaned): what it used after the last sample is lost to the tree. */
  public boolean orphaned() {
    return orphaned;
  }

  /** What happened so far, for failure messages. */
  public List<String> history() {
    return history;
  }

  /** The time of the last step, epoch milliseconds. */
  public long nowMillis() {
    return nowMillis;
  }

  private @Nullable Proc find(long pid) {
    for (Proc p : tree) {
      if (p.pid == pid) {
        return p;
      }
    }
    return null;
  }

  private void run(Proc p, long ticks) {
    long u = random.nextLong(ticks + 1);
    long s = ticks - u;
    p.utime += u;
    p.stime += s;
    trueUser += u;
    trueSystem += s;
    long minor = random.nextLong(ticks / 100_000 + 1); // faults and bytes grow with what it runs, and are never all 0
    long major = random.nextInt(4) == 0 ? random.nextLong(ticks / 10_000_000 + 1) : 0;
    long read = random.nextInt(3) == 0 ? random.nextLong(ticks / 1_000 + 1) : 0;
    long written = random.nextInt(3) == 0 ? random.nextLong(ticks / 1_000 + 1) : 0;
    p.minflt += minor;
    p.majflt += major;
    p.readBytes += read;
    p.writeBytes += written;
    trueMinor += minor;
    trueMajor += major;
    trueRead += read;
    trueWrite += written;
  }

  private void reap(Proc z) {
    Proc parent = find(z.ppid);
    if (parent != null) {
      parent.cutime += z.utime + z.cutime;
      parent.cstime += z.stime + z.cstime;
      parent.cminflt += z.minflt + z.cminflt;
      parent.cmajflt += z.majflt + z.cmajflt;
      parent.readBytes += z.readBytes;
      parent.writeBytes += z.writeBytes;
    }
    tree.remove(z);
  }

  /** One interval of {@code millis}: every living member runs, and a few things happen. */
  public void step(long millis) {
    nowMillis += millis;
    for (Proc p : new ArrayList<>(tree)) {
      if (!p.zombie) {
        run(p, random.nextLong(millis * 1_000_000L + 1));
      }
    }
    int events = random.nextInt(5);
    for (int e = 0; e < events; e++) {
      Proc p = tree.get(random.nextInt(tree.size()));
      switch (random.nextInt(6)) {
        case 0: // fork a child that stays a while
          if (!p.zombie && tree.size() < 40) {
            Proc c = new Proc(nextPid++, p.pid, nowMillis);
            run(c, random.nextLong(millis * 1_000_000L + 1));
            tree.add(c);
            history.add(p.pid + " forks " + c.pid);
          }
          break;
        case 1: // a child that lives, burns and is reaped entirely between two samples
          if (!p.zombie) {
            Proc c = new Proc(nextPid++, p.pid, nowMillis);
            tree.add(c);
            run(c, random.nextLong(millis * 1_000_000L + 1));
            reap(c);
            history.add(p.pid + " runs and reaps " + c.pid);
          }
          break;
        case 2: // a member exits: a zombie until its parent waits
          if (p.pid != rootPid && !p.zombie) {
            boolean living = false;
            for (Proc c : tree) {
              living |= c.ppid == p.pid && !c.zombie;
            }
            if (living && random.nextInt(3) != 0) {
              break; // it waits for its children first
            }
            for (Proc c : new ArrayList<>(tree)) { // it reaps its zombie children before it goes
              if (c.ppid == p.pid && c.zombie) {
                reap(c);
              }
            }
            if (living) {
              orphan(p);
            }
            p.zombie = true;
            history.add(p.pid + " exits");
          }
          break;
        case 3:
        case 4: // a parent reaps its zombie children
          for (Proc c : new ArrayList<>(tree)) {
            if (c.ppid == p.pid && c.zombie && !p.zombie) {
              reap(c);
              history.add(p.pid + " reaps " + c.pid);
            }
          }
          break;
        default:
          break;
      }
    }
  }

  /** {@code p} exits before its children: they (and theirs) leave the tree, reparented to a reaper outside it. */
  private void orphan(Proc p) {
    List<Proc> gone = new ArrayList<>();
    for (Proc c : tree) {
      if (c.ppid == p.pid) {
        gone.add(c);
      }
    }
    for (int i = 0; i < gone.size(); i++) {
      for (Proc c : tree) {
        if (c.ppid == gone.get(i).pid && !gone.contains(c)) {
          gone.add(c);
        }
      }
    }
    tree.removeAll(gone);
    orphaned = true;
    history.add(p.pid + " exits and orphans " + gone.size());
  }

  /**
   * A tree sample as a sampler reads it, parents before children, {@code previous} for the CPU percent. With
   * {@code race}, a zombie whose parent was read is reaped before it is read: neither it nor its parent's growth shows.
   */
  public ProcessSample sample(@Nullable ProcessSample previous, boolean race) {
    return sample(previous, race, Scope.TREE);
  }

  /**
   * As {@link #sample(ProcessSample, boolean)}, in {@code scope}: {@link Scope#GROUP} reads the same processes as a
   * group of them (a group whose members are parents and children of one another), whose CPU and faults are each
   * member's own and whose I/O holds what members reaped, as the kernel folds it.
   */
  public ProcessSample sample(@Nullable ProcessSample previous, boolean race, Scope scope) {
    ProcessSampleBuilder b = new ProcessSampleBuilder().reset(scope, rootPid, nowMillis, nowMillis * 1_000_000L)
        .request(FIELDS);
    List<Proc> order = new ArrayList<>();
    order.add(find(rootPid));
    boolean raced = false;
    for (int i = 0; i < order.size(); i++) {
      Proc p = order.get(i);
      b.beginMember().parentPid(p.ppid).add(Field.CPU_USER, p.utime).add(Field.CPU_SYSTEM, p.stime)
          .add(Field.CPU_TOTAL, p.utime + p.stime).add(Field.START_TIME, p.startMillis).addReapedCpu(p.cutime, p.cstime)
          .add(Field.MINOR_FAULTS, p.minflt).addReaped(Field.MINOR_FAULTS, p.cminflt)
          .add(Field.MAJOR_FAULTS, p.majflt).addReaped(Field.MAJOR_FAULTS, p.cmajflt)
          .add(Field.READ_BYTES, p.readBytes).add(Field.WRITE_BYTES, p.writeBytes)
          .endMember(p.pid);
      for (Proc c : new ArrayList<>(tree)) {
        if (c.ppid == p.pid) {
          if (race && !raced && c.zombie && !p.zombie) {
            reap(c); // after its parent's read, before its own
            raced = true;
            history.add(p.pid + " reaps " + c.pid + " while the sample is read");
          } else {
            order.add(c);
          }
        }
      }
    }
    history.add("sample of " + order.size());
    return b.build(previous);
  }
}
