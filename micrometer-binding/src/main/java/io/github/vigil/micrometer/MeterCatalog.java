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
    r.secondsCounter("vigil.process.cpu.time", "CPU time of the process tree", "seconds", t.and("mode", "user"), Field.CPU_USER);
    r.secondsCounter("vigil.process.cpu.time", "CPU time of the process tree", "seconds", t.and("mode", "system"), Field.CPU_SYSTEM);
    // a ratio in the base unit "ratio" (Prometheus: vigil_process_cpu_usage_ratio), where rules and the endpoint say percent
    r.sampledGauge("vigil.process.cpu.usage", "CPU use of the process tree over the last sampling interval as a ratio, 1 = one core busy",
        CPU_USAGE_UNIT, t, ProcessProbe::cpuUsage, Field.CPU_PERCENT, Field.CPU_TOTAL);
    String mem = "Memory of the process tree by type: resident, virtual, swapped, proportional (PSS)";
    r.fieldGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "resident"), Field.MEMORY_RESIDENT);
    r.fieldGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "virtual"), Field.MEMORY_VIRTUAL);
    r.fieldGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "swapped"), Field.MEMORY_SWAPPED);
    r.fieldGauge("vigil.process.memory", mem, BaseUnits.BYTES, t.and("memtype", "proportional"), Field.MEMORY_PROPORTIONAL);
    String io = "Bytes the process tree read from and wrote to storage";
    r.totalCounter("vigil.process.io", io, BaseUnits.BYTES, t.and("direction", "read"), Field.READ_BYTES);
    r.totalCounter("vigil.process.io", io, BaseUnits.BYTES, t.and("direction", "write"), Field.WRITE_BYTES);
    String faults = "Page faults of the process tree: major (needing I/O) and minor";
    r.totalCounter("vigil.process.page.faults", faults, null, t.and("fault", "major"), Field.MAJOR_FAULTS);
    r.totalCounter("vigil.process.page.faults", faults, null, t.and("fault", "minor"), Field.MINOR_FAULTS);
    String cs = "Context switches of the process tree: voluntary and nonvoluntary";
    r.totalCounter("vigil.process.context.switches", cs, null, t.and("ctxswitchtype", "voluntary"), Field.VOLUNTARY_SWITCHES);
    r.totalCounter("vigil.process.context.switches", cs, null, t.and("ctxswitchtype", "nonvoluntary"), Field.INVOLUNTARY_SWITCHES);
    r.fieldGauge("vigil.process.files.open", "Open file descriptors of the process tree", BaseUnits.FILES, t, Field.OPEN_FDS);
    r.fieldGauge("vigil.process.files.max", "Lowest open file descriptor limit in the process tree", BaseUnits.FILES, t, Field.FD_LIMIT);
    r.fieldGauge("vigil.process.files.worst.ratio", "Highest ratio of open descriptors to their limit in the process tree",
        null, t, Field.WORST_FD_RATIO);
    r.fieldGauge("vigil.process.threads", "Threads of the process tree", BaseUnits.THREADS, t, Field.THREADS);
    r.fieldGauge("vigil.process.tree.processes", "Processes in the process tree", null, t, Field.PROCESSES);
    for (RunState s : RunState.values()) {
      r.sampledGauge("vigil.process.tree.states", "Processes of the process tree by scheduler state", null,
          t.and("state", lower(s)), p -> p.processes(s), Field.PROCESS_STATES, Field.PROCESSES);
    }
    r.sampledTimeGauge("vigil.process.start.time", "Start time of the oldest process of the tree, since the epoch", t,
        TimeUnit.MILLISECONDS, ProcessProbe::startTimeMillis, Field.START_TIME);
  }

  private static void processExporter(Registrar r, Tags g) {
    r.fieldGauge(PE + "num.procs", "number of processes in this group", null, g, Field.PROCESSES);
    r.secondsCounter(PE + "cpu.seconds", "Cpu user usage in seconds", null, g.and("mode", "user"), Field.CPU_USER);
    r.secondsCounter(PE + "cpu.seconds", "Cpu user usage in seconds", null, g.and("mode", "system"), Field.CPU_SYSTEM);
    r.totalCounter(PE + "read.bytes", "number of bytes read by this group", null, g, Field.READ_BYTES);
    r.totalCounter(PE + "write.bytes", "number of bytes written by this group", null, g, Field.WRITE_BYTES);
    r.totalCounter(PE + "major.page.faults", "Major page faults", null, g, Field.MAJOR_FAULTS);
    r.totalCounter(PE + "minor.page.faults", "Minor page faults", null, g, Field.MINOR_FAULTS);
    r.totalCounter(PE + "context.switches", "Context switches", null, g.and("ctxswitchtype", "voluntary"), Field.VOLUNTARY_SWITCHES);
    r.totalCounter(PE + "context.switches", "Context switches", null, g.and("ctxswitchtype", "nonvoluntary"), Field.INVOLUNTARY_SWITCHES);
    String mem = "number of bytes of memory in use";
    // the exporter's own source, stat's rss (6 to 11 % below VmRSS on small processes); Micrometer naming keeps the exact VmRSS
    r.fieldGauge(PE + "memory.bytes", mem, null, g.and("memtype", "resident"), Field.MEMORY_RESIDENT_STAT);
    r.fieldGauge(PE + "memory.bytes", mem, null, g.and("memtype", "virtual"), Field.MEMORY_VIRTUAL);
    r.fieldGauge(PE + "memory.bytes", mem, null, g.and("memtype", "swapped"), Field.MEMORY_SWAPPED);
    r.fieldGauge(PE + "memory.bytes", mem, null, g.and("memtype", "proportionalResident"), Field.MEMORY_PROPORTIONAL);
    r.fieldGauge(PE + "open.filedesc", "number of open file descriptors for this group", null, g, Field.OPEN_FDS);
    r.fieldGauge(PE + "worst.fd.ratio",
        "the worst (closest to 1) ratio between open fds and max fds among all procs in this group", null, g, Field.WORST_FD_RATIO);
    r.sampledGauge(PE + "oldest.start.time.seconds",
        "start time in seconds since 1970/01/01 of oldest process in group", null, g, p -> p.startTimeMillis() / 1000.0, Field.START_TIME);
    r.fieldGauge(PE + "num.threads", "Number of threads", null, g, Field.THREADS);
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

    /** A gauge of sample field {@code field} (see {@link ProcessProbe#gauge}). */
    void fieldGauge(String name, String description, @Nullable String baseUnit, Tags tags, Field field) {
      sampledGauge(name, description, baseUnit, tags, p -> p.gauge(field), field);
    }

    /** A counter of sample field {@code field} over all runs, in its raw unit (see {@link ProcessProbe#total}). */
    void totalCounter(String name, String description, @Nullable String baseUnit, Tags tags, Field field) {
      sampledCounter(name, description, baseUnit, tags, p -> p.total(field), field);
    }

    /** A counter in seconds of nanosecond sample field {@code field} over all runs (see {@link ProcessProbe#seconds}). */
    void secondsCounter(String name, String description, @Nullable String baseUnit, Tags tags, Field field) {
      sampledCounter(name, description, baseUnit, tags, p -> p.seconds(field), field);
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
