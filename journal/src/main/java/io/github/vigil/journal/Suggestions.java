package io.github.vigil.journal;

import io.github.vigil.HumanFormat;
import io.github.vigil.journal.RestartReport.CauseCount;
import io.github.vigil.journal.RestartReport.Restart;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** What the numbers of a report suggest doing; each rule fires only on figures in the report. Internal. */
final class Suggestions {
  private Suggestions() {}

  static List<String> forRestarts(RestartReport r, ZoneId zone) {
    List<String> out = new ArrayList<>();
    if (r.total() == 0) {
      return out;
    }
    int oom = count(r, RestartCause.OOM_KILL);
    if (oom > 0) {
      long maxMem = r.timeline().stream().filter(x -> x.cause() == RestartCause.OOM_KILL && x.memoryBytes() != null)
          .mapToLong(Restart::memoryBytes).max().orElse(-1);
      Long limit = r.timeline().stream().filter(x -> x.cause() == RestartCause.OOM_KILL).map(Restart::memoryLimitBytes)
          .filter(Objects::nonNull).findFirst().orElse(null);
      out.add(plural(oom, "OOM kill") + (maxMem >= 0 ? " (up to " + HumanFormat.bytes(maxMem) + " at death" : "")
          + (limit != null ? (maxMem >= 0 ? ", " : " (") + "limit " + HumanFormat.bytes(limit) + ")" : maxMem >= 0 ? ")" : "")
          + ": raise the memory limit if the working set grew, or look for a leak if memory climbs through each run");
    }
    List<Restart> signals = r.timeline().stream().filter(x -> x.cause() == RestartCause.SIGNAL).toList();
    List<Restart> noCore = signals.stream().filter(x -> x.signal() != null && Signals.dumpsCore(x.signal()) && Boolean.FALSE.equals(x.coreDumped())).toList();
    if (!noCore.isEmpty()) {
      out.add(plural(noCore.size(), "crash") + " by " + names(noCore) + " without a core dump: enable core dumps (ulimit -c unlimited "
          + "in its start script, or LimitCORE=infinity) to see where it crashes");
    }
    signals.stream().filter(x -> Boolean.TRUE.equals(x.coreDumped()) && x.corePath() != null).findFirst()
        .ifPresent(x -> out.add("read the newest core dump: " + (x.corePath().startsWith("coredumpctl") ? x.corePath().replace("info", "gdb")
            : "gdb <executable> " + x.corePath())));
    List<Restart> killed = signals.stream().filter(x -> x.signal() != null && x.signal() == 9).toList();
    if (!killed.isEmpty()) {
      out.add(plural(killed.size(), "SIGKILL") + " not from Vigil nor the OOM killer: find who sends it (an operator's kill -9, "
          + "another supervisor, a watchdog)");
    }
    // a run that never started has no stderr to read: its start's message says why, and a diagnosis more
    List<Restart> notStarted = r.timeline().stream().filter(x -> "START_FAILED".equals(x.exitCause())).toList();
    if (!notStarted.isEmpty()) {
      out.add(plural(notStarted.size(), "failed start") + " (the newest: " + notStarted.get(0).detail() + "): vigil diagnose "
          + r.process() + " says why it could not start and what to fix");
    }
    int errors = count(r, RestartCause.ERROR_EXIT) - notStarted.size();
    if (errors > 0) {
      TreeSet<Integer> codes = new TreeSet<>();
      r.timeline().stream().filter(x -> x.cause() == RestartCause.ERROR_EXIT && x.exitCode() != null).forEach(x -> codes.add(x.exitCode()));
      out.add(plural(errors, "error exit") + (codes.isEmpty() ? "" : " (exit code " + join(codes) + ")")
          + ": the stderr tails in the timeline say why it gave up");
    }
    int health = count(r, RestartCause.HEALTH);
    if (health > 0) {
      out.add(plural(health, "restart") + " by a failing health check: the process stopped answering; look at its load at those "
          + "times, or give the check a longer timeout");
    }
    int ended = count(r, RestartCause.SUPERVISOR_ENDED);
    if (ended > 0) {
      out.add(plural(ended, "restart") + " after the supervisor's JVM ended while the process ran: find why the JVM died (its "
          + "hs_err_pid file, the kernel log for an OOM kill, the service manager's log); run it under one that restarts it");
    }
    int resource = count(r, RestartCause.RESOURCE_LIMIT);
    if (resource > 0) {
      out.add(plural(resource, "restart") + " by a broken resource rule: raise the rule's limit, or find what grows");
    }
    // restarted with its group: what to look at is the child whose end restarted it, not this process
    java.util.Map<String, Integer> byChild = new java.util.TreeMap<>();
    r.timeline().stream().filter(x -> x.cause() == RestartCause.GROUP && x.sibling() != null)
        .forEach(x -> byChild.merge(x.group() + "\u0000" + x.sibling(), 1, Integer::sum));
    byChild.forEach((k, n) -> {
      String group = k.substring(0, k.indexOf('\u0000'));
      String child = k.substring(k.indexOf('\u0000') + 1);
      out.add(plural(n, "restart") + " with group " + group + " after " + child + " ended, not by a failure of " + r.process()
          + ": find why " + child + " ended (its restarts, its last crash)");
    });
    // restarted because a dependency ended: likewise, what to look at is that dependency
    java.util.Map<String, Integer> byDependency = new java.util.TreeMap<>();
    r.timeline().stream().filter(x -> x.cause() == RestartCause.DEPENDENCY && x.dependency() != null)
        .forEach(x -> byDependency.merge(x.dependency(), 1, Integer::sum));
    byDependency.forEach((dependency, n) -> out.add(plural(n, "restart") + " because dependency " + dependency
        + " ended (onExit RESTART), not by a failure of " + r.process() + ": find why " + dependency + " ended (its restarts, its last crash)"));
    int[] hours = r.hourOfDay().stream().mapToInt(Integer::intValue).toArray();
    int peak = 0;
    for (int h = 1; h < 24; h++) {
      if (hours[h] > hours[peak]) {
        peak = h;
      }
    }
    // an hour that recurs: its restarts fell on two days or more (a burst within one hour is no time-of-day pattern)
    int peakHour = peak;
    long peakDays = r.timeline().stream().filter(x -> x.at().atZone(zone).getHour() == peakHour)
        .map(x -> x.at().atZone(zone).toLocalDate()).distinct().count();
    if (r.total() >= 3 && hours[peak] >= 2 && hours[peak] * 2 >= r.total() && peakDays >= 2) {
      out.add(String.format(Locale.ROOT, "%d of %d restarts between %02d:00 and %02d:59 (%s): look at what runs then (batch jobs, "
          + "backups, log rotation, market open)", hours[peak], r.total(), peak, peak, zone.getId()));
    }
    if (r.ratePerDay() >= 1) {
      out.add("restart rate " + HumanFormat.number(r.ratePerDay()) + " per day: alert when it restarts more than 3 times a day");
    }
    if (r.mttr() != null && r.mttr().compareTo(Duration.ofMinutes(1)) > 0) {
      out.add("recovery takes " + HumanFormat.duration(r.mttr()) + " on average: shorten the restart backoff or the startup time");
    }
    return out;
  }

  /** @param notRunAgain what kept the process from running again after the crash, as the journal says; null when nothing did */
  static List<String> forCrash(CrashReport c, @Nullable String notRunAgain) {
    List<String> out = new ArrayList<>();
    if ("OOM_KILLED".equals(c.exitCause())) {
      out.add("killed by the OOM killer" + (c.memoryBytes() != null ? " at " + HumanFormat.bytes(c.memoryBytes()) : "")
          + (c.memoryLimitBytes() != null ? " (limit " + HumanFormat.bytes(c.memoryLimitBytes()) + ")" : "")
          + ": raise the memory limit, or look for a leak in the memory of the last samples");
    } else if (c.signal() != null && Signals.dumpsCore(c.signal())) {
      if (Boolean.TRUE.equals(c.coreDumped()) && c.coreLocation() != null) {
        out.add(c.coreLocation().startsWith("coredumpctl") ? "read the core dump: " + c.coreLocation().replace("info", "gdb")
            : "read the core dump: gdb <executable> " + c.coreLocation()
                + (Boolean.FALSE.equals(c.coreFileExists()) ? " (the file is gone now: another crash in that directory overwrote or removed it)" : ""));
      } else if (Boolean.FALSE.equals(c.coreDumped())) {
        out.add(c.signalName() + " without a core dump: enable core dumps (ulimit -c unlimited in its start script, or LimitCORE=infinity)");
      }
    } else if (c.signal() != null && c.signal() == 9) {
      out.add("SIGKILL not from Vigil nor the OOM killer: find who sends it");
    } else if (c.exitCode() != null) {
      out.add("exit code " + c.exitCode() + ": the stderr tail says why it gave up");
    } else if ("START_FAILED".equals(c.exitCause())) {
      out.add("it could not start (" + c.termination() + "): vigil diagnose " + c.process() + " says why and what to fix");
    }
    if (c.recovery() == null) {
      out.add(notRunAgain != null ? notRunAgain + ": not RUNNING since" : "it has not been RUNNING since: check its status (vigil status)");
    }
    return out;
  }

  private static int count(RestartReport r, RestartCause c) {
    return r.causes().stream().filter(x -> x.cause() == c).mapToInt(CauseCount::count).sum();
  }

  private static String plural(int n, String what) {
    return n + " " + what + (n == 1 ? "" : what.endsWith("sh") || what.endsWith("s") ? "es" : "s");
  }

  private static String names(List<Restart> rs) {
    TreeSet<String> n = new TreeSet<>();
    rs.forEach(x -> n.add(x.signalName() != null ? x.signalName() : "signal " + x.signal()));
    return String.join("/", n);
  }

  private static String join(TreeSet<Integer> codes) {
    List<String> s = new ArrayList<>();
    codes.forEach(c -> s.add(Integer.toString(c)));
    return String.join(", ", s);
  }
}
