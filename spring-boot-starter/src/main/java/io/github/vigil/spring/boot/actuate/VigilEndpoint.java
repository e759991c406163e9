package io.github.vigil.spring.boot.actuate;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.CheckResult;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessOperationException;
import io.github.vigil.ProcessStatistics;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RunRecord;
import io.github.vigil.Supervisor;
import io.github.vigil.Termination;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The Actuator endpoint {@code vigil}: what the supervisor runs, and commands to one process.
 *
 * <ul>
 *   <li>{@code GET /actuator/vigil}: the supervisor and every process with its state, health (the
 *       state and last result of each health check and resource rule), pid, restarts, last exit,
 *       statistics, most recent runs, and a sample of its process tree read from the operating
 *       system at the request ({@link ProcessController#sample()}: CPU, memory, descriptors,
 *       threads; absent figures are {@code null}, never 0); and every attachment ({@code vigil.attach})
 *       with its state, target, matched processes, exits and a sample of them.
 *   <li>{@code GET /actuator/vigil/{name}}: one process or attachment; 404 when there is none by that name.
 *   <li>{@code POST /actuator/vigil/{name}/{action}}, action {@code start}, {@code stop} or
 *       {@code restart}: waits for the outcome (up to {@code vigil.endpoint.command-timeout}) and
 *       answers with the new status.
 * </ul>
 *
 * <p>The default access is {@link Access#READ_ONLY}: the write operations are not mapped at all
 * unless the application opts in with {@code management.endpoint.vigil.access=unrestricted}, so
 * exposing the endpoint never lets a stranger stop a process. Environment variables, commands and
 * output are not shown: they may hold secrets.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "vigil", defaultAccess = Access.READ_ONLY)
public class VigilEndpoint {

  private static final Logger log = LoggerFactory.getLogger(VigilEndpoint.class);

  private final Supervisor supervisor;
  private final Set<String> critical;
  private final Duration commandTimeout;
  private final int historySize;

  /**
   * @param supervisor the supervisor shown
   * @param criticalProcesses names of the processes marked critical
   * @param commandTimeout how long a command waits for its outcome
   * @param historySize most recent runs listed per process
   */
  public VigilEndpoint(Supervisor supervisor, Set<String> criticalProcesses, Duration commandTimeout, int historySize) {
    this.supervisor = requireNonNull(supervisor, "supervisor");
    this.critical = Set.copyOf(criticalProcesses);
    this.commandTimeout = requireNonNull(commandTimeout, "commandTimeout");
    if (historySize < 0) {
      throw new IllegalArgumentException("historySize must not be negative: " + historySize);
    }
    this.historySize = historySize;
  }

  /** The supervisor and all its processes. */
  @ReadOperation
  public SupervisorDescriptor processes() {
    return new SupervisorDescriptor(supervisor.name(), supervisor.backendName(),
        supervisor.controllers().stream().map(this::describe).toList(),
        supervisor.attachedProcesses().stream().map(VigilEndpoint::describe).toList());
  }

  /** One supervised process ({@link ProcessDescriptor}) or attachment ({@link AttachedDescriptor}), or 404. */
  @ReadOperation
  public @Nullable Object process(@Selector String name) {
    Optional<ProcessController> controller = supervisor.controller(name);
    if (controller.isPresent()) {
      return describe(controller.get());
    }
    return supervisor.attached(name).map(VigilEndpoint::describe).orElse(null);
  }

  /** Starts, stops or restarts one process and answers with its status; 404 for an unknown name. */
  @WriteOperation
  public WebEndpointResponse<Object> command(@Selector String name, @Selector String action) {
    Optional<ProcessController> found = supervisor.controller(name);
    if (found.isEmpty()) {
      return new WebEndpointResponse<>(Map.of("error", "no process named '" + name + "'"), WebEndpointResponse.STATUS_NOT_FOUND);
    }
    ProcessController c = found.get();
    String verb = action.toLowerCase(Locale.ROOT);
    log.atInfo().addKeyValue("process", name).log("Actuator request: {} process {}", verb, name);
    try {
      switch (verb) {
        case "start":
          c.start(commandTimeout);
          break;
        case "stop":
          c.stop(commandTimeout);
          break;
        case "restart":
          c.restart(commandTimeout);
          break;
        default:
          throw new InvalidEndpointRequestException("unknown action '" + action + "': start, stop or restart",
              "unknown action; use start, stop or restart");
      }
    } catch (ProcessOperationException e) {
      return new WebEndpointResponse<>(Map.of("error", String.valueOf(e.getMessage()), "process", describe(c)),
          WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
    }
    return new WebEndpointResponse<>(describe(c), WebEndpointResponse.STATUS_OK);
  }

  private ProcessDescriptor describe(ProcessController c) {
    ProcessStatus s = c.status();
    List<RunRecord> history = c.history();
    List<RunDescriptor> runs = history.subList(Math.max(0, history.size() - historySize), history.size()).stream()
        .map(VigilEndpoint::describe).toList();
    ProcessStatistics st = c.statistics();
    return new ProcessDescriptor(s.name(), s.state().name(), s.health().name(), s.pid() > 0 ? s.pid() : null,
        critical.contains(s.name()), s.supervised(), s.started().map(Object::toString).orElse(null),
        s.uptime().toString(), s.restarts(), s.detail().isEmpty() ? null : s.detail(),
        s.lastExit() != null ? describe(s.lastExit()) : null, c.spec().labels(),
        c.spec().dependencies().stream().map(d -> d.name()).toList(),
        new StatisticsDescriptor(st.starts(), st.restarts(), st.restartsSucceeded(), st.restartsFailed(), st.restartsPerHour(),
            st.meanTimeToRecover().toString(), st.meanUptime().toString()),
        runs, describe(c.health()), c.sample().map(VigilEndpoint::describe).orElse(null));
  }

  private static AttachedDescriptor describe(AttachedProcess a) {
    AttachStatus s = a.status();
    AttachSpec spec = a.spec();
    return new AttachedDescriptor(s.name(), s.state().name(), spec.target().toString(),
        s.processes().stream().map(m -> new MatchedDescriptor(m.pid(), m.startTime().toString(), m.processName(), m.commandLine()))
            .toList(),
        s.message().isEmpty() ? null : s.message(), s.since().toString(), s.lastExitTime().map(Object::toString).orElse(null),
        s.exits(), spec.labels(), spec.allowSignals(), a.sample().map(VigilEndpoint::describe).orElse(null));
  }

  private static HealthDescriptor describe(HealthReport report) {
    return new HealthDescriptor(report.state().name(),
        report.checks().stream().map(ch -> new CheckDescriptor(ch.name(), ch.role().name(), ch.state().name(),
            ch.consecutiveFailures(), ch.consecutivePasses(), ch.attempts(), ch.failures(),
            ch.last().map(VigilEndpoint::describe).orElse(null))).toList(),
        report.rules().stream().map(r -> new RuleDescriptor(r.name(), r.metric().name(), r.limit(), r.metric().format(r.limit()),
            r.consecutiveAbove(), r.violations(), r.last().map(VigilEndpoint::describe).orElse(null))).toList());
  }

  private static ResultDescriptor describe(CheckResult r) {
    return new ResultDescriptor(r.status().name(), r.message().isEmpty() ? null : r.message(), r.duration().toString(),
        r.at().toString(), r.counted());
  }

  private static SampleDescriptor describe(ProcessSample s) {
    if (s.vanished()) {
      return new SampleDescriptor(s.scope().name(), s.pid(), s.sampledAt().toString(), true, s.vanishedReason().orElse(null),
          null, null, null, null, null, null, null, null, null, null, null, null);
    }
    return new SampleDescriptor(s.scope().name(), s.pid(), s.sampledAt().toString(), false, null,
        boxed(s.processes()), s.cpuTotal().map(Duration::toString).orElse(null),
        s.cpuPercent().isPresent() ? s.cpuPercent().getAsDouble() : null,
        boxed(s.memoryResident()), boxed(s.memoryVirtual()), boxed(s.memorySwapped()), boxed(s.openFds()), boxed(s.fdLimit()),
        boxed(s.threads()), boxed(s.readBytes()), boxed(s.writeBytes()), s.uptime().map(Duration::toString).orElse(null));
  }

  private static @Nullable Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static RunDescriptor describe(RunRecord r) {
    return new RunDescriptor(r.run(), r.pid() > 0 ? r.pid() : null, r.startedAt().toString(),
        r.ended().map(Object::toString).orElse(null), r.exit() != null ? describe(r.exit()) : null,
        r.recovery().map(Duration::toString).orElse(null));
  }

  private static ExitDescriptor describe(ExitInfo e) {
    Integer code = e.exitCode().isPresent() ? e.exitCode().getAsInt() : null;
    String signal = e.termination() instanceof Termination.Signaled sig ? sig.name() : null;
    return new ExitDescriptor(e.cause().name(), e.termination().toString(), code, signal, e.at().toString(),
        e.runDuration().toString(), e.message().isEmpty() ? null : e.message());
  }

  /**
   * The supervisor and its processes.
   *
   * @param name the supervisor's name
   * @param backend the backend in use
   * @param processes every process, in registration order
   * @param attached every attachment (processes Vigil watches but did not start), in the order they were made
   */
  public record SupervisorDescriptor(String name, String backend, List<ProcessDescriptor> processes,
      List<AttachedDescriptor> attached) {}

  /**
   * An attachment: processes Vigil watches but did not start.
   *
   * @param name its name
   * @param state its {@code AttachState}: RUNNING, STOPPED, NOT_FOUND or ERROR
   * @param target what it looks for: a pid, a pid file, a process name or a command-line pattern
   * @param processes every process that matches now, oldest first
   * @param message for ERROR the error, otherwise what the last look found
   * @param since when its state last changed
   * @param lastExit when a matched process was last seen to exit
   * @param exits matched processes seen to exit since it was made
   * @param labels its labels, with {@code type} and {@code account}
   * @param allowSignals whether the application may signal the matched processes
   * @param sample the matched processes as the operating system shows them now (a group, each process
   *     without its descendants); null when nothing matches or the backend has no sampler
   */
  public record AttachedDescriptor(String name, String state, String target, List<MatchedDescriptor> processes,
      @Nullable String message, String since, @Nullable String lastExit, long exits, Map<String, String> labels,
      boolean allowSignals, @Nullable SampleDescriptor sample) {}

  /**
   * One process an attachment matched.
   *
   * @param pid its pid
   * @param startTime when it started
   * @param processName its name ({@code comm} on Linux)
   * @param commandLine its arguments joined by spaces
   */
  public record MatchedDescriptor(long pid, String startTime, String processName, String commandLine) {}

  /**
   * One process. Times are ISO-8601 ({@code 2025-01-02T08:00:00Z}, {@code PT1.5S}).
   *
   * @param name its name
   * @param state its {@code ProcessState}
   * @param health its {@code HealthState}
   * @param pid the live pid, if any
   * @param critical whether its failure takes the application's health down
   * @param supervised whether exits are acted on
   * @param startedAt start of the current or last run
   * @param uptime of the current run
   * @param restarts restarts since it was registered
   * @param detail why it is in its state
   * @param lastExit how the last run ended
   * @param labels the spec's labels
   * @param dependsOn the processes it depends on
   * @param statistics counters and means
   * @param history most recent runs, oldest first
   * @param healthReport what its health checks and resource rules say
   * @param sample its process tree as the operating system shows it now; null when no run is alive
   *     or the backend has no sampler
   */
  public record ProcessDescriptor(String name, String state, String health, @Nullable Long pid, boolean critical,
      boolean supervised, @Nullable String startedAt, String uptime, int restarts, @Nullable String detail,
      @Nullable ExitDescriptor lastExit, Map<String, String> labels, List<String> dependsOn, StatisticsDescriptor statistics,
      List<RunDescriptor> history, HealthDescriptor healthReport, @Nullable SampleDescriptor sample) {}

  /**
   * What the health checks and resource rules of a process say.
   *
   * @param state the process's {@code HealthState}: UNKNOWN without checks, STARTING, HEALTHY or UNHEALTHY
   * @param healthChecks one per check, in the order of the spec
   * @param resourceRules one per rule, in the order of the spec
   */
  public record HealthDescriptor(String state, List<CheckDescriptor> healthChecks, List<RuleDescriptor> resourceRules) {}

  /**
   * One health check.
   *
   * @param name its name
   * @param role LIVENESS or READINESS
   * @param state its own {@code HealthState} in the current run
   * @param consecutiveFailures counted failures in a row
   * @param consecutivePasses passes in a row
   * @param attempts attempts with a result since the process was registered
   * @param failures failed or timed-out attempts since then
   * @param last its latest result
   */
  public record CheckDescriptor(String name, String role, String state, int consecutiveFailures, int consecutivePasses,
      long attempts, long failures, @Nullable ResultDescriptor last) {}

  /**
   * One resource rule.
   *
   * @param name its name
   * @param metric RESIDENT_MEMORY, CPU_PERCENT or FD_RATIO
   * @param limit its limit in the metric's unit (bytes, percent, ratio)
   * @param limitText the limit as a person reads it, e.g. {@code 512.0 MiB}
   * @param consecutiveAbove samples in a row above the limit in the current run
   * @param violations times it was broken since the process was registered
   * @param last its latest result
   */
  public record RuleDescriptor(String name, String metric, double limit, String limitText, int consecutiveAbove, long violations,
      @Nullable ResultDescriptor last) {}

  /**
   * The result of one attempt of a check, or one sample of a rule.
   *
   * @param status PASSED, FAILED or TIMED_OUT
   * @param message what was seen
   * @param duration how long the attempt took
   * @param at when it ended
   * @param counted whether it counted towards a threshold (failures within the start period do not)
   */
  public record ResultDescriptor(String status, @Nullable String message, String duration, String at, boolean counted) {}

  /**
   * A reading of a process tree (the process and its living descendants, summed); a figure the
   * backend cannot read is null.
   *
   * @param scope TREE
   * @param pid the root process
   * @param sampledAt when it was read
   * @param vanished whether the process ended while it was read (then no figures)
   * @param vanishedReason why it counts as vanished
   * @param processes processes in the tree
   * @param cpuTime CPU time, user plus system
   * @param cpuPercent CPU since the previous sample of this run, 100 = one core; null on the first
   * @param memoryResident resident memory, bytes
   * @param memoryVirtual virtual memory, bytes
   * @param memorySwapped swapped-out memory, bytes
   * @param openFds open file descriptors
   * @param fdLimit the lowest descriptor limit of any member
   * @param threads threads
   * @param readBytes bytes read from storage
   * @param writeBytes bytes written to storage
   * @param uptime since the oldest member started
   */
  public record SampleDescriptor(String scope, long pid, String sampledAt, boolean vanished, @Nullable String vanishedReason,
      @Nullable Long processes, @Nullable String cpuTime, @Nullable Double cpuPercent, @Nullable Long memoryResident,
      @Nullable Long memoryVirtual, @Nullable Long memorySwapped, @Nullable Long openFds, @Nullable Long fdLimit,
      @Nullable Long threads, @Nullable Long readBytes, @Nullable Long writeBytes, @Nullable String uptime) {}

  /**
   * How a run ended.
   *
   * @param cause Vigil's {@code ExitCause}
   * @param termination what the operating system reported, readable
   * @param exitCode the exit code, when the process exited
   * @param signal the signal's name, when a signal ended it
   * @param at when it ended
   * @param runDuration how long it ran
   * @param message an explanation, e.g. a missing binary
   */
  public record ExitDescriptor(String cause, String termination, @Nullable Integer exitCode, @Nullable String signal, String at,
      String runDuration, @Nullable String message) {}

  /**
   * One run.
   *
   * @param run its number, 1-based
   * @param pid its pid, when it started
   * @param startedAt when it started
   * @param endedAt when it ended
   * @param exit how it ended
   * @param timeToRecover from the crash before it to it running
   */
  public record RunDescriptor(int run, @Nullable Long pid, String startedAt, @Nullable String endedAt, @Nullable ExitDescriptor exit,
      @Nullable String timeToRecover) {}

  /**
   * Counters and means of one process.
   *
   * @param starts runs spawned
   * @param restarts restarts by the policy
   * @param restartsSucceeded restarts that reached RUNNING
   * @param restartsFailed restarts that did not
   * @param restartsPerHour restarts per hour over the time observed
   * @param meanTimeToRecover mean time from a crash to running again
   * @param meanUptime mean duration of ended runs
   */
  public record StatisticsDescriptor(long starts, long restarts, long restartsSucceeded, long restartsFailed, double restartsPerHour,
      String meanTimeToRecover, String meanUptime) {}
}
