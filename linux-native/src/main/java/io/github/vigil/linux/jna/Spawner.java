package io.github.vigil.linux.jna;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Starts a program with {@code posix_spawn}: in a new session (so its process group and session id
 * are its pid), standard input from {@code /dev/null}, standard output and error into the given
 * descriptors, every other descriptor closed, every signal at its default action and none blocked.
 *
 * <p>The child's parent is the calling thread: a death signal the child sets ({@code PR_SET_PDEATHSIG})
 * fires when that thread ends. Call it from one long-lived thread.
 *
 * <p>Thread-safe: stateless.
 */
public final class Spawner {
  private static final long SPAWNATTR_SIZE = 1024; // glibc x86-64: 336 bytes
  private static final long FILE_ACTIONS_SIZE = 512; // glibc x86-64: 80 bytes
  private static final long SIGSET_SIZE = 128;

  private static volatile boolean closeFromMissing;

  private Spawner() {}

  /**
   * Spawns {@code path} with {@code argv} and {@code envp}.
   *
   * @param directory the working directory, or null for the JVM's
   * @return the child's pid
   * @throws NativeCallException when {@code posix_spawn} fails, e.g. {@code ENOENT} for a missing binary
   */
  public static int spawn(String path, List<String> argv, List<String> envp, @Nullable String directory, int stdoutFd, int stderrFd) {
    LinuxLibC c = LinuxLibC.INSTANCE;
    Memory attr = new Memory(SPAWNATTR_SIZE);
    Memory actions = new Memory(FILE_ACTIONS_SIZE);
    Memory mask = new Memory(SIGSET_SIZE);
    Memory defaults = new Memory(SIGSET_SIZE);
    check("posix_spawnattr_init", c.posix_spawnattr_init(attr));
    try {
      check("posix_spawn_file_actions_init", c.posix_spawn_file_actions_init(actions));
      try {
        check("posix_spawnattr_setflags", c.posix_spawnattr_setflags(attr,
            (short) (LinuxLibC.POSIX_SPAWN_SETSID | LinuxLibC.POSIX_SPAWN_SETSIGMASK | LinuxLibC.POSIX_SPAWN_SETSIGDEF)));
        c.sigemptyset(mask);
        check("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(attr, mask));
        c.sigfillset(defaults);
        check("posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(attr, defaults));
        check("posix_spawn_file_actions_addopen(0, /dev/null)",
            c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LinuxLibC.O_RDONLY, 0));
        check("posix_spawn_file_actions_adddup2(" + stdoutFd + ", 1)", c.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1));
        check("posix_spawn_file_actions_adddup2(" + stderrFd + ", 2)", c.posix_spawn_file_actions_adddup2(actions, stderrFd, 2));
        if (directory != null) {
          check("posix_spawn_file_actions_addchdir_np(" + directory + ")", c.posix_spawn_file_actions_addchdir_np(actions, directory));
        }
        if (!closeFromMissing) {
          try {
            check("posix_spawn_file_actions_addclosefrom_np(3)", c.posix_spawn_file_actions_addclosefrom_np(actions, 3));
          } catch (UnsatisfiedLinkError e) {
            closeFromMissing = true; // glibc before 2.34: descriptors the JVM opened close-on-exec still close
          }
        }
        IntByReference pid = new IntByReference();
        int error = c.posix_spawn(pid, path, actions, attr, argv.toArray(new String[0]), envp.toArray(new String[0]));
        if (error != 0) {
          throw new NativeCallException("posix_spawn(" + path + ")", error);
        }
        return pid.getValue();
      } finally {
        c.posix_spawn_file_actions_destroy(actions);
      }
    } finally {
      c.posix_spawnattr_destroy(attr);
    }
  }

  /** Whether the C library closes inherited descriptors itself ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34+). */
  public static boolean closesInheritedDescriptors() {
    return !closeFromMissing;
  }

  private static void check(String call, int error) {
    if (error != 0) {
      throw new NativeCallException(call, error);
    }
  }
}
