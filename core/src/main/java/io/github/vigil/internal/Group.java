package io.github.vigil.internal;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.Origin;
import io.github.vigil.SupervisorEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervision group ({@link GroupSpec}): Erlang/OTP's strategies and intensity over processes and
 * nested groups. Its decisions run on the supervision thread, called from a child's end
 * ({@link #childEnded}); stops and starts of children are the children's own commands, chained on
 * their internal futures, so nothing here blocks.
 */
final class Group implements GroupController {
  private static final Logger log = LoggerFactory.getLogger(Group.class);

  private final DefaultSupervisor sup;
  private final GroupSpec spec;
  private final List<Object> children; // ManagedProcess or Group, in declared order
  private @Nullable Group parent; // set once, under the supervisor's lock, before the group is used
  private final ArrayDeque<Long> restarts = new ArrayDeque<>(); // supervision thread
  private volatile GroupState state = GroupState.STOPPED;
  /**
   * Stops of this group begun (its own, an escalation's, an enclosing group's restart's): a restart or a start in
   * declared order begun before one is superseded, and starts nothing more; an escalation overtaken by one is not
   * reported to the parent. As OTP, where a supervisor terminated by its parent does no more of its own restart.
   * Written on the supervision thread.
   */
  private volatile long stopsBegun;

  Group(DefaultSupervisor sup, GroupSpec spec, List<Object> children) {
    this.sup = sup;
    this.spec = spec;
    this.children = List.copyOf(children);
  }

  void parent(Group p) {
    this.parent = p;
  }

  @Nullable Group parent() {
    return parent;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public GroupSpec spec() {
    return spec;
  }

  @Override
  public GroupState state() {
    return state;
  }

  @Override
  public CompletionStage<Void> start() {
    if (sup.isClosed()) {
      return CompletableFuture.failedFuture(sup.closedError("start of group '" + name() + "'"));
    }
    return sup.relay(startInOrder(Origin.API, "group " + name() + " started"));
  }

  @Override
  public CompletionStage<Void> stop() {
    if (sup.isClosed()) {
      return CompletableFuture.failedFuture(sup.closedError("stop of group '" + name() + "'"));
    }
    return sup.relay(stopInOrder(Origin.API, "group " + name() + " stopped", GroupState.STOPPED));
  }

  /** Starts the children in declared order, each once the one before is running; a fresh intensity count. */
  CompletableFuture<Void> startInOrder(Origin origin, String reason) {
    return startInOrder(origin, reason, null);
  }

  /**
   * As {@link #startInOrder(Origin, String)}. A child a command stops once the start has begun (or,
   * for a restart by a group, once the failure behind it happened: {@code stopsBefore}) is left
   * stopped: each process's {@link ManagedProcess#commandStops()} then is kept.
   */
  private CompletableFuture<Void> startInOrder(Origin origin, String reason, java.util.@Nullable Map<ManagedProcess, Long> stopsBefore) {
    TreeStart s = new TreeStart(new Tree(this, false), origin, reason, stopsBefore);
    s.run();
    return s.done;
  }

  /**
   * A group's tree, walked once with a stack of its own (not by recursion: a start or a stop of groups nested tens of
   * thousands deep went as deep on the thread's stack, and each nested group walked its own tree again, quadratic): its
   * groups and processes in pre-order, in declared order or with each group's children reversed ({@code reversed}, a
   * stop's order), each group's processes (nested groups' included, in declared order) a range of one list.
   * Immutable once built, as the groups' children are.
   */
  private static final class Tree {
    final List<Object> nodes = new ArrayList<>(); // ManagedProcess or Group; nodes.get(0) is the root
    int[] end = new int[16]; // the index after node i's subtree
    int[] membersFrom = new int[16]; // a group node's processes: members.subList(membersFrom[i], membersTo[i])
    int[] membersTo = new int[16];
    final List<ManagedProcess> members = new ArrayList<>(); // declared order

    Tree(Group root, boolean reversed) {
      ArrayDeque<Integer> open = new ArrayDeque<>(); // node indices of the groups on the path
      ArrayDeque<java.util.Iterator<Object>> stack = new ArrayDeque<>();
      add(root);
      open.push(0);
      stack.push(root.childrenIn(reversed));
      while (!stack.isEmpty()) {
        java.util.Iterator<Object> next = stack.peek();
        if (!next.hasNext()) {
          stack.pop();
          close(open.pop());
          continue;
        }
        Object c = next.next();
        int i = add(c);
        if (c instanceof Group g) {
          open.push(i);
          stack.push(g.childrenIn(reversed));
        } else {
          end[i] = i + 1;
        }
      }
      if (reversed) { // a stop's processes are held in any order, but the ranges are kept in declared order all the same
        java.util.Collections.reverse(members);
        for (int i = 0; i < nodes.size(); i++) {
          int from = members.size() - membersTo[i];
          membersTo[i] = members.size() - membersFrom[i];
          membersFrom[i] = from;
        }
      }
    }

    private int add(Object c) {
      int i = nodes.size();
      if (i == end.length) {
        end = java.util.Arrays.copyOf(end, i * 2);
        membersFrom = java.util.Arrays.copyOf(membersFrom, i * 2);
        membersTo = java.util.Arrays.copyOf(membersTo, i * 2);
      }
      nodes.add(c);
      if (c instanceof ManagedProcess p) {
        membersFrom[i] = members.size();
        members.add(p);
        membersTo[i] = members.size();
      } else {
        membersFrom[i] = members.size();
      }
      return i;
    }

    private void close(int i) {
      end[i] = nodes.size();
      membersTo[i] = members.size();
    }

    /** The processes of the group at node {@code i}, nested groups' included, in declared order. */
    List<ManagedProcess> membersOf(int i) {
      return members.subList(membersFrom[i], membersTo[i]);
    }
  }

  private java.util.Iterator<Object> childrenIn(boolean reversed) {
    return reversed ? reverse(children).iterator() : children.iterator();
  }

  /**
   * A start of a group's tree in declared order, one step at a time: each group's start ({@link #beginStart}, on the
   * supervision thread) before its children, each child after the one before it succeeded, a group's child only while
   * that group was not stopped since its start began; the first failure ends it, and the members of the groups it was in
   * stop waiting for their turn. The order of a start in which each nested group's start was its parent's step, without
   * the depth: a step that completes at once is followed by the next in a loop, one that completes later resumes the walk.
   * Its steps are one after another, never two at once: its fields are the walk's, each step handed over with the future
   * it waits for.
   */
  private final class TreeStart {
    final Tree tree;
    final Origin origin;
    final String reason;
    java.util.@Nullable Map<ManagedProcess, Long> stops;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int at; // the next node
    int depth; // open groups: node index and stopsBegun at their start's beginning
    int[] openNode = new int[8];
    long[] openStopsThen = new long[8];

    TreeStart(Tree tree, Origin origin, String reason, java.util.@Nullable Map<ManagedProcess, Long> stopsBefore) {
      this.tree = tree;
      this.origin = origin;
      this.reason = reason;
      this.stops = stopsBefore;
    }

    void run() {
      while (true) {
        while (depth > 0 && tree.end[openNode[depth - 1]] <= at) {
          depth--; // every child of the group started: its start is done
        }
        if (at == tree.nodes.size()) {
          done.complete(null);
          return;
        }
        int i = at;
        if (depth > 0) {
          Group g = (Group) tree.nodes.get(openNode[depth - 1]);
          if (g.stopsBegun != openStopsThen[depth - 1]) { // a stop of its group meanwhile supersedes the start: not started
            at = tree.end[i];
            continue;
          }
        }
        CompletableFuture<?> step;
        try {
          step = tree.nodes.get(i) instanceof ManagedProcess p ? startProcess(p) : beginGroup(i);
        } catch (RuntimeException | Error e) {
          step = CompletableFuture.failedFuture(e);
        }
        at = i + 1;
        if (!step.isDone()) {
          step.whenComplete((v, e) -> {
            if (e != null) {
              fail(e);
            } else {
              run();
            }
          });
          return;
        }
        if (step.isCompletedExceptionally()) {
          step.whenComplete((v, e) -> fail(e));
          return;
        }
      }
    }

    private CompletableFuture<?> startProcess(ManagedProcess p) {
      Long then = stops.get(p);
      return then == null ? p.startInternal(origin, reason) : p.startUnlessStoppedSince(then, origin, reason);
    }

    /** The start of the group at node {@code i} begins, on the supervision thread; then its children are next. */
    private CompletableFuture<Void> beginGroup(int i) {
      Group g = (Group) tree.nodes.get(i);
      CompletableFuture<Void> begun = new CompletableFuture<>();
      sup.onLoop(() -> {
        long stopsThen = g.stopsBegun;
        g.moveTo(GroupState.RUNNING, origin, reason);
        g.restarts.clear();
        if (stops == null) {
          stops = sup.commandStopsNow();
        }
        // the members after the first wait for their turn: WAITING, saying for whom, not STOPPED with no word of why
        List<ManagedProcess> members = tree.membersOf(i);
        for (int k = 1; k < members.size(); k++) {
          ManagedProcess p = members.get(k);
          Long then = stops.get(p);
          if (then == null || then == p.commandStops()) { // one a command stopped since is left stopped
            p.awaitTurn(g, members.get(k - 1).name(), origin);
          }
        }
        open(i, stopsThen);
        begun.complete(null);
      }, () -> begun.completeExceptionally(sup.closedError("start of group '" + g.name() + "'")), begun::completeExceptionally);
      return begun;
    }

    private void open(int node, long stopsThen) {
      if (depth == openNode.length) {
        openNode = java.util.Arrays.copyOf(openNode, depth * 2);
        openStopsThen = java.util.Arrays.copyOf(openStopsThen, depth * 2);
      }
      openNode[depth] = node;
      openStopsThen[depth] = stopsThen;
      depth++;
    }

    /** A step failed: the start ends, and the members of each group it was in that it did not reach stop waiting. */
    private void fail(Throwable e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      String message = messageOf(cause);
      for (int d = depth - 1; d >= 0; d--) { // the innermost group's first, as its start's failure came first
        int node = openNode[d];
        Group g = (Group) tree.nodes.get(node);
        List<ManagedProcess> members = tree.membersOf(node);
        String why = "group " + g.name() + "'s start did not reach it: " + message;
        sup.onLoop(() -> members.forEach(p -> p.turnLost(g, why)), () -> { });
      }
      done.completeExceptionally(cause);
    }
  }

  private static String messageOf(Throwable e) {
    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  /**
   * Its processes, nested groups' included, in declared order. Walked with a stack of its own, not by recursion: groups
   * nested tens of thousands deep went as deep on the thread's stack (in a {@code startAll()}).
   */
  List<ManagedProcess> processes() {
    List<ManagedProcess> out = new ArrayList<>();
    java.util.ArrayDeque<java.util.Iterator<Object>> stack = new java.util.ArrayDeque<>();
    stack.push(children.iterator());
    while (!stack.isEmpty()) {
      java.util.Iterator<Object> next = stack.peek();
      if (!next.hasNext()) {
        stack.pop();
        continue;
      }
      Object c = next.next();
      if (c instanceof ManagedProcess p) {
        out.add(p);
      } else {
        stack.push(((Group) c).children.iterator());
      }
    }
    return out;
  }

  /** Takes {@code to}, with its event: the audit log has every transition, a group's too. Supervision thread. */
  private void moveTo(GroupState to, Origin origin, String reason) {
    GroupState from = state;
    state = to;
    if (from != to) {
      sup.publish(new SupervisorEvent.GroupStateChanged(name(), sup.wallNow(), from, to, origin, reason));
    }
  }

  /** Stops the children in reverse order (each after the one after it), then takes {@code end}. */
  CompletableFuture<Void> stopInOrder(Origin origin, String reason, GroupState end) {
    return stopInOrder(origin, reason, end, new CompletableFuture<>());
  }

  /**
   * As {@link #stopInOrder(Origin, String, GroupState)}; {@code begunAt} gets {@link #stopsBegun} once the stop has begun.
   * From its beginning every process of the group, nested groups' included, is held until the stop reaches it
   * ({@link ManagedProcess#holdForGroupStop}): one that ends meanwhile, or whose backoff ends, is not restarted by its
   * policy nor counted by its group; it was, and spawned to be stopped again. Each nested group's stop begins when the
   * stop reaches it (after the children declared after it), {@code STOPPED}, and holds its processes again.
   */
  private CompletableFuture<Void> stopInOrder(Origin origin, String reason, GroupState end, CompletableFuture<Long> begunAt) {
    TreeStop s = new TreeStop(new Tree(this, true), origin, reason, end, begunAt);
    s.run();
    return s.done;
  }

  /**
   * A stop of a group's tree, one step at a time: each group's stop begins ({@code STOPPED}, its processes held, on the
   * supervision thread) before its children are stopped in reverse order, each after the one after it, whatever became of
   * that one. The order of a stop in which each nested group's stop was its parent's step, without the depth. Its steps
   * are one after another, never two at once.
   */
  private final class TreeStop {
    final Tree tree;
    final Origin origin;
    final String reason;
    final GroupState rootEnd;
    final CompletableFuture<Long> begunAt;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int at;

    TreeStop(Tree tree, Origin origin, String reason, GroupState rootEnd, CompletableFuture<Long> begunAt) {
      this.tree = tree;
      this.origin = origin;
      this.reason = reason;
      this.rootEnd = rootEnd;
      this.begunAt = begunAt;
    }

    void run() {
      while (at < tree.nodes.size()) {
        int i = at++;
        CompletableFuture<?> step;
        try {
          step = tree.nodes.get(i) instanceof ManagedProcess p ? p.stopInternal(origin, reason) : beginGroup(i);
        } catch (RuntimeException | Error e) {
          log.atError().addKeyValue("process", nameOf(tree.nodes.get(i))).log("Group {}: stopping {} failed", name(), nameOf(tree.nodes.get(i)), e);
          continue;
        }
        if (!step.isDone()) {
          step.whenComplete((v, e) -> run()); // the next whatever became of this one
          return;
        }
      }
      done.complete(null);
    }

    private CompletableFuture<Void> beginGroup(int i) {
      Group g = (Group) tree.nodes.get(i);
      CompletableFuture<Void> begun = new CompletableFuture<>();
      sup.onLoop(() -> {
        g.stopsBegun++;
        tree.membersOf(i).forEach(ManagedProcess::holdForGroupStop);
        g.moveTo(i == 0 ? rootEnd : GroupState.STOPPED, origin, reason);
        if (i == 0) {
          begunAt.complete(g.stopsBegun);
        }
        begun.complete(null);
      }, () -> begun.complete(null), e -> begun.complete(null)); // failed or not, the stop goes on to the children
      return begun;
    }
  }

  /**
   * A {@code stopAll()} or {@code close()} has begun, which stops every process (dependents first, not in the groups'
   * order): this group and its nested groups (each after the group around it) are {@code STOPPED} from now, as a
   * {@link #stop()} leaves a group from its beginning, and as OTP's supervisors end with the tree they belong to. So their
   * strategy applies no more (a member started by hand afterwards is left to its own policy, its stopped siblings to
   * stay so), a restart or a start in declared order of theirs under way starts nothing more, and an escalation under way
   * is not reported to the parent. One {@code FAILED} stays so (only {@code start()} leaves it). Supervision thread.
   */
  void stopAllBegun(Origin origin, String reason) {
    // a stack of its own, not recursion: groups nested tens of thousands deep went as deep on the thread's stack
    java.util.ArrayDeque<java.util.Iterator<Object>> stack = new java.util.ArrayDeque<>();
    stopBegun(origin, reason);
    stack.push(children.iterator());
    while (!stack.isEmpty()) {
      java.util.Iterator<Object> next = stack.peek();
      if (!next.hasNext()) {
        stack.pop();
      } else if (next.next() instanceof Group g) {
        g.stopBegun(origin, reason);
        stack.push(g.children.iterator());
      }
    }
  }

  /** This group's part of {@link #stopAllBegun}, without its nested groups'. */
  private void stopBegun(Origin origin, String reason) {
    if (state == GroupState.RUNNING || state == GroupState.ESCALATED) {
      stopsBegun++;
      moveTo(GroupState.STOPPED, origin, reason);
    }
  }

  private CompletableFuture<Void> stopAll(List<Object> inOrder, Origin origin, String reason, CompletableFuture<Void> after) {
    CompletableFuture<Void> f = after;
    for (Object c : inOrder) {
      f = f.handle((v, e) -> null).thenCompose(v -> stopChild(c, origin, reason));
    }
    return f.handle((v, e) -> null);
  }

  private CompletableFuture<Void> startChild(Object c, Origin origin, String reason, java.util.Map<ManagedProcess, Long> stopsBefore) {
    if (c instanceof ManagedProcess p) {
      Long then = stopsBefore.get(p);
      return (then == null ? p.startInternal(origin, reason) : p.startUnlessStoppedSince(then, origin, reason)).thenApply(s -> null);
    }
    return ((Group) c).startInOrder(origin, reason, stopsBefore);
  }



  private CompletableFuture<Void> stopChild(Object c, Origin origin, String reason) {
    if (c instanceof ManagedProcess p) {
      return p.stopInternal(origin, reason).thenApply(s -> null);
    }
    return ((Group) c).stopInOrder(origin, reason, GroupState.STOPPED);
  }

  private static String nameOf(Object c) {
    return c instanceof ManagedProcess p ? p.name() : ((Group) c).name();
  }

  private static List<Object> reverse(List<Object> l) {
    List<Object> r = new ArrayList<>(l);
    java.util.Collections.reverse(r);
    return r;
  }

  /**
   * A child ended and is to be restarted ({@code label} names it, for a nested group down to the
   * process: {@code "inner/feed"}). Counts the restart against the intensity; past it, escalates and
   * returns true (the group now stops the child: the caller must not restart it). Else applies the
   * strategy to the siblings and returns false: a process child restarts by its own policy, a group
   * child is restarted here. Supervision thread.
   */
  boolean childEnded(Object child, String label) {
    return childEnded(child, label, sup.commandStopsNow(), false);
  }

  /**
   * A process child's restart that its policy decided late, now ({@link ManagedProcess#restartDeferred}: its run ended
   * while supervision was off, inside a freeze window), about to be spawned. Counted against the intensity as
   * {@link #childEnded(Object, String)} counts an immediate restart, with the same event, under every strategy, and the
   * siblings the strategy names are stopped and started again with it as there (a {@code ONE_FOR_ALL} group holds the
   * child's restart until the siblings declared before it run: {@link ManagedProcess#holdRestart}). Past the intensity
   * escalates: returns true, and the caller must not restart it. Supervision thread.
   */
  boolean childRestartedLate(ManagedProcess child) {
    return childEnded(child, child.name());
  }

  /**
   * A process child's own restart policy gave up (its start limit): it is {@code FAILED}. A child that
   * cannot be kept running is this group's failure, as in OTP, where a child that cannot be restarted
   * counts against the supervisor's intensity: counted as a restart like any other, then either the
   * group restarts it itself, with the siblings its strategy names, or (past the intensity) escalates.
   * Its restart history is kept: each further failure within its window is a give-up again, and counted.
   * Supervision thread.
   */
  void childFailed(ManagedProcess child) {
    childEnded(child, child.name(), sup.commandStopsNow(), true);
  }

  /**
   * As {@link #childEnded(Object, String)}, for a failure that began when the command stops were
   * {@code stopsBefore}; {@code gaveUp}: a process child that its own policy left {@code FAILED}, which
   * this group must start again itself.
   */
  private boolean childEnded(Object child, String label, java.util.Map<ManagedProcess, Long> stopsBefore, boolean gaveUp) {
    if (state != GroupState.RUNNING) {
      return false; // a group not started leaves its children to their own policies
    }
    long now = sup.now();
    long period = Durations.saturatedNanos(spec.period());
    restarts.addLast(now);
    while (!restarts.isEmpty() && Durations.saturatedSub(now, restarts.peekFirst()) >= period) {
      restarts.pollFirst();
    }
    if (restarts.size() > spec.intensity()) {
      escalate(label, gaveUp, stopsBefore);
      return true;
    }
    int at = children.indexOf(child);
    List<Object> affected = switch (spec.strategy()) {
      case ONE_FOR_ONE -> List.of();
      case ONE_FOR_ALL -> children.stream().filter(c -> c != child).toList();
      case REST_FOR_ONE -> children.subList(at + 1, children.size());
    };
    List<String> names = affected.stream().map(Group::nameOf).toList();
    log.atWarn().addKeyValue("process", name()).log("Group {} ({}): {} {}; restart {} of {} within {}{}", name(), spec.strategy(),
        label, gaveUp ? "failed (its restart policy gave up)" : "ended", restarts.size(), spec.intensity(), io.github.vigil.HumanFormat.period(spec.period()), names.isEmpty() ? "" : "; restarting " + names + " with it, in declared order");
    sup.publish(new SupervisorEvent.GroupRestart(name(), sup.wallNow(), nameOf(child), spec.strategy(), names, restarts.size()));
    String why = "group " + name() + " (" + spec.strategy() + "): " + nameOf(child) + (gaveUp ? " failed (its restart policy gave up)" : " ended");
    // one restart, one count (OTP): a sibling that ends on its own before this restart's stop reaches it is part of it,
    // and so is a member of a nested group among them: neither its policy nor that group restarts it (nor escalates)
    affected.forEach(c -> {
      if (c instanceof ManagedProcess sibling) {
        sibling.holdForGroupStop();
      } else {
        ((Group) c).processes().forEach(ManagedProcess::holdForGroupStop);
      }
    });
    long stopsThen = stopsBegun; // a stop of this group meanwhile (its parent's restart, an escalation) supersedes this restart
    CompletableFuture<Void> siblingsStopped = stopAll(reverse(affected), Origin.POLICY, why, CompletableFuture.completedFuture(null));
    // all start again in declared order, as OTP's one_for_all does: first the siblings declared before the child
    List<Object> before = spec.strategy() == GroupSpec.Strategy.ONE_FOR_ALL ? children.subList(0, at) : List.of();
    List<Object> after = affected.subList(before.size(), affected.size());
    Object hold = new Object();
    if (!before.isEmpty() && !gaveUp && child instanceof ManagedProcess p) {
      String waitingFor = "waiting for " + String.join(", ", before.stream().map(Group::nameOf).toList()) + " to be RUNNING (group " + name()
          + " starts its members again in declared order)";
      p.holdRestart(hold, waitingFor); // its policy's restart (after its backoff) waits for them; its detail says so
    }
    CompletableFuture<Void> f = siblingsStopped;
    for (Object c : before) {
      f = f.thenCompose(v -> current(stopsThen) ? startChild(c, Origin.POLICY, why, stopsBefore) : CompletableFuture.completedFuture(null));
    }
    if (child instanceof Group g) {
      f = f.thenCompose(v -> current(stopsThen) ? g.startInOrder(Origin.POLICY, why, stopsBefore) : CompletableFuture.completedFuture(null));
    } else if (gaveUp) { // no policy of its own will start it again: the group does
      f = f.thenCompose(v -> current(stopsThen) ? startChild(child, Origin.POLICY, why, stopsBefore) : CompletableFuture.completedFuture(null));
    } else if (before.isEmpty()) {
      CompletableFuture<Void> running = ((ManagedProcess) child).whenRunning(); // after its policy's backoff
      f = f.thenCompose(v -> running);
    } else {
      ManagedProcess p = (ManagedProcess) child;
      // released whatever became of the starts before it: a hold never outlives this restart
      f = f.handle((v, e) -> e).thenCompose(e -> {
        CompletableFuture<Void> running = p.releaseRestart(hold);
        return e == null ? running : CompletableFuture.<Void>failedFuture(e);
      });
    }
    for (Object c : after) { // declared order
      f = f.thenCompose(v -> current(stopsThen) ? startChild(c, Origin.POLICY, why, stopsBefore) : CompletableFuture.completedFuture(null));
    }
    f.whenComplete((v, e) -> {
      if (e != null) {
        log.atInfo().addKeyValue("process", name()).log("Group {}: restart after {} did not complete: {}", name(), label, messageOf(e));
      }
    });
    return false;
  }

  /** Whether a restart begun when {@link #stopsBegun} was {@code stopsThen} still stands: the group runs and was not stopped since. */
  private boolean current(long stopsThen) {
    return state == GroupState.RUNNING && stopsBegun == stopsThen;
  }

  /**
   * Past the intensity: stop every child (reverse order), then end: the parent restarts this group, or it is FAILED.
   * A stop of this group that overtakes the escalation (the parent's restart, already stopping it) takes it in: the
   * parent does not count it again.
   */
  private void escalate(String label, boolean gaveUp, java.util.Map<ManagedProcess, Long> stopsBefore) {
    Group p = parent;
    String reason = "intensity exceeded: " + io.github.vigil.HumanFormat.count(restarts.size(), "restart", "restarts") + " within " + io.github.vigil.HumanFormat.period(spec.period()) + " (at most " + spec.intensity()
        + "); the failures of " + label + " escalated" + (gaveUp ? " (its restart policy gave up: start limit reached)" : "");
    log.atError().addKeyValue("process", name()).log("Group {}: {}{}", name(), reason, p == null ? "; FAILED" : "; to group " + p.name());
    restarts.clear();
    sup.publish(new SupervisorEvent.GroupFailed(name(), sup.wallNow(), label, reason, p == null ? null : p.name()));
    CompletableFuture<Long> begunAt = new CompletableFuture<>();
    stopInOrder(Origin.POLICY, "group " + name() + " escalated: " + reason, p == null ? GroupState.FAILED : GroupState.ESCALATED, begunAt)
        .whenComplete((v, e) -> {
          if (p != null) {
            sup.onLoop(() -> {
              if (begunAt.getNow(-1L) != stopsBegun) {
                log.atInfo().addKeyValue("process", name()).log("Group {}: its escalation was overtaken by a stop of the group ({}): "
                    + "not reported to group {}", name(), state, p.name());
                return;
              }
              p.childEnded(this, name() + "/" + label, stopsBefore, false); // a stop meanwhile is not undone
            });
          }
        });
  }

  @Override
  public String toString() {
    return "GroupController{" + name() + ", " + spec.strategy() + ", " + state + "}";
  }
}
