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
import io.micrometer.core.instrument.noop.NoopMeter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
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
    r.sampledCounter("vigil.process.cpu.time", "CPU time of the process tree", "seconds", t.and("mode", "user"),
        p -> p.seconds(Field.CPU_USER), Field.CPU_USER);
    r.sampledCounter("vigil.process.cpu.time", "CPU time of the process tree", "seconds", t.and("mode", "system"),
        p -> p.seconds(Field.CPU_SYSTEM), Field.CPU_SYSTEM);
    // a ratio in the base unit "ratio" (Prometheus: vigil_process_cpu_usage_ratio), where rules and the endpoint say percent
    r.sampledGauge("vigil.process.cpu.usage", "CPU use of the process tree over the last sampling interval as a ratio, 1 = one core busy",
        CPU_USAGE_UNIT, t, ProcessProbe::cpuUsage, Field.CPU_PERCENT, Field.CPU_TOTAL);
    String mem = "Memory of the process tree by type: resident, virtual, swapped, proportional (PSS)";
    r.sampledGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "resident"), p -> p.gauge(Field.MEMORY_RESIDENT), Field.MEMORY_RESIDENT);
    r.sampledGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "virtual"), p -> p.gauge(Field.MEMORY_VIRTUAL), Field.MEMORY_VIRTUAL);
    r.sampledGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "swapped"), p -> p.gauge(Field.MEMORY_SWAPPED), Field.MEMORY_SWAPPED);
    r.sampledGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "proportional"),
        p -> p.gauge(Field.MEMORY_PROPORTIONAL), Field.MEMORY_PROPORTIONAL);
    String io = "Bytes the process tree read from and wrote to storage";
    r.sampledCounter("vigil.process.io", io, BaseUnits.BYTES, t.and("direction", "read"), p -> p.total(Field.READ_BYTES), Field.READ_BYTES);
    r.sampledCounter("vigil.process.io", io, BaseUnits.BYTES, t.and("direction", "write"), p -> p.total(Field.WRITE_BYTES), Field.WRITE_BYTES);
    String faults = "Page faults of the process tree: major (needing I/O) and minor";
    r.sampledCounter("vigil.process.page.faults", faults, null, t.and("fault", "major"), p -> p.total(Field.MAJOR_FAULTS), Field.MAJOR_FAULTS);
    r.sampledCounter("vigil.process.page.faults", faults, null, t.and("fault", "minor"), p -> p.total(Field.MINOR_FAULTS), Field.MINOR_FAULTS);
    String cs = "Context switches of the process tree: voluntary and nonvoluntary";
    r.sampledCounter("vigil.process.context.switches", cs, null, t.and("ctxswitchtype", "voluntary"), p -> p.total(Field.VOLUNTARY_SWITCHES), Field.VOLUNTARY_SWITCHES);
    r.sampledCounter("vigil.process.context.switches", cs, null, t.and("ctxswitchtype", "nonvoluntary"),
        p -> p.total(Field.INVOLUNTARY_SWITCHES), Field.INVOLUNTARY_SWITCHES);
    r.sampledGauge("vigil.process.files.open", "Open file descriptors of the process tree", BaseUnits.FILES, t,
        p -> p.gauge(Field.OPEN_FDS), Field.OPEN_FDS);
    r.sampledGauge("vigil.process.files.max", "Lowest open file descriptor limit in the process tree", BaseUnits.FILES, t,
        p -> p.gauge(Field.FD_LIMIT), Field.FD_LIMIT);
    r.sampledGauge("vigil.process.files.worst.ratio", "Highest ratio of open descriptors to their limit in the process tree",
        null, t, p -> p.gauge(Field.WORST_FD_RATIO), Field.WORST_FD_RATIO);
    r.sampledGauge("vigil.process.threads", "Threads of the process tree", BaseUnits.THREADS, t, p -> p.gauge(Field.THREADS), Field.THREADS);
    r.sampledGauge("vigil.process.tree.processes", "Processes in the process tree", null, t, p -> p.gauge(Field.PROCESSES), Field.PROCESSES);
    for (RunState s : RunState.values()) {
      r.sampledGauge("vigil.process.tree.states", "Processes of the process tree by scheduler state", null,
          t.and("state", lower(s)), p -> p.processes(s), Field.PROCESS_STATES, Field.PROCESSES);
    }
    r.sampledTimeGauge("vigil.process.start.time", "Start time of the oldest process of the tree, since the epoch", t,
        TimeUnit.MILLISECONDS, ProcessProbe::startTimeMillis, Field.START_TIME);
  }

  private static void processExporter(Registrar r, Tags g) {
    r.sampledGauge(PE + "num.procs", "number of processes in this group", null, g, p -> p.gauge(Field.PROCESSES), Field.PROCESSES);
    r.sampledCounter(PE + "cpu.seconds", "Cpu user usage in seconds", null, g.and("mode", "user"), p -> p.seconds(Field.CPU_USER), Field.CPU_USER);
    r.sampledCounter(PE + "cpu.seconds", "Cpu user usage in seconds", null, g.and("mode", "system"),
        p -> p.seconds(Field.CPU_SYSTEM), Field.CPU_SYSTEM);
    r.sampledCounter(PE + "read.bytes", "number of bytes read by this group", null, g, p -> p.total(Field.READ_BYTES), Field.READ_BYTES);
    r.sampledCounter(PE + "write.bytes", "number of bytes written by this group", null, g, p -> p.total(Field.WRITE_BYTES), Field.WRITE_BYTES);
    r.sampledCounter(PE + "major.page.faults", "Major page faults", null, g, p -> p.total(Field.MAJOR_FAULTS), Field.MAJOR_FAULTS);
    r.sampledCounter(PE + "minor.page.faults", "Minor page faults", null, g, p -> p.total(Field.MINOR_FAULTS), Field.MINOR_FAULTS);
    r.sampledCounter(PE + "context.switches", "Context switches", null, g.and("ctxswitchtype", "voluntary"),
        p -> p.total(Field.VOLUNTARY_SWITCHES), Field.VOLUNTARY_SWITCHES);
    r.sampledCounter(PE + "context.switches", "Context switches", null, g.and("ctxswitchtype", "nonvoluntary"),
        p -> p.total(Field.INVOLUNTARY_SWITCHES), Field.INVOLUNTARY_SWITCHES);
    String mem = "number of bytes of memory in use";
    // the exporter's own source, stat's rss (6 to 11 % below VmRSS on small processes); Micrometer naming keeps the exact VmRSS
    r.sampledGauge(PE + "memory.bytes", mem, null, g.and("memtype", "resident"), p -> p.gauge(Field.MEMORY_RESIDENT_STAT), Field.MEMORY_RESIDENT_STAT);
    r.sampledGauge(PE + "memory.bytes", mem, null, g.and("memtype", "virtual"), p -> p.gauge(Field.MEMORY_VIRTUAL), Field.MEMORY_VIRTUAL);
    r.sampledGauge(PE + "memory.bytes", mem, null, g.and("memtype", "swapped"), p -> p.gauge(Field.MEMORY_SWAPPED), Field.MEMORY_SWAPPED);
    r.sampledGauge(PE + "memory.bytes", mem, null, g.and("memtype", "proportionalResident"),
        p -> p.gauge(Field.MEMORY_PROPORTIONAL), Field.MEMORY_PROPORTIONAL);
    r.sampledGauge(PE + "open.filedesc", "number of open file descriptors for this group", null, g, p -> p.gauge(Field.OPEN_FDS), Field.OPEN_FDS);
    r.sampledGauge(PE + "worst.fd.ratio",
        "the worst (closest to 1) ratio between open fds and max fds among all procs in this group", null, g,
        p -> p.gauge(Field.WORST_FD_RATIO), Field.WORST_FD_RATIO);
    r.sampledGauge(PE + "oldest.start.time.seconds",
        "start time in seconds since 1970/01/01 of oldest process in group", null, g, p -> p.startTimeMillis() / 1000.0, Field.START_TIME);
    r.sampledGauge(PE + "num.threads", "Number of threads", null, g, p -> p.gauge(Field.THREADS), Field.THREADS);
    for (RunState s : RunState.values()) {
      r.sampledGauge(PE + "states", "Number of processes in states Running, Sleeping, Waiting, Zombie, or Other", null,
          g.and("state", s.label()), p -> p.exporterStates(s), Field.PROCESS_STATES, Field.PROCESSES, Field.THREADS, Field.THREAD_STATES);
    }
  }

  /** Meters only Vigil has, named alike in both styles. */
  private static void common(Registrar r, Tags t) {
    for (RunState s : RunState.values()) {
      r.sampledGauge("vigil.process.thread.states", "Threads of the process tree by scheduler state", null,
          t.and("state", lower(s)), p -> p.threads(s), Field.THREAD_STATES);
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

    /** A gauge of sample fields {@code reads}: sampled only if some registry keeps it (a MeterFilter may deny it). */
    void sampledGauge(String name, String description, @Nullable String baseUnit, Tags tags, ToDoubleFunction<ProcessProbe> f,
        Field... reads) {
      needIfKept(Gauge.builder(name, probe, f).description(description).baseUnit(baseUnit).tags(tags)
          .strongReference(true).register(registry), reads);
    }

    void sampledCounter(String name, String description, @Nullable String baseUnit, Tags tags, ToDoubleFunction<ProcessProbe> f,
        Field... reads) {
      needIfKept(FunctionCounter.builder(name, probe, f).description(description).baseUnit(baseUnit).tags(tags)
          .register(registry), reads);
    }

    void sampledTimeGauge(String name, String description, Tags tags, TimeUnit unit, ToDoubleFunction<ProcessProbe> f,
        Field... reads) {
      needIfKept(TimeGauge.builder(name, probe, unit, f).description(description).tags(tags).strongReference(true)
          .register(registry), reads);
    }

    private void needIfKept(Meter m, Field... reads) {
      meters.add(m);
      if (!(m instanceof NoopMeter)) { // a denied meter is a no-op that never reads: its fields cost nothing
        probe.need(EnumSet.copyOf(Arrays.asList(reads)));
      }
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
