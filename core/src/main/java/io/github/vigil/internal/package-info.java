/**
 * The supervision engine behind the public API. Not part of the API: anything here may change.
 *
 * <p>{@link io.github.vigil.internal.DefaultSupervisor} owns one thread on which the transitions of
 * every {@link io.github.vigil.internal.ManagedProcess} run; backends report exits and output from
 * their own threads. One lock ({@code DefaultSupervisor.deciding}) is held by whichever thread decides,
 * so decisions are made one at a time and each sees every earlier one: the supervision thread holds it
 * for each of its tasks and timers; a backend's thread that reports an exit (or an attached process
 * gone) takes it when it is free and no task waits for the supervision thread, and decides there and
 * then ({@code DefaultSupervisor.decideAtOnce}). It never waits for it: when another thread is deciding,
 * or a task is queued (a command issued before the exit, a spawn's result), the report is handed to the
 * supervision thread and decided in order behind them.
 *
 * <p><b>The supervision thread only decides.</b> It runs state transitions and timers, and nothing
 * that can block: every call that can (the binary's lookup and the backend's {@code spawn}, signals to
 * a process tree, the backend's look for a run's descendants in {@code /proc} or its cgroup, log file
 * flushes, an attachment's look for its target and its liveness reads) runs on
 * {@code vigil-<name>-io-1} and {@code -io-2} ({@code DefaultSupervisor.IO_THREADS}, a fixed number
 * whatever the number of processes; started on first use, ended when idle), one queue per process so
 * that its own work stays in order, and its result comes back as a task on the supervision thread. A
 * spawn held up (a slow disk, a busy backend) holds up only its process; while {@code IO_THREADS}
 * processes are all held, the others' blocking work waits, their decisions do not. Listeners and the
 * completion of public futures run on the listener executor ({@link io.github.vigil.internal.EventBus}).
 * The only user code that runs on the supervision thread, or on a backend's thread deciding, is the
 * injected clocks, scheduler and random source.
 *
 * <p><b>Thread hops from an exit to its restart: none when the supervisor is idle, one otherwise.</b>
 * Counted from the backend's thread that reports the exit ({@code ProcessListener.onExit}: the Linux
 * backend's event loop; the JDK backend's output thread, which the JDK's reaper wakes) to the thread
 * that forks. When nothing else is deciding, that thread records the exit, publishes {@code Exited}
 * (queued for the listeners), asks the restart policy and, when the delay is zero, moves to
 * {@code STARTING} and hands the spawn on, all before it returns to the backend. Otherwise (1) the
 * report is handed to the supervision thread ({@code DefaultSupervisor.onLoop}), which does the same.
 * A backend with an {@link io.github.vigil.spi.AsyncSpawner} (the Linux backend) gets the spawn
 * straight away and forks on its event loop, where its spawn always ran: decided there, the restart
 * costs no hop at all. The work that must come first (the dead run's output flush, the look for
 * descendants it left, the binary's lookup) runs there just before the fork. Other backends (the JDK
 * backend, whose {@code ProcessBuilder.start} blocks) are called on the process's I/O queue: one more
 * hop, so that no fork holds up the other processes' supervision; it costs tens of microseconds on an
 * idle I/O thread against a fork and exec of a millisecond or more. The spawn's result is one more hop,
 * back to the supervision thread ({@code Started}, {@code RUNNING}); a non-zero delay adds the timer that
 * ends it (with the default scheduler, on the supervision thread itself). Nothing else is on that path:
 * events and futures are queued for the listener executor and never waited for. An exit that no restart
 * can follow yields the CPU once after {@code Exited} is queued ({@code DefaultSupervisor.publishExit}),
 * so that a listener thread the kernel woke on that CPU delivers it without waiting for the rest of the
 * decision; an exit that may be restarted does not (its spawn comes first). Shown by module
 * {@code test}'s {@code ExitDecidedAtOnceTest} (on the fake backend, idle and busy, and on both real
 * backends with a {@code sleep} killed from outside).
 *
 * <p><b>Terminal states.</b> A removed process and a closed supervisor spawn nothing more; every
 * command after or racing with {@code remove()} or {@code close()} completes exceptionally at once.
 * {@code stopAll()} and {@code close()} first stop every group ({@code Group.stopAllBegun}: {@code STOPPED}, its
 * restart under way superseded) and hold every process ({@code holdForStop}): one waiting
 * in {@code BACKOFF} is stopped at once, and a run ending while dependents are still being stopped is
 * not restarted.
 *
 * <p><b>Regression tests of issue #11's "What was seen"</b> (module {@code test}, package
 * {@code io.github.vigil.test}, unless named otherwise):
 * <ol>
 *   <li>Dependents restarted before their dependency: {@code DependencyConditionTest
 *       .theGatewayWaitsForTheFeedToBeHealthyAgainAfterEveryFeedKill}, {@code waitingUsesNoStartLimit};
 *       on both real backends {@code FeedKillRealBackendTest}.
 *   <li>A dependency's crash does nothing to its dependents: {@code DependencyConditionTest.onExitRestart*},
 *       {@code onExitStop*}, {@code onExitKeep*}; {@code SupervisionTreeTest.restForOne*}, {@code oneForAll*}.
 *   <li>{@code close()}/{@code stopAll()} spawn from BACKOFF: {@code LifecycleTest.closeNeverSpawnsAProcessWaitingInBackoff},
 *       {@code stopAllNeitherSpawnsFromBackoffNorRestartsACrashWhileDependentsStop}; on both real backends
 *       {@code RealBackendLifecycleTest.closeSpawnsNothingWhileDependentsStop}.
 *   <li>Delivery stops after one failure: {@code EventDeliveryTest} (a listener's {@code AssertionError},
 *       an executor's rejection, a slow listener).
 *   <li>User code and blocking I/O on the supervision thread: {@code FutureThreadTest} (futures on the
 *       listener executor), {@code BlockingBackendCallTest} (a spawn that blocks holds up no other
 *       process); on both real backends {@code SupervisionThreadRealBackendTest} (spawns, signals and
 *       tree scans never run on the supervision thread).
 *   <li>Lifecycle holes: {@code LifecycleTest.everyCommandAfterCloseFailsAtOnce},
 *       {@code everyCommandAfterRemoveFailsAtOnce}, {@code startRacingRemoveLeavesNothingRunning},
 *       {@code startRacingCloseNeverSpawnsAfterwards}, {@code closeOnTheSupervisionThreadClosesEverything},
 *       {@code closeFromAListenerClosesEverything}; on both real backends
 *       {@code RealBackendLifecycleTest.startRacingRemoveLeavesNoProcess}.
 *   <li>Durations past 292 years: core's {@code io.github.vigil.ExtremeValuesTest} (every builder field and
 *       {@code vigil.*} duration) and {@code ExtremeValuesSupervisionTest} (supervised at the maximum).
 *   <li>Event order: {@code EventOrderTest} (Registered first under load, Exited before its health
 *       change, supervision changes as events).
 *   <li>Users cannot test their setup: {@code FakeBackendTest}, {@code ReadmeExampleTest} (the README's
 *       example), {@code FakeBackendTest.awaitIdleRefusesToWaitForItselfFromAListener}.
 *   <li>Races out of the tests' reach: {@code EngineModelTest} (10,000 seeded sequences over trees,
 *       dependencies and updates) and the whole fake-backend suite, where items 3 to 6 run without processes.
 * </ol>
 *
 * <p><b>Defects the model test found since</b>, each with a directed test: two runs in flight when a
 * group's restart and a pending start followed one stop ({@code SupervisionTreeTest
 * .aPendingStartAndTheGroupsRestartAfterOneStopSpawnOneRun}); a {@code stopAll()} undone by a start
 * still under way, a group's restart ({@code stopAllDuringAGroupRestartLeavesTheSiblingStopped}) or a
 * {@code startAll()} waiting for a dependency ({@code LifecycleTest
 * .aStartAllWaitingForADependencyGivesWayToALaterStopAll}). A start of several steps now takes each
 * process's count of command stops ({@code ManagedProcess.commandStops()}) when it begins and leaves
 * alone a process stopped since.
 *
 * <p><b>A child its own policy gives up on is its group's failure.</b> A process of a running group
 * that goes {@code FAILED} by its start limit is handed to the group ({@code Group.childFailed}): counted
 * against the intensity like any restart, then started again by the group (with the siblings its strategy
 * names) or escalated; before, the group stayed {@code RUNNING} beside it, with no event
 * ({@code SupervisionTreeTest.aChildFailedByItsStartLimit*}, on both real backends
 * {@code GroupChildFailedRealBackendTest}; {@code EngineModelTest} checks it in every sequence).
 * {@code ONE_FOR_ALL} starts all its children in declared order: the restart of the child that ended
 * is held ({@code ManagedProcess.holdRestart}) until the siblings declared before it run
 * ({@code SupervisionTreeTest.oneForAll*}).
 *
 * <p><b>Overlapping holds</b> ({@code OverlappingRestartsTest}). {@code heldForStop} is one flag for every holder (a
 * {@code stopAll()} or {@code close()}, a group's restart, a stop of a group), ended by the first stop or start that
 * reaches the process; what keeps a later holder's will is elsewhere. A {@code stopAll()}'s hold is a command's stop
 * at once ({@code commandStops}), so a group's restart under way, whose own stop ended the flag, starts nothing of it
 * again. A group's stop ({@code Group.stopInOrder}: its own, an escalation's, its parent's restart) holds all its
 * processes from its beginning, and a restart holds the processes of the nested groups it restarts too: one that ends
 * or whose backoff ends before the stop reaches it is neither spawned nor counted (a nested group no longer escalates
 * into a second count of its parent). A group's stop supersedes its restart or start in declared order under way
 * ({@code Group.stopsBegun}): that starts nothing more, and an escalation it overtakes is not reported to the parent.
 *
 * <p><b>A task that throws.</b> The supervisor logs it at ERROR and goes on ({@code DefaultSupervisor.runGuarded}). A
 * process's tasks that callers wait on (its commands, its spawn's hand-over, its exits), a group's start and stop steps,
 * {@code startAll()}'s first task, {@code checkNow()} and an attachment's {@code rescan()} say what to do then ({@code onLoop}'s {@code ifFailed}):
 * {@code ManagedProcess.supervisionFailed} fails every future waiting on the process, which would otherwise wait for a
 * transition the task was to make (module {@code test}'s {@code SupervisionTaskFailureTest}); a group's start fails, its
 * stop goes on to the children.
 *
 * <p><b>Deep trees.</b> A group's start and stop ({@code Group.TreeStart}, {@code Group.TreeStop}) walk its tree, built
 * once ({@code Group.Tree}: pre-order, each group's processes a range of one list), one step at a time: a step that
 * completes at once is followed by the next in a loop, one that completes later resumes the walk. Each nested group's
 * start or stop was a step of its parent's, called from it, which went as deep on the thread's stack as the groups
 * nest and walked each nested group's tree again; the order is the same (module {@code test}'s
 * {@code GroupTreeOrderPropertyTest}, {@code DeepGroupStartStopTest}).
 */
@NullMarked
package io.github.vigil.internal;

import org.jspecify.annotations.NullMarked;
