package io.github.vigil.internal;

import io.github.vigil.spi.ProcFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code /proc} tells an exec health check's reaper beyond {@link ProcessHandle}: the processes
 * that belong to a check although re-parented away from it (members of its session, and carriers of its
 * variable in their environment). Where there is no
 * {@code /proc} (macOS), or a process's environment is not readable, nothing is found. The JDK backend
 * keeps its own scan (with sessions) in its package: the engine does not reach into a backend; what both read of one
 * process, and the listing of {@code /proc}, is the SPI's {@link ProcFiles}.
 */
final class CheckProcesses {
  private static final Path PROC = Path.of("/proc");

  /**
   * {@code setsid} from util-linux, where there is a {@code /proc} to find a session's members in: an exec check runs
   * in a session of its own (same pid: {@code setsid} execs without forking in a child that is not a group leader), so
   * that its descendants are found, and known as a check's once re-parented, even when they rewrite their environment;
   * null elsewhere.
   */
  static final @Nullable String SETSID = findSetsid();

  private CheckProcesses() {}

  private static @Nullable String findSetsid() {
    if (!ProcFiles.available()) {
      return null;
    }
    for (String p : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  /**
   * Whether {@code program} names an executable file, as the path given or found on this JVM's {@code PATH}. A program
   * that does not is run without {@code setsid}, so that the JDK reports it as it does (setsid would run, and fail).
   */
  static boolean findable(String program) {
    try {
      if (program.indexOf('/') >= 0) {
        return Files.isExecutable(Path.of(program));
      }
      String path = System.getenv("PATH");
      if (path == null) {
        return false;
      }
      for (String d : path.split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
          return true;
        }
      }
      return false;
    } catch (java.nio.file.InvalidPathException | SecurityException e) {
      return false;
    }
  }

  /**
   * Processes (not this JVM) of session {@code sid}, whose leader started at {@code leaderStartTicks}, or whose
   * environment holds {@code variable=value}; one pass over {@code /proc}. A session's id is its leader's pid, which the
   * kernel gives no new process while a member lives: if a process with pid {@code sid} runs but started at another
   * time, the session is someone else's and only the environment counts. {@code sid} 0 or less: no session.
   */
  static List<ProcessHandle> ofCheck(long sid, long leaderStartTicks, String variable, String value) {
    if (!ProcFiles.available()) {
      return List.of();
    }
    String session = null;
    if (sid > 1) {
      String[] leader = ProcFiles.statFields(sid);
      if (leader == null || parseOr(leader[19]) == leaderStartTicks) {
        session = Long.toString(sid);
      }
    }
    byte[] needle = ("\0" + variable + "=" + value + "\0").getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> found = new ArrayList<>();
    String ofSession = session;
    long self = ProcessHandle.current().pid();
    ProcFiles.forEachProcess((dir, pid) -> {
      if (pid == self) {
        return;
      }
      if (ofSession != null) {
        String[] f = ProcFiles.statFields(pid);
        if (f != null && f[3].equals(ofSession)) {
          ProcessHandle.of(pid).ifPresent(found::add);
          return;
        }
      }
      byte[] env;
      try {
        env = Files.readAllBytes(dir.resolve("environ"));
      } catch (IOException | SecurityException e) {
        return; // gone, or another user's
      }
      if (contains(env, needle)) {
        ProcessHandle.of(pid).ifPresent(found::add);
      }
    });
    return found;
  }

  /**
   * This JVM's children of session {@code sid} (whose leader started at {@code leaderStartTicks}): what an exec check that
   * ran in a session of its own left behind once it ended, where this JVM adopts orphans (a child subreaper, as while a
   * Linux backend runs). It reads this JVM's children lists and one {@code stat} per child, not all of {@code /proc}: it
   * runs every time a check ends. Empty without {@code /proc} or a session.
   */
  static List<ProcessHandle> adoptedOfSession(long sid, long leaderStartTicks) {
    List<ProcessHandle> found = new ArrayList<>();
    if (!ProcFiles.available() || sid <= 1) {
      return found;
    }
    String[] leader = ProcFiles.statFields(sid);
    if (leader != null && parseOr(leader[19]) != leaderStartTicks) {
      return found; // its pid leads another session now: the check's is empty
    }
    String session = Long.toString(sid);
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve("self").resolve("task"))) {
      for (Path task : tasks) {
        String children;
        try {
          children = Files.readString(task.resolve("children"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        for (String c : children.trim().split(" ")) {
          if (c.isEmpty()) {
            continue;
          }
          long pid = Long.parseLong(c);
          String[] f = ProcFiles.statFields(pid);
          if (f != null && f[3].equals(session)) {
            ProcessHandle.of(pid).ifPresent(found::add);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return found;
    }
    return found;
  }

  /**
   * The live members (not this JVM) of any of {@code sessions} (session id to its leader's start time), wherever they
   * were re-parented: one pass over {@code /proc} reading each {@code stat}. A session whose id is now the pid of a
   * process that started at another time is someone else's and is left out. Empty without {@code /proc}.
   */
  static List<ProcessHandle> membersOfSessions(java.util.Map<Long, Long> sessions) {
    List<ProcessHandle> found = new ArrayList<>();
    if (!ProcFiles.available() || sessions.isEmpty()) {
      return found;
    }
    java.util.Set<String> ours = new java.util.HashSet<>();
    sessions.forEach((sid, ticks) -> {
      String[] leader = ProcFiles.statFields(sid);
      if (sid > 1 && (leader == null || parseOr(leader[19]) == ticks)) {
        ours.add(Long.toString(sid));
      }
    });
    if (ours.isEmpty()) {
      return found;
    }
    long self = ProcessHandle.current().pid();
    ProcFiles.forEachProcess((dir, pid) -> {
      if (pid == self) {
        return;
      }
      String[] f = ProcFiles.statFields(pid);
      if (f != null && ours.contains(f[3]) && !ProcFiles.isEndedState(f[0].charAt(0))) {
        ProcessHandle.of(pid).ifPresent(found::add);
      }
    });
    return found;
  }

  private static long parseOr(String ticks) {
    try {
      return Long.parseLong(ticks);
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  /** Whether {@code env} (NUL-separated) holds the entry; the first entry has no leading NUL. */
  private static boolean contains(byte[] env, byte[] needle) {
    outer:
    for (int i = -1; i + needle.length <= env.length + 1; i++) {
      for (int j = 0; j < needle.length; j++) {
        int k = i + j;
        byte b = k < 0 || k >= env.length ? 0 : env[k];
        if (b != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
