package io.github.vigil.internal;

import io.github.vigil.spi.LoaderVariables;
import io.github.vigil.spi.ProcFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check's command run by this JVM (an exec health check, a diagnosis's configuration check), started so that nothing
 * it starts outlives it: in a session of its own where util-linux {@code setsid} and {@code /proc} are there
 * ({@link CheckProcesses#SETSID}; same pid), and carrying an id in its environment. The loader's {@code LD_PRELOAD} and
 * {@code LD_AUDIT} go to the program alone, not to setsid ({@link LoaderVariables}). What it leaves running when it ends
 * by itself is killed by {@link #killLeftovers()}; the whole tree of one abandoned (a timeout, a close) by
 * {@link #killTree()}.
 *
 * <p>Thread-safe: its fields are final; the kills may run on any thread, also at once.
 */
final class CheckCommand {
  private static final Logger log = LoggerFactory.getLogger(CheckCommand.class);
  /** Environment variable carried by each check command and all it starts, to find its orphans. */
  static final String ID_VARIABLE = "VIGIL_HEALTH_CHECK_ID";

  private final Process process;
  private final String program;
  private final String id;
  private final long sid; // the session it leads (its pid), or -1 where it runs without setsid
  private final long sidStartTicks; // its start in /proc, which tells its session from a later one of the same id

  private CheckCommand(Process process, String program, String id, long sid, long sidStartTicks) {
    this.process = process;
    this.program = program;
    this.id = id;
    this.sid = sid;
    this.sidStartTicks = sidStartTicks;
  }

  /**
   * Starts {@code pb}'s command, under {@code setsid} where it is there. Its program is found as a supervised
   * process's is before its spawn ({@link StartChecks#resolveExecutable}): a bare name on the {@code PATH}
   * of {@code pb}'s environment, not this JVM's (where {@link ProcessBuilder} looks), a relative path against
   * {@code pb}'s directory; and it runs as that absolute path.
   *
   * @param programHead the program's {@code #!} line as the last start found it, read again only when the file changed
   *     (a process's restarts use one the same way), null to read it every time
   * @throws IOException as {@link ProcessBuilder#start()}; or, its message saying what is wrong as a process's failed
   *     start says it ({@code binary 'check' not found on PATH (/opt/desk/bin:/usr/bin)}), when the directory or the
   *     program is not there
   */
  static CheckCommand start(ProcessBuilder pb, StartChecks.@Nullable LastHead programHead) throws IOException {
    List<String> asGiven = pb.command();
    List<String> command = new ArrayList<>(asGiven);
    if (!command.isEmpty()) {
      @Nullable Path dir = pb.directory() == null ? null : pb.directory().toPath();
      try {
        StartChecks.checkDirectory(dir);
        Path program = programHead == null ? StartChecks.resolveExecutable(command.get(0), dir, pb.environment())
            : StartChecks.resolveExecutable(command.get(0), dir, pb.environment(), programHead);
        command.set(0, program.toString());
        String pwd = StartChecks.pwdFor(pb.environment().get("PWD"), dir); // as the process it checks has it
        if (pwd != null) {
          pb.environment().put("PWD", pwd);
        }
      } catch (StartChecks.Failure e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    String setsid = CheckProcesses.SETSID;
    boolean ownSession = setsid != null && !command.isEmpty() && CheckProcesses.findable(command.get(0));
    // setsid, an exec of its own, runs without LD_PRELOAD and LD_AUDIT; env gives them to the program alone, so that a
    // library the loader cannot load is warned of once in the check's output, as the backends do for their runs
    Map<String, String> loaderVariables = new HashMap<>();
    if (ownSession) {
      List<String> loaderWords = LoaderVariables.envWords(command.get(0), pb.environment());
      List<String> withSetsid = new ArrayList<>(command.size() + 1 + loaderWords.size());
      withSetsid.add(setsid);
      withSetsid.addAll(loaderWords);
      withSetsid.addAll(command);
      pb.command(withSetsid);
      if (!loaderWords.isEmpty()) {
        for (String name : LoaderVariables.NAMES) {
          String value = pb.environment().remove(name);
          if (value != null) {
            loaderVariables.put(name, value);
          }
        }
      }
    } else {
      pb.command(command);
    }
    String id = UUID.randomUUID().toString();
    pb.environment().put(ID_VARIABLE, id);
    Process p;
    try {
      p = pb.start();
    } finally {
      pb.command(asGiven);
      pb.environment().putAll(loaderVariables);
    }
    return new CheckCommand(p, asGiven.get(0), id, ownSession ? p.pid() : -1, ownSession ? ProcFiles.startTicks(p.pid()) : -1);
  }

  Process process() {
    return process;
  }

  /** Whether it ran in a session of its own, by which what it left is found wherever it went. */
  boolean ranInOwnSession() {
    return sid > 1;
  }

  /**
   * Kills what the commands in {@code ended}, each ended by itself and run in a session of its own, left running
   * wherever it was re-parented: where this JVM is no child subreaper (the JDK backend alone), to init or another
   * subreaper, out of {@link #killLeftovers}'s reach. One pass over {@code /proc} for all of them.
   *
   * @return how many processes were killed
   */
  static int killLeftoversElsewhere(java.util.Collection<CheckCommand> ended) {
    java.util.Map<Long, Long> sessions = new java.util.HashMap<>();
    for (CheckCommand c : ended) {
      if (c.ranInOwnSession()) {
        sessions.put(c.sid, c.sidStartTicks);
      }
    }
    List<ProcessHandle> found = CheckProcesses.membersOfSessions(sessions);
    found.forEach(ProcessHandle::destroyForcibly);
    return found.size();
  }

  /**
   * Kills what the command, ended by itself, left running: its session's processes this JVM has adopted (a child
   * subreaper while a Linux backend runs), found from this JVM's children lists, not a pass over all of {@code /proc}
   * (3 ms of CPU at 190 processes here, at each check's end). Those would die as zombies of this JVM that nothing reaps
   * after the last backend closes. Elsewhere (no subreaper: they go to init) what a check leaves runs on until its
   * parent reaps it. Repeats as {@link #killTree} does: a killed process's own children are adopted next.
   *
   * @return how many processes were killed
   */
  int killLeftovers() {
    return killUntilNoneLeft(() -> new LinkedHashSet<>(CheckProcesses.adoptedOfSession(sid, sidStartTicks)));
  }

  /**
   * Kills the command and everything it started, including descendants already re-parented, found by its session and
   * its environment variable where {@code /proc} shows them.
   *
   * @return how many processes were killed
   */
  int killTree() {
    return killUntilNoneLeft(() -> {
      Set<ProcessHandle> victims = new LinkedHashSet<>();
      if (process.isAlive()) { // once it has ended, its pid may be another's: its descendants are found below
        victims.add(process.toHandle());
        process.descendants().forEach(victims::add);
      }
      victims.addAll(CheckProcesses.ofCheck(sid, sidStartTicks, ID_VARIABLE, id));
      return victims;
    });
  }

  /** Kills what {@code find} finds alive until it finds none (a process can fork between a look and the kill), 10 rounds at most. */
  private int killUntilNoneLeft(Supplier<Set<ProcessHandle>> find) {
    int killed = 0;
    for (int round = 0; round < 10; round++) {
      Set<ProcessHandle> victims = find.get();
      victims.removeIf(h -> !ProcFiles.isLive(h));
      if (victims.isEmpty()) {
        return killed;
      }
      victims.forEach(ProcessHandle::destroyForcibly);
      killed += victims.size();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return killed;
      }
    }
    log.warn("Check command {} (pid {}) left processes that survive SIGKILL", io.github.vigil.HumanFormat.commandLine(program), process.pid());
    return killed;
  }
}
