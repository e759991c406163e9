package io.github.vigil.spring.boot.actuate;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ExitInfo;
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
 *   <li>{@code GET /actuator/vigil}: the supervisor and every process with its state, health, pid,
 *       restarts, last exit, statistics and most recent runs.
 *   <li>{@code GET /actuator/vigil/{name}}: one process; 404 when there is none by that name.
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
        supervisor.controllers().stream().map(this::describe).toList());
  }

  /** One process, or 404. */
  @ReadOperation
  public @Nullable ProcessDescriptor process(@Selector String name) {
    return supervisor.controller(name).map(this::describe).orElse(null);
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
        runs);
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
   */
  public record SupervisorDescriptor(String name, String backend, List<ProcessDescriptor> processes) {}

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
   */
  public record ProcessDescriptor(String name, String state, String health, @Nullable Long pid, boolean critical,
      boolean supervised, @Nullable String startedAt, String uptime, int restarts, @Nullable String detail,
      @Nullable ExitDescriptor lastExit, Map<String, String> labels, List<String> dependsOn, StatisticsDescriptor statistics,
      List<RunDescriptor> history) {}

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
