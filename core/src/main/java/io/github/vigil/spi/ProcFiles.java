package io.github.vigil.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ObjLongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Linux's {@code /proc} read the way Vigil reads it: which entries of a {@code /proc} directory are processes, the
 * fields of {@code /proc/PID/stat} (a process's start time among them), and whether a process has ended though its
 * pid is still shown, which {@link ProcessHandle#isAlive()} does not tell. Where there is no {@code /proc} (macOS),
 * nothing is found and no process has ended so.
 *
 * <p><b>State letters.</b> Whether field 3 of {@code /proc/PID/stat} says a process has ended, or is a zombie, is
 * decided here and nowhere else in Vigil (see {@code proc(5)}; {@link io.github.vigil.ProcessSample.RunState#ofLetter}
 * only sorts the letters into process-exporter's buckets for samples, where {@code X} is {@code OTHER}):
 * <ul>
 *   <li>{@code Z}: a <i>zombie</i>, {@link #isZombieState}: the process has exited and waits for its parent to reap it
 *       (to {@code wait} for it); it stays so for as long as the parent does not. Reaping and counts of zombie
 *       children go by this.
 *   <li>{@code Z}, {@code X} or {@code x}: <i>ended</i>, {@link #isEndedState}: a zombie, or dead ({@code X}; {@code x}
 *       on Linux 2.6.33 to 3.13), which a process is while the kernel releases it (reaped, or never to be reaped as its
 *       parent ignores {@code SIGCHLD}), for an instant before its pid goes. Such a process runs no more: it is not
 *       {@linkplain #isLive live}, no stop waits for it, and it is no member of a run's tree.
 *   <li>Any other letter ({@code R}, {@code S}, {@code D}, {@code T}, {@code t}, {@code I}, ...): a process that has
 *       not ended.
 * </ul>
 *
 * <p>Public because the JDK backend (package-private in this package), the engine (its exec health checks'
 * reaper, in {@code io.github.vigil.internal}) and the Linux backend all read {@code /proc} so, and the SPI may not
 * depend on the engine; the Linux backend names processes in its {@code /proc} readers by {@link #pid(String)} too.
 * Thread-safe: stateless.
 */
public final class ProcFiles {
  private static final Path PROC = Path.of("/proc");
  private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));

  private ProcFiles() {}

  /** Whether there is a {@code /proc} to read (Linux). */
  public static boolean available() {
    return HAS_PROC;
  }

  /**
   * The pid an entry of a {@code /proc} directory names, or -1 when the entry is not a process's ({@code self},
   * {@code net}, ...): a name of ASCII digits alone that fits a {@code long}.
   */
  public static long pid(String name) {
    if (name.isEmpty() || name.charAt(0) < '0' || name.charAt(0) > '9') {
      return -1;
    }
    try {
      return Long.parseLong(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Calls {@code action} with the directory and pid of every process in {@code /proc}, this JVM's included, in the
   * order the directory lists them; stops quietly on an I/O error, so that those listed so far are what was found.
   * Nothing without {@code /proc}.
   */
  public static void forEachProcess(ObjLongConsumer<Path> action) {
    if (!HAS_PROC) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
      for (Path dir : dirs) {
        long pid = pid(dir.getFileName().toString());
        if (pid >= 0) {
          action.accept(dir, pid);
        }
      }
    } catch (IOException e) {
      // what was found so far stands
    }
  }

  /**
   * The fields of {@code /proc/PID/stat} after the name, as a new array the caller owns: [0] is field 3 (state), [1]
   * field 4 (parent), [3] field 6 (session), [19] field 22 (start time in clock ticks after boot). Null when the
   * process is gone, its {@code stat} is not readable, it has fewer than 20 fields there, or there is no {@code /proc}.
   */
  public static String @Nullable [] statFields(long pid) {
    try {
      String stat = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")), StandardCharsets.UTF_8);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return f.length > 19 ? f : null;
    } catch (IOException | RuntimeException e) {
      return null; // gone, refused, or not Linux's format
    }
  }

  /**
   * Field 22 of {@code /proc/PID/stat}: the start time in clock ticks after boot, which with the pid names one process
   * across pid reuse; -1 once gone, when it is not a number, or without {@code /proc}.
   */
  public static long startTicks(long pid) {
    String[] f = statFields(pid);
    if (f == null) {
      return -1;
    }
    try {
      return Long.parseLong(f[19]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Whether a state letter of {@code /proc/PID/stat} (field 3) says a zombie: {@code Z}, exited and not reaped yet.
   * See the {@linkplain ProcFiles class comment} for the letters.
   */
  public static boolean isZombieState(int state) {
    return state == 'Z';
  }

  /**
   * Whether a state letter of {@code /proc/PID/stat} (field 3) says the process has ended: {@code Z} (a zombie),
   * {@code X} or {@code x} (dead). See the {@linkplain ProcFiles class comment} for the letters.
   */
  public static boolean isEndedState(int state) {
    return state == 'Z' || state == 'X' || state == 'x';
  }

  /**
   * Whether {@code /proc} says the process has exited but is not reaped yet ({@link #isZombieState}).
   * {@link ProcessHandle#isAlive()} counts such a zombie as alive; a descendant re-parented to a JVM that is a child
   * subreaper (as the Linux backend makes it) would stay one for good, and a stop would wait for it in vain. False when
   * the process is gone or there is no {@code /proc}.
   */
  public static boolean isZombie(long pid) {
    return isZombieState(state(pid));
  }

  /**
   * Whether {@code /proc} still shows the process but says it has ended ({@link #isEndedState}: a zombie, or dead).
   * False when the process is gone or there is no {@code /proc}.
   */
  public static boolean hasEnded(long pid) {
    return isEndedState(state(pid));
  }

  /** Whether {@code h} is alive and has not ended: {@link ProcessHandle#isAlive()} alone counts zombies and the dead. */
  public static boolean isLive(ProcessHandle h) {
    return h.isAlive() && !hasEnded(h.pid());
  }

  /** The state letter of {@code /proc/PID/stat} (field 3); 0 when the process is gone, the line is not Linux's, or there is no {@code /proc}. */
  private static int state(long pid) {
    if (!HAS_PROC) {
      return 0;
    }
    try {
      byte[] stat = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat"));
      for (int i = stat.length - 1; i > 0; i--) {
        if (stat[i] == ')') {
          return i + 2 < stat.length ? stat[i + 2] : 0;
        }
      }
      return 0;
    } catch (IOException | SecurityException e) {
      return 0; // gone: ProcessHandle.isAlive() says so already
    }
  }
}
