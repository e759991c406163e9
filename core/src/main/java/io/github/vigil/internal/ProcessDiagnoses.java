package io.github.vigil.internal;

import io.github.vigil.Dependency;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.ProcessSample;
import io.github.vigil.StdStream;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.Finding;
import io.github.vigil.diagnosis.TreeMember;
import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessSampler;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The diagnoses of one supervised process: made after a run could not start or died within its
 * startup grace, once when its restart policy gave up (FAILED) after runs none of which was diagnosed, and on demand;
 * the last one kept. The engine's hooks are one call each: the subject is
 * read on the supervision thread (copies of the output tails, the spec, the run), the checks run on the
 * {@link Diagnostician}'s pool, and the result comes back to the supervision thread only to be
 * published as a {@link SupervisorEvent.Diagnosed} in order with the process's other events.
 *
 * <p>At most one automatic diagnosis per process is in flight: a run that fails again meanwhile (a
 * restart loop) is not diagnosed again until it is done, so a crash loop cannot pile up work. The
 * failure's log line is written when the cause differs from the last one logged.
 *
 * <p>Thread-safe.
 */
final class ProcessDiagnoses {
  private static final Logger log = LoggerFactory.getLogger(ProcessDiagnoses.class);

  private final DefaultSupervisor sup;
  private final ManagedProcess process;
  private final AtomicBoolean automaticInFlight = new AtomicBoolean();
  private volatile @Nullable Diagnosis last;
  private @Nullable String lastLogged; // supervision thread
  private int lastAutomaticRun = -1; // supervision thread: the run the last automatic diagnosis was made of

  ProcessDiagnoses(DefaultSupervisor sup, ManagedProcess process) {
    this.sup = sup;
    this.process = process;
  }

  Optional<Diagnosis> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Supervision thread, after the run's {@code Exited} was published: diagnoses a run that could not
   * start or died while {@code STARTING}.
   */
  void afterEnd(int run, ExitInfo exit, boolean wasStarting) {
    Diagnosis.Trigger trigger;
    if (exit.cause() == ExitCause.START_FAILED) {
      trigger = Diagnosis.Trigger.START_FAILED;
    } else if (wasStarting && exit.cause().isFailure() && exit.cause() != ExitCause.KILLED_BY_SUPERVISOR) {
      trigger = Diagnosis.Trigger.EARLY_EXIT;
    } else {
      return;
    }
    if (!automaticInFlight.compareAndSet(false, true)) {
      return; // the last failure is still being diagnosed: a crash loop is diagnosed at the pace of its checks
    }
    lastAutomaticRun = run;
    submit(subject(run, -1, exit, trigger)).whenComplete((d, e) -> automaticInFlight.set(false));
  }

  /**
   * Supervision thread, after the process's {@code Failed} was published (its restart policy gave up at its start
   * limit): diagnoses the run that ended last, once, unless an automatic diagnosis was made of that run or one is in
   * flight (it explains the same crash loop). A crash loop whose runs each outlived their startup grace (a feed that
   * fails 2 s after it started, with a grace of 1 s) had none of them diagnosed, and reached FAILED with no
   * {@code Diagnosed} at all (found by a black-box run). One per FAILED: the process leaves FAILED only by a command or
   * its group's restart (bounded by the group's intensity).
   */
  void afterGaveUp(int run, ExitInfo exit) {
    if (run == lastAutomaticRun || !automaticInFlight.compareAndSet(false, true)) {
      return;
    }
    lastAutomaticRun = run;
    submit(subject(run, -1, exit, Diagnosis.Trigger.GAVE_UP)).whenComplete((d, e) -> automaticInFlight.set(false));
  }

  /** Any thread: a diagnosis now, the subject read on the supervision thread. */
  CompletableFuture<Diagnosis> onDemand() {
    CompletableFuture<Diagnosis.Trigger> go = new CompletableFuture<>();
    CompletableFuture<Diagnosis> done = new CompletableFuture<>();
    sup.onLoop(() -> {
      long pid = process.status().pid();
      ExitInfo exit = pid > 0 ? null : process.status().lastExit();
      submit(subject(process.currentRun(), pid, exit, Diagnosis.Trigger.ON_DEMAND)).whenComplete((d, e) -> {
        if (e != null) {
          done.completeExceptionally(e);
        } else {
          done.complete(d);
        }
      });
    }, () -> done.completeExceptionally(sup.closedError("diagnose " + process.name())));
    return sup.relay(done);
  }

  private Diagnostician.Subject subject(int run, long pid, @Nullable ExitInfo exit, Diagnosis.Trigger trigger) {
    Map<String, Diagnostician.DependencyStatus> deps = new LinkedHashMap<>();
    for (Dependency d : process.spec().dependencies()) {
      ManagedProcess dep = sup.process(d.name());
      if (dep != null) {
        deps.put(d.name(), dep::status);
      }
    }
    return new Diagnostician.Subject(process.spec(), run, pid, exit, process.outputTail(StdStream.STDERR, run),
        process.outputTail(StdStream.STDOUT, run), trigger, deps);
  }

  private CompletableFuture<Diagnosis> submit(Diagnostician.Subject subject) {
    CompletableFuture<Diagnosis> published = new CompletableFuture<>();
    sup.diagnostician().submit(subject).whenComplete((d, e) -> {
      if (e != null) {
        published.completeExceptionally(e);
        return;
      }
      Diagnosis withZombies = subject.pid() > 0 ? withZombiesOrAsIs(d, subject.pid()) : d;
      sup.onLoop(() -> {
        last = withZombies;
        sup.publish(new SupervisorEvent.Diagnosed(process.name(), sup.wallNow(), withZombies.run(), withZombies));
        logOnce(withZombies);
        published.complete(withZombies);
      }, () -> published.complete(withZombies));
    });
    return published;
  }

  /** As {@link #withZombies}; the diagnosis as it is when the sampler fails, so that its future still completes. */
  private Diagnosis withZombiesOrAsIs(Diagnosis d, long pid) {
    try {
      return withZombies(d, pid);
    } catch (RuntimeException e) {
      log.atDebug().addKeyValue("process", process.name()).setCause(e)
          .log("Diagnosis of {}: cannot look for zombies under pid {}; published without", process.name(), pid);
      return d;
    }
  }

  /** Zombies under a living run, with their parents: read through the backend's sampler (diagnosis thread). */
  private Diagnosis withZombies(Diagnosis d, long pid) {
    Optional<ProcessSampler> sampler = sup.backend.sampler();
    if (sampler.isEmpty() || !sampler.get().supportedFields().contains(ProcessSample.Field.ZOMBIE_CHILDREN)) {
      return d;
    }
    ProcessSample s = sampler.get().sampleTree(pid, EnumSet.of(ProcessSample.Field.ZOMBIE_CHILDREN), null);
    if (s.vanished()) {
      return d;
    }
    List<Finding> findings = new ArrayList<>(d.findings());
    List<ProcessSample.ZombieChild> zombies = s.zombieChildren();
    if (zombies.isEmpty()) {
      findings.add(Finding.ok(Finding.Check.ZOMBIES, "no zombie under " + process.name() + " (pid " + pid + ")", List.of()));
    } else {
      Map<Long, List<ProcessSample.ZombieChild>> byParent = new LinkedHashMap<>();
      zombies.forEach(z -> byParent.computeIfAbsent(z.parentPid(), k -> new ArrayList<>()).add(z));
      for (Map.Entry<Long, List<ProcessSample.ZombieChild>> e : byParent.entrySet()) {
        long parent = e.getKey();
        String parentCmd = sup.backend.processTable().get(parent).map(ProcessEntry::arguments).filter(a -> !a.isEmpty()).orElse("?");
        List<String> ev = e.getValue().stream().map(z -> "zombie pid " + z.pid() + " (" + z.name() + "), parent pid " + z.parentPid()).toList();
        findings.add(Finding.problem(Finding.Check.ZOMBIES, Finding.Certainty.LIKELY, e.getValue().size() + " zombie"
            + (e.getValue().size() == 1 ? "" : "s") + " under " + process.name() + " not reaped by parent pid " + parent + " (`" + parentCmd + "`)", ev,
            "pid " + parent + " does not wait() for its children: fix it to reap them, or restart " + process.name()
                + (parent == pid ? "" : " (or kill pid " + parent + "; its zombies then go to a reaper)")));
      }
    }
    return new Diagnosis(d.process(), d.run(), d.trigger(), d.at(), d.took(), d.exit(), findings);
  }

  private void logOnce(Diagnosis d) {
    String headline = d.headline();
    if (d.trigger() == Diagnosis.Trigger.ON_DEMAND) {
      log.atInfo().addKeyValue("process", process.name()).log("Diagnosis of {}: {}", process.name(), headline);
      return;
    }
    // quiet logs: a WARN only for a cause found (not a mere reading of the output or exit), once per cause, and not
    // when the failed start's own line already named it (the pre-start checks of the program and working directory)
    Finding cause = d.cause().orElse(null);
    String key = cause == null ? "" : cause.check() + ": " + cause.summary();
    boolean found = cause != null && cause.certainty() != Finding.Certainty.POSSIBLE;
    boolean alreadySaid = d.trigger() == Diagnosis.Trigger.START_FAILED && cause != null
        && (cause.check() == Finding.Check.PROGRAM || cause.check() == Finding.Check.WORKING_DIRECTORY);
    if (!found || alreadySaid || key.equals(lastLogged)) {
      log.atDebug().addKeyValue("process", process.name()).log("Diagnosis of {} run {}: {}", process.name(), d.run(), headline);
      return;
    }
    lastLogged = key;
    if (d.trigger() == Diagnosis.Trigger.GAVE_UP) { // its runs came up, then failed: "could not start" would not be so
      log.atWarn().addKeyValue("process", process.name()).addKeyValue("run", d.run())
          .log("Process {} kept failing: {}", process.name(), headline);
      return;
    }
    // a run that died within its startup grace did not start either (supervisord's startsecs)
    log.atWarn().addKeyValue("process", process.name()).addKeyValue("run", d.run())
        .log("Process {} could not start: {}", process.name(), headline);
  }

  /** The living run's tree, each member with its own resources (calling thread). */
  List<TreeMember> tree() {
    long pid = process.status().pid();
    Optional<ProcessSampler> sampler = sup.backend.sampler();
    Optional<ProcessHandle> root = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    if (sampler.isEmpty() || root.isEmpty()) {
      return List.of();
    }
    Map<Long, List<ProcessHandle>> children = new LinkedHashMap<>();
    root.get().descendants().forEach(h -> h.parent().ifPresent(p -> children.computeIfAbsent(p.pid(), k -> new ArrayList<>()).add(h)));
    List<TreeMember> out = new ArrayList<>();
    walk(root.get(), 0, 0, children, sampler.get(), out);
    return out;
  }

  private void walk(ProcessHandle h, long parent, int depth, Map<Long, List<ProcessHandle>> children, ProcessSampler sampler, List<TreeMember> out) {
    ProcessSample s = sampler.sample(h.pid(), ProcessSampler.DEFAULT_FIELDS, null);
    if (!s.vanished()) {
      String cmd = sup.backend.processTable().get(h.pid()).map(ProcessEntry::arguments).orElse("");
      out.add(new TreeMember(h.pid(), parent > 0 ? parent : h.parent().map(ProcessHandle::pid).orElse(0L), depth, cmd, s));
    }
    for (ProcessHandle c : children.getOrDefault(h.pid(), List.of())) {
      walk(c, h.pid(), depth + 1, children, sampler, out);
    }
  }
}
