package io.github.vigil.micrometer;

import io.github.vigil.AttachState;
import io.github.vigil.CheckResult;
import io.github.vigil.ExitCause;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one process, and of the supervisor, in one naming style: one place that says what is
 * published under which name, tags, unit and description.
 *
 * <p>Stateless; thread-safe.
 */
final class MeterCatalog {
  private MeterCatalog() {}

  static final String PE = "namedprocess.namegroup.";

  /**
   * The base unit of {@code vigil.process.cpu.usage}: a ratio, 1 being one core busy (the sample's
   * CPU percent over 100), so that the name a registry renders says so (Prometheus appends it).
   */
  static final String CPU_USAGE_UNIT = "ratio";

  /** Registers every meter of {@code p} in {@code registry}; the caller keeps the list to remove them. */
  static List<Meter> register(MeterRegistry registry, MetricNaming naming, ProcessProbe p, Tags vigilTags, Tags groupTags) {
    Registrar r = new Registrar(registry, p);
    if (naming == MetricNaming.PROCESS_EXPORTER) {
      processExporter(r, groupTags);
    } else {
      micrometer(r, vigilTags);
    }
    common(r, vigilTags);
    return r.meters;
  }

  private static void micrometer(Registrar r, Tags t) {
    r.counter("vigil.process.cpu.time", "CPU time of the process tree", "seconds", t.and("mode", "user"),
        p -> p.seconds(Field.CPU_USER));
    r.counter("vigil.process.cpu.time", "CPU time of the process tree", "seconds", t.and("mode", "system"),
        p -> p.seconds(Field.CPU_SYSTEM));
    // a ratio in the base unit "ratio" (Prometheus: vigil_process_cpu_usage_ratio), where rules and the endpoint say percent
    r.gauge("vigil.process.cpu.usage", "CPU use of the process tree over the last sampling interval as a ratio, 1 = one core busy",
        CPU_USAGE_UNIT, t, ProcessProbe::cpuUsage);
    String mem = "Memory of the process tree by type: resident, virtual, swapped, proportional (PSS)";
    r.gauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "resident"), p -> p.gauge(Field.MEMORY_RESIDENT));
    r.gauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "virtual"), p -> p.gauge(Field.MEMORY_VIRTUAL));
    r.gauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "swapped"), p -> p.gauge(Field.MEMORY_SWAPPED));
    r.gauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "proportional"),
        p -> p.gauge(Field.MEMORY_PROPORTIONAL));
    String io = "Bytes the process tree read from and wrote to storage";
    r.counter("vigil.process.io", io, BaseUnits.BYTES, t.and("direction", "read"), p -> p.total(Field.READ_BYTES));
    r.counter("vigil.process.io", io, BaseUnits.BYTES, t.and("direction", "write"), p -> p.total(Field.WRITE_BYTES));
    String faults = "Page faults of the process tree: major (needing I/O) and minor";
    r.counter("vigil.process.page.faults", faults, null, t.and("fault", "major"), p -> p.total(Field.MAJOR_FAULTS));
    r.counter("vigil.process.page.faults", faults, null, t.and("fault", "minor"), p -> p.total(Field.MINOR_FAULTS));
    String cs = "Context switches of the process tree: voluntary and nonvoluntary";
    r.counter("vigil.process.context.switches", cs, null, t.and("ctxswitchtype", "voluntary"), p -> p.total(Field.VOLUNTARY_SWITCHES));
    r.counter("vigil.process.context.switches", cs, null, t.and("ctxswitchtype", "nonvoluntary"),
        p -> p.total(Field.INVOLUNTARY_SWITCHES));
    r.gauge("vigil.process.files.open", "Open file descriptors of the process tree", BaseUnits.FILES, t,
        p -> p.gauge(Field.OPEN_FDS));
    r.gauge("vigil.process.files.max", "Lowest open file descriptor limit in the process tree", BaseUnits.FILES, t,
        p -> p.gauge(Field.FD_LIMIT));
    r.gauge("vigil.process.files.worst.ratio", "Highest ratio of open descriptors to their limit in the process tree",
        null, t, p -> p.gauge(Field.WORST_FD_RATIO));
    r.gauge("vigil.process.threads", "Threads of the process tree", BaseUnits.THREADS, t, p -> p.gauge(Field.THREADS));
    r.gauge("vigil.process.tree.processes", "Processes in the process tree", null, t, p -> p.gauge(Field.PROCESSES));
    for (RunState s : RunState.values()) {
      r.gauge("vigil.process.tree.states", "Processes of the process tree by scheduler state", null,
          t.and("state", lower(s)), p -> p.processes(s));
    }
    r.timeGauge("vigil.process.start.time", "Start time of the oldest process of the tree, since the epoch", t,
        TimeUnit.MILLISECONDS, ProcessProbe::startTimeMillis);
  }

  private static void processExporter(Registrar r, Tags g) {
    r.gauge(PE + "num.procs", "number of processes in this group", null, g, p -> p.gauge(Field.PROCESSES));
    r.counter(PE + "cpu.seconds", "Cpu user usage in seconds", null, g.and("mode", "user"), p -> p.seconds(Field.CPU_USER));
    r.counter(PE + "cpu.seconds", "Cpu user usage in seconds", null, g.and("mode", "system"),
        p -> p.seconds(Field.CPU_SYSTEM));
    r.counter(PE + "read.bytes", "number of bytes read by this group", null, g, p -> p.total(Field.READ_BYTES));
    r.counter(PE + "write.bytes", "number of bytes written by this group", null, g, p -> p.total(Field.WRITE_BYTES));
    r.counter(PE + "major.page.faults", "Major page faults", null, g, p -> p.total(Field.MAJOR_FAULTS));
    r.counter(PE + "minor.page.faults", "Minor page faults", null, g, p -> p.total(Field.MINOR_FAULTS));
    r.counter(PE + "context.switches", "Context switches", null, g.and("ctxswitchtype", "voluntary"),
        p -> p.total(Field.VOLUNTARY_SWITCHES));
    r.counter(PE + "context.switches", "Context switches", null, g.and("ctxswitchtype", "nonvoluntary"),
        p -> p.total(Field.INVOLUNTARY_SWITCHES));
    String mem = "number of bytes of memory in use";
    // the exporter's own source, stat's rss (6 to 11 % below VmRSS on small processes); Micrometer naming keeps the exact VmRSS
    r.gauge(PE + "memory.bytes", mem, null, g.and("memtype", "resident"), p -> p.gauge(Field.MEMORY_RESIDENT_STAT));
    r.gauge(PE + "memory.bytes", mem, null, g.and("memtype", "virtual"), p -> p.gauge(Field.MEMORY_VIRTUAL));
    r.gauge(PE + "memory.bytes", mem, null, g.and("memtype", "swapped"), p -> p.gauge(Field.MEMORY_SWAPPED));
    r.gauge(PE + "memory.bytes", mem, null, g.and("memtype", "proportionalResident"),
        p -> p.gauge(Field.MEMORY_PROPORTIONAL));
    r.gauge(PE + "open.filedesc", "number of open file descriptors for this group", null, g, p -> p.gauge(Field.OPEN_FDS));
    r.gauge(PE + "worst.fd.ratio",
        "the worst (closest to 1) ratio between open fds and max fds among all procs in this group", null, g,
        p -> p.gauge(Field.WORST_FD_RATIO));
    r.gauge(PE + "oldest.start.time.seconds",
        "start time in seconds since 1970/01/01 of oldest process in group", null, g, p -> p.startTimeMillis() / 1000.0);
    r.gauge(PE + "num.threads", "Number of threads", null, g, p -> p.gauge(Field.THREADS));
    for (RunState s : RunState.values()) {
      r.gauge(PE + "states", "Number of processes in states Running, Sleeping, Waiting, Zombie, or Other", null,
          g.and("state", s.label()), p -> p.exporterStates(s));
    }
  }

  /** Meters only Vigil has, named alike in both styles. */
  private static void common(Registrar r, Tags t) {
    for (RunState s : RunState.values()) {
      r.gauge("vigil.process.thread.states", "Threads of the process tree by scheduler state", null,
          t.and("state", lower(s)), p -> p.threads(s));
    }
    r.gauge("vigil.process.up",
        "1 when the process is RUNNING (a supervised one past its startup grace, an attached one found alive), else 0", null, t,
        ProcessProbe::up);
    r.timeGauge("vigil.process.uptime", "How long the current run (or the oldest attached process) has been up", t,
        TimeUnit.SECONDS, ProcessProbe::uptimeSeconds);
    if (r.probe.source.attachment() != null) {
      attached(r, t);
    } else {
      supervised(r, t);
    }
  }

  /** Meters of an attachment: processes Vigil did not start and only watches. */
  private static void attached(Registrar r, Tags t) {
    for (AttachState s : AttachState.values()) {
      r.gauge("vigil.attached.state", "1 for the state the attachment is in, 0 for the others", null,
          t.and("state", lower(s)), p -> p.inAttachState(s));
    }
    r.counter("vigil.attached.exits", "Matched processes seen to exit since the attachment was made", null, t,
        ProcessProbe::attachedExits);
  }

  /** Meters of a supervised process: lifecycle, restarts, health. */
  private static void supervised(Registrar r, Tags t) {
    for (ProcessState s : ProcessState.values()) {
      r.gauge("vigil.process.state", "1 for the lifecycle state the process is in, 0 for the others", null,
          t.and("state", lower(s)), p -> p.inState(s));
    }
    for (HealthState h : HealthState.values()) {
      r.gauge("vigil.process.health", "1 for what the health checks of the process say, 0 for the others", null,
          t.and("state", lower(h)), p -> p.inHealth(h));
      r.counter("vigil.process.health.transitions", "Changes of health, by the state changed to", null,
          t.and("state", lower(h)), p -> p.healthTransitions[h.ordinal()].sum());
    }
    for (ExitCause c : ExitCause.values()) {
      r.counter("vigil.process.restarts", "Restarts by the restart policy, by the cause of the exit before each", null,
          t.and("cause", lower(c)), p -> p.restartsByCause[c.ordinal()].sum());
    }
    r.gauge("vigil.process.last.exit.code", "Exit code of the last run; NaN when none ended or a signal ended it", null, t,
        ProcessProbe::lastExitCode);
    r.gauge("vigil.process.last.exit.signal", "Signal that ended the last run; NaN when none did", null, t,
        ProcessProbe::lastExitSignal);
    for (String check : r.probe.source.healthCheckNames()) {
      for (CheckResult.Status result : CheckResult.Status.values()) {
        Timer timer = Timer.builder("vigil.health.check.duration")
            .description("How long health check attempts took, by check and result (a timed-out one: its timeout)")
            .tags(t.and("check", check).and("result", lower(result))).register(r.registry);
        r.add(timer);
        r.probe.healthTimers.computeIfAbsent(ProcessProbe.healthTimerKey(check, result), k -> new CopyOnWriteArrayList<>())
            .add(timer);
      }
    }
    Timer recovery = Timer.builder("vigil.process.recovery")
        .description("Time to recover: from a crash to the process RUNNING again").tags(t).register(r.registry);
    r.add(recovery);
    r.probe.recoveryTimers.add(recovery);
    Timer latency = Timer.builder("vigil.supervisor.restart.latency")
        .description("From the detection of an exit to the spawn of the restart the policy ordered, backoff included")
        .tags(t).register(r.registry);
    r.add(latency);
    r.probe.restartLatencyTimers.add(latency);
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Registers and remembers meters of one probe in one registry. */
  private static final class Registrar {
    final MeterRegistry registry;
    final ProcessProbe probe;
    final List<Meter> meters = new ArrayList<>();

    Registrar(MeterRegistry registry, ProcessProbe probe) {
      this.registry = registry;
      this.probe = probe;
    }

    void add(Meter m) {
      meters.add(m);
    }

    void gauge(String name, String description, @Nullable String baseUnit, Tags tags, ToDoubleFunction<ProcessProbe> f) {
      meters.add(Gauge.builder(name, probe, f).description(description).baseUnit(baseUnit).tags(tags)
          .strongReference(true).register(registry));
    }

    void counter(String name, String description, @Nullable String baseUnit, Tags tags, ToDoubleFunction<ProcessProbe> f) {
      meters.add(FunctionCounter.builder(name, probe, f).description(description).baseUnit(baseUnit).tags(tags)
          .register(registry));
    }

    void timeGauge(String name, String description, Tags tags, TimeUnit unit, ToDoubleFunction<ProcessProbe> f) {
      meters.add(TimeGauge.builder(name, probe, unit, f).description(description).tags(tags).strongReference(true)
          .register(registry));
    }
  }
}
