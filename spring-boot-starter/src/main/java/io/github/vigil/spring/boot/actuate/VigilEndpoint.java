package io.github.vigil.spring.boot.actuate;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.CheckResult;
import io.github.vigil.ExitInfo;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.HealthReport;
import io.github.vigil.HumanFormat;
import io.github.vigil.StdStream;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessOperationException;
import io.github.vigil.ProcessStatistics;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RunRecord;
import io.github.vigil.Supervisor;
import io.github.vigil.Termination;
import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The Actuator endpoint {@code vigil}: what the supervisor runs, and commands to one process.
 *
 * <ul>
 *   <li>{@code GET /actuator/vigil}: the supervisor and every process with its state, health (the
 *       state and last result of each health check and resource rule), pid, restarts, last exit,
 *       statistics, most recent runs, and a sample of its process tree read from the operating
 *       system at the request ({@link ProcessController#sample()}: CPU, memory, descriptors,
 *       threads; absent figures are {@code null}, never 0); and every attachment ({@code vigil.attach})
 *       with its state, target, matched processes, exits and a sample of them; and every supervision
 *       group ({@code vigil.groups}) with its state, strategy, intensity, parent and children in order.
 *   <li>{@code GET /actuator/vigil/{name}}: one process, attachment or group; 404 when there is none by that name, with a
 *       body that says so and names those it has (the first {@value #KNOWN_NAMES_LISTED}, and how many more), so that a
 *       typo ({@code quote_feed} for {@code quote-feed}) shows at once.
 *   <li>{@code POST /actuator/vigil/{name}/{action}} of a group: {@code start} (in declared order, with a fresh
 *       intensity count: how a group that gave up is brought back), {@code stop} or {@code restart}.
 *   <li>{@code POST /actuator/vigil/{name}/{action}}: {@code start}, {@code stop}, {@code restart},
 *       {@code enable-supervision}, {@code disable-supervision} (exits are then recorded, not acted
 *       on), or {@code check} (run every health check now); waits for the outcome (up to
 *       {@code vigil.endpoint.command-timeout}) and answers with the new status; a start or restart
 *       that waits for a dependency ({@code WAITING}) answers 202 at once, saying for what.
 * </ul>
 *
 * <p>Each process shows the last lines of its standard error and output ({@code output}, at most
 * {@code vigil.endpoint.output-lines} lines of at most {@code vigil.endpoint.output-line-length}
 * characters each; 0 lines hides them), as a start failure's reason is often only there. Durations
 * come twice: as a person reads them ({@code "uptime": "2 h 03 min"}) and as a number of seconds
 * beside ({@code "uptimeSeconds": 7380.4}).
 *
 * <p>The default access is {@link Access#READ_ONLY}: the write operations are not mapped at all
 * (404) unless the application opts in with {@code management.endpoint.vigil.access=unrestricted},
 * so exposing the endpoint never lets a stranger stop a process. When they are on, every request is
 * audited with the authenticated principal as its actor ({@code anonymous} without one): logged at
 * INFO with the keys {@code process}, {@code actor} and {@code action}, and published as a Spring
 * Boot {@code AuditApplicationEvent} of type {@code VIGIL_<ACTION>} (e.g. {@code VIGIL_RESTART}),
 * which Actuator's {@code AuditEventRepository} keeps when the application has one. Secure the
 * operations with Spring Security as any Actuator write operation. Environment variables and
 * commands are not shown: they may hold secrets.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "vigil", defaultAccess = Access.READ_ONLY)
public class VigilEndpoint {

  private static final Logger log = LoggerFactory.getLogger(VigilEndpoint.class);

  /** Most lines of each output stream shown per process, unless told otherwise. */
  public static final int DEFAULT_OUTPUT_LINES = 20;

  /** Longest output line shown, in characters, unless told otherwise; longer ones are cut with "…". */
  public static final int DEFAULT_OUTPUT_LINE_LENGTH = 500;

  /** The audit event type of a request for {@code action}: {@code VIGIL_RESTART}, {@code VIGIL_DISABLE_SUPERVISION}, .... */
  public static String auditType(String action) {
    return "VIGIL_" + action.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private final Supervisor supervisor;
  private final Set<String> critical;
  private final Duration commandTimeout;
  private final int historySize;
  private final int outputLines;
  private final int outputLineLength;
  private final @Nullable ApplicationEventPublisher events;

  /**
   * An endpoint that shows {@value #DEFAULT_OUTPUT_LINES} lines of output and publishes no audit events (it logs them).
   *
   * @param supervisor the supervisor shown
   * @param criticalProcesses names of the processes marked critical
   * @param commandTimeout how long a command waits for its outcome
   * @param historySize most recent runs listed per process
   */
  public VigilEndpoint(Supervisor supervisor, Set<String> criticalProcesses, Duration commandTimeout, int historySize) {
    this(supervisor, criticalProcesses, commandTimeout, historySize, DEFAULT_OUTPUT_LINES, DEFAULT_OUTPUT_LINE_LENGTH, null);
  }

  /**
   * @param supervisor the supervisor shown
   * @param criticalProcesses names of the processes marked critical
   * @param commandTimeout how long a command waits for its outcome
   * @param historySize most recent runs listed per process
   * @param outputLines most lines of each output stream shown per process; 0 shows none
   * @param outputLineLength longest output line shown, in characters (at least 10)
   * @param events where audit events of write operations are published; null to only log them
   */
  public VigilEndpoint(Supervisor supervisor, Set<String> criticalProcesses, Duration commandTimeout, int historySize, int outputLines,
      int outputLineLength, @Nullable ApplicationEventPublisher events) {
    this.supervisor = requireNonNull(supervisor, "supervisor");
    this.critical = Set.copyOf(criticalProcesses);
    this.commandTimeout = requireNonNull(commandTimeout, "commandTimeout");
    if (historySize < 0) {
      throw new IllegalArgumentException("historySize must not be negative: " + historySize);
    }
    if (outputLines < 0) {
      throw new IllegalArgumentException("outputLines must not be negative: " + outputLines);
    }
    if (outputLineLength < 10) {
      throw new IllegalArgumentException("outputLineLength must be at least 10: " + outputLineLength);
    }
    this.historySize = historySize;
    this.outputLines = outputLines;
    this.outputLineLength = outputLineLength;
    this.events = events;
  }

  /** The supervisor and all its processes. */
  @ReadOperation
  public SupervisorDescriptor processes() {
    return new SupervisorDescriptor(supervisor.name(), supervisor.backendName(),
        supervisor.controllers().stream().map(this::describe).toList(),
        supervisor.attachedProcesses().stream().map(VigilEndpoint::describe).toList(),
        supervisor.groups().stream().map(this::describe).toList());
  }

  /**
   * One supervised process ({@link ProcessDescriptor}), attachment ({@link AttachedDescriptor}) or group ({@link GroupDescriptor}),
   * or a 404 response whose body says no process, attachment or group has that name.
   */
  public Object process(String name) {
    return process(name, null);
  }

  /**
   * One supervised process ({@link ProcessDescriptor}), attachment ({@link AttachedDescriptor}) or group
   * ({@link GroupDescriptor}), or 404 with a body {@code {"error": "no process, attachment or group named 'x' is supervised;
   * the names it has: quote-feed, order-gateway"}} (the first {@value #KNOWN_NAMES_LISTED} names, and "and N more");
   * with {@code ?view=diagnosis} or {@code ?view=tree}, that view of a supervised process ({@link #view}).
   */
  @ReadOperation
  public Object process(@Selector String name, @Nullable String view) {
    if (view != null) {
      return view(name, view);
    }
    Optional<ProcessController> controller = supervisor.controller(name);
    if (controller.isPresent()) {
      return describe(controller.get());
    }
    Optional<GroupController> group = supervisor.group(name);
    if (group.isPresent()) {
      return describe(group.get());
    }
    Optional<AttachedDescriptor> attached = supervisor.attached(name).map(VigilEndpoint::describe);
    if (attached.isPresent()) {
      return attached.get();
    }
    List<String> known = new java.util.ArrayList<>();
    supervisor.controllers().forEach(c -> known.add(c.name()));
    supervisor.attachedProcesses().forEach(a -> known.add(a.name()));
    supervisor.groups().forEach(g -> known.add(g.name()));
    return new WebEndpointResponse<>(Map.of("error", unknown("no process, attachment or group named '" + name + "' is supervised", known)),
        WebEndpointResponse.STATUS_NOT_FOUND);
  }

  /** The most names a 404's body lists: a supervisor of a fleet may have hundreds (as the CLI's unknown process says them). */
  static final int KNOWN_NAMES_LISTED = 20;

  /**
   * What an unknown name's 404 says: {@code said}, and the names the supervisor has that the request could have meant (the
   * first {@link #KNOWN_NAMES_LISTED}, in the supervisor's order, and how many more), as the CLI says a name its journal
   * has nothing about.
   */
  static String unknown(String said, List<String> known) {
    if (known.isEmpty()) {
      return said + "; it has none";
    }
    String listed = String.join(", ", known.subList(0, Math.min(known.size(), KNOWN_NAMES_LISTED)));
    return said + "; the names it has: " + listed
        + (known.size() > KNOWN_NAMES_LISTED ? " and " + (known.size() - KNOWN_NAMES_LISTED) + " more" : "");
  }

  private GroupDescriptor describe(GroupController g) {
    GroupSpec spec = g.spec();
    List<ChildDescriptor> children = spec.children().stream().map(c -> {
      Optional<GroupController> nested = supervisor.group(c);
      if (nested.isPresent()) {
        return new ChildDescriptor(c, "group", nested.get().state().name());
      }
      return new ChildDescriptor(c, "process", supervisor.controller(c).map(p -> p.status().state().name()).orElse(null));
    }).toList();
    String parent = supervisor.groups().stream().filter(p -> p.spec().children().contains(g.name())).map(GroupController::name)
        .findFirst().orElse(null);
    return new GroupDescriptor(g.name(), g.state().name(), spec.strategy().name(), spec.intensity(), HumanFormat.period(spec.period()),
        seconds(spec.period()), parent, children);
  }

  /**
   * Starts, stops or restarts one process, turns its supervision on or off, or runs its health
   * checks now, and answers with its status; 404 for an unknown name, 400 for an unknown action.
   * Audited with the authenticated principal of {@code security} as the actor.
   */
  @WriteOperation
  public WebEndpointResponse<Object> command(@Selector String name, @Selector String action, SecurityContext security) {
    String verb = action.toLowerCase(Locale.ROOT);
    Principal principal = security.getPrincipal();
    String actor = principal != null && principal.getName() != null ? principal.getName() : "anonymous";
    Optional<ProcessController> found = supervisor.controller(name);
    Optional<GroupController> group = found.isEmpty() ? supervisor.group(name) : Optional.empty();
    if (group.isPresent()) {
      return groupCommand(group.get(), verb, action, actor);
    }
    if (found.isEmpty()) {
      audit(actor, verb, name, "no such process");
      List<String> known = new java.util.ArrayList<>();
      supervisor.controllers().forEach(p -> known.add(p.name()));
      supervisor.groups().forEach(g -> known.add(g.name()));
      return new WebEndpointResponse<>(Map.of("error", unknown("no process or group named '" + name + "'", known)),
          WebEndpointResponse.STATUS_NOT_FOUND);
    }
    ProcessController c = found.get();
    log.atInfo().addKeyValue("process", name).addKeyValue("actor", actor).addKeyValue("action", verb)
        .log("Actuator request by {}: {} process {}", actor, verb, name);
    try {
      switch (verb) {
        case "start", "restart": {
          // a start whose dependency is down is accepted and waits (WAITING) until it is back: say so at once, 202,
          // rather than wait out the command timeout and answer 500 for a start that is under way
          CompletableFuture<ProcessStatus> f = (verb.equals("start") ? c.start() : c.restart()).toCompletableFuture();
          String waitingFor = awaitOutcomeOrWaiting(c, f);
          if (waitingFor != null) {
            audit(actor, verb, name, "accepted, " + waitingFor);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", verb + " of " + name + " is " + waitingFor);
            body.put("process", describe(c));
            return new WebEndpointResponse<>(body, 202);
          }
          break;
        }
        case "stop":
          c.stop(commandTimeout);
          break;
        case "enable-supervision": // the event's actor is the calling thread, an HTTP worker: the reason names the principal
          c.setSupervised(true, "asked by " + actor + " through the actuator");
          break;
        case "disable-supervision":
          c.setSupervised(false, "asked by " + actor + " through the actuator");
          break;
        case "check":
          c.checkNow().toCompletableFuture().get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
          break;
        default:
          audit(actor, verb, name, "unknown action");
          // a body that says why: an InvalidEndpointRequestException's reason is hidden by default (a bare 400)
          return new WebEndpointResponse<>(Map.of("error", "unknown action '" + action + "' for process " + name + "; use " + ACTIONS),
              WebEndpointResponse.STATUS_BAD_REQUEST);
      }
    } catch (ProcessOperationException | TimeoutException | ExecutionException e) {
      String why = e instanceof TimeoutException ? "no outcome within " + HumanFormat.duration(commandTimeout)
          : e instanceof ExecutionException && e.getCause() != null ? String.valueOf(e.getCause().getMessage()) : String.valueOf(e.getMessage());
      audit(actor, verb, name, "failed: " + why);
      return new WebEndpointResponse<>(Map.of("error", why, "process", describe(c)), WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      audit(actor, verb, name, "interrupted");
      return new WebEndpointResponse<>(Map.of("error", "interrupted", "process", describe(c)), WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
    }
    audit(actor, verb, name, "done");
    return new WebEndpointResponse<>(describe(c), WebEndpointResponse.STATUS_OK);
  }

  private static final String ACTIONS = "start, stop, restart, enable-supervision, disable-supervision or check";
  private static final String GROUP_ACTIONS = "start, stop or restart";

  /**
   * Starts (in declared order, with a fresh intensity count: how a group that gave up is brought back), stops or
   * restarts a group, waiting at most the command timeout; answers with the group. It answered 404 "no process named".
   */
  private WebEndpointResponse<Object> groupCommand(GroupController g, String verb, String action, String actor) {
    log.atInfo().addKeyValue("process", g.name()).addKeyValue("actor", actor).addKeyValue("action", verb)
        .log("Actuator request by {}: {} group {}", actor, verb, g.name());
    java.util.function.Supplier<java.util.concurrent.CompletionStage<Void>> command = switch (verb) {
      case "start" -> g::start;
      case "stop" -> g::stop;
      case "restart" -> () -> g.stop().thenCompose(v -> g.start());
      default -> null;
    };
    if (command == null) {
      audit(actor, verb, "group", g.name(), "unknown action for a group");
      return new WebEndpointResponse<>(Map.of("error", "unknown action '" + action + "' for group " + g.name() + "; a group takes "
          + GROUP_ACTIONS), WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    try {
      command.get().toCompletableFuture().get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      String why = e instanceof TimeoutException ? "no outcome within " + HumanFormat.duration(commandTimeout)
          : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      audit(actor, verb, "group", g.name(), "failed: " + why);
      return new WebEndpointResponse<>(Map.of("error", why, "group", describe(g)), WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      audit(actor, verb, "group", g.name(), "interrupted");
      return new WebEndpointResponse<>(Map.of("error", "interrupted", "group", describe(g)), WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
    }
    audit(actor, verb, "group", g.name(), "done");
    return new WebEndpointResponse<>(describe(g), WebEndpointResponse.STATUS_OK);
  }

  /**
   * Waits at most the command timeout for {@code f}; null once it completed (its failure thrown), or what the process
   * waits for once it is WAITING for a dependency.
   *
   * @throws TimeoutException when neither happened within the command timeout
   */
  private @Nullable String awaitOutcomeOrWaiting(ProcessController c, CompletableFuture<ProcessStatus> f)
      throws TimeoutException, ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    while (true) {
      try {
        f.get(Math.min(20_000_000L, Math.max(1, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
        return null;
      } catch (TimeoutException e) {
        ProcessStatus st = c.status();
        if (st.state() == io.github.vigil.ProcessState.WAITING) {
          return st.detail().isEmpty() ? "waiting for a dependency" : st.detail();
        }
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
    }
  }

  private void audit(String actor, String action, String process, String outcome) {
    audit(actor, action, "process", process, outcome);
  }

  /** The audit of a command on a process or a group ({@code kind}); the key and the event's data say {@code process}. */
  private void audit(String actor, String action, String kind, String process, String outcome) {
    log.atInfo().addKeyValue("process", process).addKeyValue("actor", actor).addKeyValue("action", action)
        .log("Audit: {} asked to {} {} {}: {}", actor, action, kind, process, outcome);
    if (events != null) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("process", process);
      data.put("action", action);
      data.put("outcome", outcome);
      events.publishEvent(new org.springframework.boot.actuate.audit.listener.AuditApplicationEvent(actor, auditType(action), data));
    }
  }

  private ProcessDescriptor describe(ProcessController c) {
    ProcessStatus s = c.status();
    List<RunRecord> history = c.history();
    List<RunDescriptor> runs = history.subList(Math.max(0, history.size() - historySize), history.size()).stream()
        .map(VigilEndpoint::describe).toList();
    ProcessStatistics st = c.statistics();
    boolean hourObserved = st.observed().compareTo(Duration.ofHours(1)) >= 0;
    String rate = hourObserved ? HumanFormat.rate(st.restarts(), st.observed())
        : HumanFormat.count(st.restarts(), "restart", "restarts") + " in " + HumanFormat.duration(st.observed()) + " (a rate once an hour has been observed)";
    return new ProcessDescriptor(s.name(), s.state().name(), s.health().name(), s.pid() > 0 ? s.pid() : null,
        critical.contains(s.name()), s.supervised(), s.started().map(Object::toString).orElse(null),
        s.state().isActive() ? HumanFormat.duration(s.uptime()) : null, s.state().isActive() ? seconds(s.uptime()) : null,
        s.restarts(), s.detail().isEmpty() ? null : s.detail(),
        s.lastExit() != null ? describe(s.lastExit()) : null, output(c), c.spec().labels(),
        c.spec().dependencies().stream().map(d -> d.name()).toList(),
        new StatisticsDescriptor(st.starts(), st.restarts(), st.restartsSucceeded(), st.restartsFailed(),
            hourObserved ? st.restartsPerHour() : null, rate, seconds(st.observed()),
            // none yet is null, not "0 ns"
            st.restartsSucceeded() > 0 ? HumanFormat.duration(st.meanTimeToRecover()) : null,
            st.restartsSucceeded() > 0 ? seconds(st.meanTimeToRecover()) : null,
            st.meanUptime().isZero() ? null : HumanFormat.duration(st.meanUptime()), st.meanUptime().isZero() ? null : seconds(st.meanUptime())),
        runs, describe(c.health()), c.sample().map(VigilEndpoint::describe).orElse(null));
  }

  /** The last lines of both streams, bounded; null when output is not shown. */
  private @Nullable OutputDescriptor output(ProcessController c) {
    if (outputLines == 0) {
      return null;
    }
    return new OutputDescriptor(tail(c.outputTail(StdStream.STDERR)), tail(c.outputTail(StdStream.STDOUT)), outputLines);
  }

  private List<String> tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - outputLines), lines.size()).stream()
        .map(l -> l.length() <= outputLineLength ? l : l.substring(0, outputLineLength - 1) + "…").toList();
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
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
            r.state().name(), r.breachedAt() != null ? r.breachedAt().toString() : null,
            r.consecutiveAbove(), r.violations(), r.last().map(VigilEndpoint::describe).orElse(null))).toList());
  }

  private static ResultDescriptor describe(CheckResult r) {
    return new ResultDescriptor(r.status().name(), r.message().isEmpty() ? null : r.message(), HumanFormat.duration(r.duration()),
        seconds(r.duration()), r.at().toString(), r.counted());
  }

  private static SampleDescriptor describe(ProcessSample s) {
    if (s.vanished()) {
      return new SampleDescriptor(s.scope().name(), s.pid(), s.sampledAt().toString(), true, s.vanishedReason().orElse(null),
          null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
    return new SampleDescriptor(s.scope().name(), s.pid(), s.sampledAt().toString(), false, null,
        boxed(s.processes()), s.cpuTotal().map(HumanFormat::duration).orElse(null), s.cpuTotal().map(VigilEndpoint::seconds).orElse(null),
        s.cpuPercent().isPresent() ? s.cpuPercent().getAsDouble() : null,
        boxed(s.memoryResident()), boxed(s.memoryVirtual()), boxed(s.memorySwapped()), boxed(s.openFds()), boxed(s.fdLimit()),
        boxed(s.threads()), boxed(s.readBytes()), boxed(s.writeBytes()), s.uptime().map(HumanFormat::duration).orElse(null),
        s.uptime().map(VigilEndpoint::seconds).orElse(null));
  }

  private static @Nullable Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static RunDescriptor describe(RunRecord r) {
    return new RunDescriptor(r.run(), r.pid() > 0 ? r.pid() : null, r.startedAt().toString(),
        r.ended().map(Object::toString).orElse(null), r.exit() != null ? describe(r.exit()) : null,
        r.recovery().map(HumanFormat::duration).orElse(null), r.recovery().map(VigilEndpoint::seconds).orElse(null));
  }

  private static ExitDescriptor describe(ExitInfo e) {
    Integer code = e.exitCode().isPresent() ? e.exitCode().getAsInt() : null;
    String signal = e.termination() instanceof Termination.Signaled sig ? sig.name() : null;
    return new ExitDescriptor(e.cause().name(), e.termination().toString(), code, signal, e.at().toString(),
        HumanFormat.duration(e.runDuration()), seconds(e.runDuration()), e.message().isEmpty() ? null : e.message());
  }

  /**
   * The supervisor and its processes.
   *
   * @param name the supervisor's name
   * @param backend the backend in use
   * @param processes every process, in registration order
   * @param attached every attachment (processes Vigil watches but did not start), in the order they were made
   * @param groups every supervision group, in registration order (a nested group before the group that contains it)
   */
  public record SupervisorDescriptor(String name, String backend, List<ProcessDescriptor> processes,
      List<AttachedDescriptor> attached, List<GroupDescriptor> groups) {}

  /**
   * A supervision group ({@code vigil.groups}).
   *
   * @param name its name
   * @param state its {@code GroupState}: STOPPED, RUNNING, ESCALATED or FAILED
   * @param strategy ONE_FOR_ONE, ONE_FOR_ALL or REST_FOR_ONE
   * @param intensity the most restarts of its children within {@code period}
   * @param period the window of the intensity, as a person reads it
   * @param periodSeconds the same in seconds
   * @param parent the group it is a child of; null at the top
   * @param children its children in start order, each with its kind ({@code process} or {@code group}) and state
   */
  public record GroupDescriptor(String name, String state, String strategy, int intensity, String period, double periodSeconds,
      @Nullable String parent, List<ChildDescriptor> children) {}

  /**
   * A child of a group.
   *
   * @param name its name
   * @param kind {@code process} or {@code group}
   * @param state its {@code ProcessState} or {@code GroupState}; null when the supervisor no longer has it
   */
  public record ChildDescriptor(String name, String kind, @Nullable String state) {}

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
   * @param labels its labels (free-form, as a supervised process's, e.g. {@code type})
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
   * One process. Instants are ISO-8601 ({@code 2025-01-02T08:00:00Z}); durations are given as a
   * person reads them ({@code 4.85 s}, {@code 2 h 03 min}) with the seconds as a number beside.
   *
   * @param name its name
   * @param state its {@code ProcessState}
   * @param health its {@code HealthState}
   * @param pid the live pid, if any
   * @param critical whether its failure takes the application's health down
   * @param supervised whether exits are acted on
   * @param startedAt start of the current or last run
   * @param uptime of the current run, e.g. {@code 2 h 03 min}
   * @param uptimeSeconds the same in seconds
   * @param restarts restarts since it was registered
   * @param detail why it is in its state
   * @param lastExit how the last run ended
   * @param output the last lines of its standard error and output; null when not shown
   * @param labels the spec's labels
   * @param dependsOn the processes it depends on
   * @param statistics counters and means
   * @param history most recent runs, oldest first
   * @param healthReport what its health checks and resource rules say
   * @param sample its process tree as the operating system shows it now; null when no run is alive
   *     or the backend has no sampler
   */
  public record ProcessDescriptor(String name, String state, String health, @Nullable Long pid, boolean critical,
      boolean supervised, @Nullable String startedAt, @Nullable String uptime, @Nullable Double uptimeSeconds, int restarts, @Nullable String detail,
      @Nullable ExitDescriptor lastExit, @Nullable OutputDescriptor output, Map<String, String> labels, List<String> dependsOn,
      StatisticsDescriptor statistics, List<RunDescriptor> history, HealthDescriptor healthReport, @Nullable SampleDescriptor sample) {}

  /**
   * The last lines a process wrote, as kept in memory (its {@code output.tail-lines}), bounded.
   *
   * @param stderr the last lines of standard error, oldest first
   * @param stdout the last lines of standard output, oldest first
   * @param maxLines most lines shown per stream
   */
  public record OutputDescriptor(List<String> stderr, List<String> stdout, int maxLines) {}

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
   * @param limitText the limit as a person reads it, e.g. {@code 512 MiB}
   * @param state UNKNOWN (not read yet, or not readable), WITHIN, ABOVE (fewer samples in a row than
   *     break it) or BREACHED (broken, and not back within the limit yet)
   * @param breachedAt when it was broken, while BREACHED
   * @param consecutiveAbove samples in a row above the limit in the current run
   * @param violations times it was broken since the process was registered
   * @param last its latest result
   */
  public record RuleDescriptor(String name, String metric, double limit, String limitText, String state, @Nullable String breachedAt,
      int consecutiveAbove, long violations, @Nullable ResultDescriptor last) {}

  /**
   * The result of one attempt of a check, or one sample of a rule.
   *
   * @param status PASSED, FAILED or TIMED_OUT
   * @param message what was seen
   * @param duration how long the attempt took, e.g. {@code 1.25 ms}
   * @param durationSeconds the same in seconds
   * @param at when it ended
   * @param counted whether it counted towards a threshold (failures within the start period do not)
   */
  public record ResultDescriptor(String status, @Nullable String message, String duration, double durationSeconds, String at,
      boolean counted) {}

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
   * @param cpuTime CPU time, user plus system, e.g. {@code 1 min 05 s}
   * @param cpuTimeSeconds the same in seconds
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
   * @param uptimeSeconds the same in seconds
   */
  public record SampleDescriptor(String scope, long pid, String sampledAt, boolean vanished, @Nullable String vanishedReason,
      @Nullable Long processes, @Nullable String cpuTime, @Nullable Double cpuTimeSeconds, @Nullable Double cpuPercent, @Nullable Long memoryResident,
      @Nullable Long memoryVirtual, @Nullable Long memorySwapped, @Nullable Long openFds, @Nullable Long fdLimit,
      @Nullable Long threads, @Nullable Long readBytes, @Nullable Long writeBytes, @Nullable String uptime,
      @Nullable Double uptimeSeconds) {}

  /**
   * How a run ended.
   *
   * @param cause Vigil's {@code ExitCause}
   * @param termination what the operating system reported, readable
   * @param exitCode the exit code, when the process exited
   * @param signal the signal's name, when a signal ended it
   * @param at when it ended
   * @param runDuration how long it ran, e.g. {@code 4.85 s}
   * @param runDurationSeconds the same in seconds
   * @param message an explanation, e.g. a missing binary
   */
  public record ExitDescriptor(String cause, String termination, @Nullable Integer exitCode, @Nullable String signal, String at,
      String runDuration, double runDurationSeconds, @Nullable String message) {}

  /**
   * One run.
   *
   * @param run its number, 1-based
   * @param pid its pid, when it started
   * @param startedAt when it started
   * @param endedAt when it ended
   * @param exit how it ended
   * @param timeToRecover from the crash before it to it running
   * @param timeToRecoverSeconds the same in seconds
   */
  public record RunDescriptor(int run, @Nullable Long pid, String startedAt, @Nullable String endedAt, @Nullable ExitDescriptor exit,
      @Nullable String timeToRecover, @Nullable Double timeToRecoverSeconds) {}

  /**
   * Counters and means of one process. A rate is given only over a window it was observed for.
   *
   * @param starts runs spawned
   * @param restarts restarts by the policy
   * @param restartsSucceeded restarts that reached RUNNING
   * @param restartsFailed restarts that did not
   * @param restartsPerHour restarts per hour since the process was registered; null until an hour has
   *     been observed (never extrapolated from less)
   * @param restartRate the same as a person reads it, with its window, e.g.
   *     {@code 6 per hour over the last 1 h}, or the count and time before an hour
   * @param observedSeconds how long the statistics cover
   * @param meanTimeToRecover mean time from a crash to running again
   * @param meanTimeToRecoverSeconds the same in seconds
   * @param meanUptime mean duration of ended runs
   * @param meanUptimeSeconds the same in seconds
   */
  public record StatisticsDescriptor(long starts, long restarts, long restartsSucceeded, long restartsFailed,
      @Nullable Double restartsPerHour, String restartRate, double observedSeconds, @Nullable String meanTimeToRecover,
      @Nullable Double meanTimeToRecoverSeconds, @Nullable String meanUptime, @Nullable Double meanUptimeSeconds) {}

  // --- diagnosis and tree (issue #17): GET /actuator/vigil/{name}?view=diagnosis, GET /actuator/vigil/{name}?view=tree ---

  /**
   * A view of one process: {@code diagnosis} runs a diagnosis now (its checks off the supervision
   * thread, waiting at most the command timeout; see {@link ProcessController#diagnose()}) and answers
   * with its findings, the most likely cause first; {@code tree} answers with the living run's process
   * tree, each member with its own resources. 404 for an unknown process or view.
   */
  public WebEndpointResponse<Object> view(String name, String view) {
    Optional<ProcessController> found = supervisor.controller(name);
    if (found.isEmpty()) {
      return new WebEndpointResponse<>(Map.of("error", unknown("no process named '" + name + "'",
          supervisor.controllers().stream().map(ProcessController::name).toList())), WebEndpointResponse.STATUS_NOT_FOUND);
    }
    ProcessController c = found.get();
    switch (view.toLowerCase(Locale.ROOT)) {
      case "diagnosis":
        try {
          return new WebEndpointResponse<>(describe(c.diagnose().get(commandTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)));
        } catch (java.util.concurrent.TimeoutException e) {
          Object last = c.lastDiagnosis().map(VigilEndpoint::describe).orElse(null);
          Map<String, Object> body = new java.util.LinkedHashMap<>();
          body.put("error", "diagnosis of '" + name + "' took longer than " + io.github.vigil.HumanFormat.duration(commandTimeout));
          body.put("lastDiagnosis", last);
          return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new WebEndpointResponse<>(Map.of("error", "interrupted"), WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        } catch (java.util.concurrent.ExecutionException e) {
          return new WebEndpointResponse<>(Map.of("error", String.valueOf(e.getCause())), WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
      case "tree":
        return new WebEndpointResponse<>(c.tree().stream()
            .map(m -> new TreeMemberDescriptor(m.pid(), m.parentPid(), m.depth(), m.commandLine(), describe(m.sample()))).toList());
      default:
        return new WebEndpointResponse<>(Map.of("error", "no view '" + view + "' (diagnosis, tree)"), WebEndpointResponse.STATUS_NOT_FOUND);
    }
  }

  private static DiagnosisDescriptor describe(io.github.vigil.diagnosis.Diagnosis d) {
    return new DiagnosisDescriptor(d.process(), d.run(), d.trigger().name(), d.at().toString(), io.github.vigil.HumanFormat.duration(d.took()),
        d.headline(), d.findings().stream().map(f -> new FindingDescriptor(f.check().name(), f.status().name(), f.certainty().name(),
            f.summary(), f.evidence(), f.fix())).toList());
  }

  /**
   * A diagnosis: its findings, the most likely cause first.
   *
   * @param process the process
   * @param run the run it is about (0 if none)
   * @param trigger {@code START_FAILED}, {@code EARLY_EXIT}, {@code GAVE_UP} or {@code ON_DEMAND}
   * @param at when it was made
   * @param took how long its checks took
   * @param headline the cause and its fix in one line
   * @param findings every finding, in order
   */
  public record DiagnosisDescriptor(String process, int run, String trigger, String at, String took, String headline,
      List<FindingDescriptor> findings) {}

  /**
   * One finding of a diagnosis.
   *
   * @param check what was checked
   * @param status {@code PROBLEM}, {@code UNKNOWN} or {@code OK}
   * @param certainty for a problem, how directly the evidence shows it
   * @param summary what was found
   * @param evidence values, paths, pids and output lines it rests on
   * @param fix what to do; empty when fine
   */
  public record FindingDescriptor(String check, String status, String certainty, String summary, List<String> evidence, String fix) {}

  /**
   * A member of a process tree with its own resources.
   *
   * @param pid its pid
   * @param parentPid its parent's pid
   * @param depth 0 for the supervised process
   * @param commandLine its command line
   * @param sample its resources
   */
  public record TreeMemberDescriptor(long pid, long parentPid, int depth, String commandLine, SampleDescriptor sample) {}
}
