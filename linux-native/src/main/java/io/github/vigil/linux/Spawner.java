package io.github.vigil.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.lang.ref.Reference;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
final class Spawner {
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
    return spawn(path, argv, envp, directory, stdoutFd, stderrFd, -1);
  }

  /**
   * As {@link #spawn(String, List, List, String, int, int)}, and with {@code fd3} (unless negative) given to the
   * child as its descriptor 3: the Linux backend's prepared runs wait on it for the word to start.
   *
   * @return the child's pid
   * @throws NativeCallException when {@code posix_spawn} fails
   */
  public static int spawn(String path, List<String> argv, List<String> envp, @Nullable String directory, int stdoutFd, int stderrFd,
      int fd3) {
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
        if (fd3 >= 0) {
          check("posix_spawn_file_actions_adddup2(" + fd3 + ", 3)", c.posix_spawn_file_actions_adddup2(actions, fd3, 3));
        }
        if (directory != null) {
          try {
            check("posix_spawn_file_actions_addchdir_np(" + directory + ")",
                c.posix_spawn_file_actions_addchdir_np(actions, cString(directory)));
          } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("this C library cannot set a child's working directory in posix_spawn "
                + "(posix_spawn_file_actions_addchdir_np needs glibc 2.29+): " + directory, e);
          }
        }
        if (!closeFromMissing) {
          try {
            int from = fd3 >= 0 ? 4 : 3;
            check("posix_spawn_file_actions_addclosefrom_np(" + from + ")", c.posix_spawn_file_actions_addclosefrom_np(actions, from));
          } catch (UnsatisfiedLinkError e) {
            closeFromMissing = true; // glibc before 2.34: descriptors the JVM opened close-on-exec still close
          }
        }
        IntByReference pid = new IntByReference();
        List<Memory> keep = new ArrayList<>();
        int error = c.posix_spawn(pid, cString(path), actions, attr, cStrings(argv, keep), cStrings(envp, keep));
        Reference.reachabilityFence(keep);
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

  /**
   * The bytes the kernel gets for a Java string: encoded as the JDK encodes arguments and environment
   * for {@code ProcessBuilder} ({@code sun.jnu.encoding}), not JNA's default.
   */
  private static final Charset ENCODING = charset();

  private static Charset charset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** {@code s} as the kernel gets it in an argument or the environment. */
  static byte[] encode(String s) {
    return s.getBytes(ENCODING);
  }

  static Memory cString(String s) {
    byte[] b = encode(s);
    Memory m = new Memory(b.length + 1L);
    m.write(0, b, 0, b.length);
    m.setByte(b.length, (byte) 0);
    return m;
  }

  /** A NULL-terminated {@code char *[]}; adds every block it allocates to {@code keep}, which the caller holds across the call. */
  private static Memory cStrings(List<String> strings, List<Memory> keep) {
    Memory array = new Memory((strings.size() + 1L) * Native.POINTER_SIZE);
    for (int i = 0; i < strings.size(); i++) {
      Memory m = cString(strings.get(i));
      keep.add(m);
      array.setPointer((long) i * Native.POINTER_SIZE, m);
    }
    array.setPointer((long) strings.size() * Native.POINTER_SIZE, null);
    keep.add(array);
    return array;
  }

  private static void check(String call, int error) {
    if (error != 0) {
      throw new NativeCallException(call, error);
    }
  }
}
