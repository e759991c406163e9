package io.github.vigil.linux;

import io.github.vigil.Signal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who got a run's tree's last catchable signal, each with the program it ran then, so that later looks at the tree
 * send that signal to a member that did not get it (one forked after it, e.g. by the signal's own shell trap:
 * {@code trap 'sleep 5 & exit 0' TERM}), and again to one that got it before its exec (a shell's child keeps the
 * shell's handlers between its fork and its exec, and a signal caught there is lost to the program it then runs).
 *
 * <p>Not thread-safe apart from {@link #signal()} and {@link #forget()}: the rest is used with the instance's lock
 * held, by one look at the tree at a time.
 */
final class TreeSignalRecord {

  /**
   * One live member of the tree as a look found it, with its program read before any signal of that look was sent.
   *
   * @param program its command line ({@code /proc/PID/cmdline}), null when empty (in the midst of an exec) or unread
   */
  record Member(int pid, long startTicks, int pgrp, byte @Nullable [] program) {}

  private record Reached(long startTicks, byte @Nullable [] program) {}

  private volatile @Nullable Signal signal;
  private final Map<Integer, Reached> reached = new HashMap<>();

  /** Whether a process can catch (and so lose) {@code s}: SIGKILL and SIGSTOP need no record. */
  static boolean catchable(Signal s) {
    return s != Signal.SIGKILL && s != Signal.SIGSTOP;
  }

  /** The tree's signal that later members are owed, null if none (or a SIGKILL came after it). */
  @Nullable Signal signal() {
    return signal;
  }

  /** A new signal for the tree: who got an earlier one does not count. */
  void begin(Signal s) {
    reached.clear();
    signal = s;
  }

  /** The tree was sent a signal that needs no record (SIGKILL): later looks send nothing. Any thread, without the lock. */
  void forget() {
    signal = null;
  }

  /** Records that {@code m} got the signal while running its program as read. */
  void reached(Member m) {
    reached.put(m.pid(), new Reached(m.startTicks(), m.program()));
  }

  /**
   * Whether {@code m} is owed the signal: it did not get it (a pid the record names with another start is another
   * process), or got it while it ran another program than now (both read: an empty command line compares with none).
   */
  boolean owes(Member m) {
    Reached then = reached.get(m.pid());
    if (then == null || then.startTicks() != m.startTicks()) {
      return true;
    }
    return then.program() != null && m.program() != null && !Arrays.equals(then.program(), m.program());
  }
}
