package io.github.vigil.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
    return spawn(path, argv, envp, directory, stdoutFd, stderrFd, new int[0]);
  }

  /**
   * As {@link #spawn(String, List, List, String, int, int)}, and with {@code inherited} given to the child as its
   * descriptors 3, 4, ... in order: the Linux backend's wrappers get the pipe they close as they exec the program
   * (the start's end) and, for a prepared run, the pipe they wait on for the word to start.
   *
   * @return the child's pid
   * @throws NativeCallException when {@code posix_spawn} fails
   */
  public static int spawn(String path, List<String> argv, List<String> envp, @Nullable String directory, int stdoutFd, int stderrFd,
      int... inherited) {
    int[] moved = outOfTheWay(inherited);
    try {
      return spawnWith(path, argv, envp, directory, stdoutFd, stderrFd, moved != null ? moved : inherited);
    } finally {
      if (moved != null) {
        for (int fd : moved) {
          Fds.close(fd);
        }
      }
    }
  }

  /**
   * Copies of {@code inherited} numbered above the descriptors they become, or null when none needs moving: a source
   * that is itself one of the targets (the JVM had descriptor 3 free, so a pipe got it) would be overwritten by an
   * earlier {@code dup2} before its own.
   */
  private static int @Nullable [] outOfTheWay(int[] inherited) {
    int above = 3 + inherited.length;
    boolean clash = false;
    for (int fd : inherited) {
      clash |= fd < above;
    }
    if (!clash) {
      return null;
    }
    int[] moved = new int[inherited.length];
    int made = 0;
    try {
      for (; made < moved.length; made++) {
        moved[made] = LinuxLibC.INSTANCE.fcntl(inherited[made], LinuxLibC.F_DUPFD_CLOEXEC, above);
      }
      return moved;
    } catch (com.sun.jna.LastErrorException e) {
      for (int i = 0; i < made; i++) {
        Fds.close(moved[i]);
      }
      throw new NativeCallException("fcntl(" + inherited[made] + ", F_DUPFD_CLOEXEC)", e.getErrorCode());
    }
  }

  private static int spawnWith(String path, List<String> argv, List<String> envp, @Nullable String directory, int stdoutFd,
      int stderrFd, int[] inherited) {
    LinuxLibC c = LinuxLibC.INSTANCE;
    byte[] pathBytes = encode(path);
    byte[] directoryBytes = directory == null ? null : encode(directory);
    byte[][] args = encodeAll(argv);
    byte[][] env = encodeAll(envp);
    long size = SPAWNATTR_SIZE + FILE_ACTIONS_SIZE + 2 * SIGSET_SIZE + Block.ALIGN + Block.sizeOf(DEV_NULL)
        + Block.sizeOf(pathBytes) + (directoryBytes == null ? 0 : Block.sizeOf(directoryBytes)) + Block.sizeOf(args) + Block.sizeOf(env);
    try (Block block = new Block(size)) {
      Pointer attr = block.take(SPAWNATTR_SIZE);
      Pointer actions = block.take(FILE_ACTIONS_SIZE);
      Pointer mask = block.take(SIGSET_SIZE);
      Pointer defaults = block.take(SIGSET_SIZE);
      Pointer pid = block.take(Integer.BYTES);
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
              c.posix_spawn_file_actions_addopen(actions, 0, block.cString(DEV_NULL), LinuxLibC.O_RDONLY, 0));
          check("posix_spawn_file_actions_adddup2(" + stdoutFd + ", 1)", c.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1));
          check("posix_spawn_file_actions_adddup2(" + stderrFd + ", 2)", c.posix_spawn_file_actions_adddup2(actions, stderrFd, 2));
          for (int i = 0; i < inherited.length; i++) {
            check("posix_spawn_file_actions_adddup2(" + inherited[i] + ", " + (3 + i) + ")",
                c.posix_spawn_file_actions_adddup2(actions, inherited[i], 3 + i));
          }
          if (directoryBytes != null) {
            try {
              check("posix_spawn_file_actions_addchdir_np(" + directory + ")",
                  c.posix_spawn_file_actions_addchdir_np(actions, block.cString(directoryBytes)));
            } catch (UnsatisfiedLinkError e) {
              throw new IllegalStateException("this C library cannot set a child's working directory in posix_spawn "
                  + "(posix_spawn_file_actions_addchdir_np needs glibc 2.29+): " + directory, e);
            }
          }
          int from = 3 + inherited.length;
          if (!closesFrom(c, actions, from)) {
            closeEachOpen(c, actions, from);
          }
          int error = c.posix_spawn(pid, block.cString(pathBytes), actions, attr, block.cStrings(args), block.cStrings(env));
          if (error != 0) {
            throw new NativeCallException("posix_spawn(" + path + ")", error);
          }
          return pid.getInt(0);
        } finally {
          c.posix_spawn_file_actions_destroy(actions);
        }
      } finally {
        c.posix_spawnattr_destroy(attr);
      }
    }
  }

  /**
   * Has the child close every descriptor from {@code from} on, where the C library can ({@code
   * posix_spawn_file_actions_addclosefrom_np}, glibc 2.34+). @return false where it cannot
   */
  private static boolean closesFrom(LinuxLibC c, Pointer actions, int from) {
    if (closeFromMissing || listOpenDescriptors) {
      return false;
    }
    try {
      check("posix_spawn_file_actions_addclosefrom_np(" + from + ")", c.posix_spawn_file_actions_addclosefrom_np(actions, from));
      return true;
    } catch (UnsatisfiedLinkError e) {
      closeFromMissing = true;
      return false;
    }
  }

  /**
   * Has the child close each descriptor this JVM has open from {@code from} on, as listed now: where the C library
   * has no close-from (glibc before 2.34: RHEL 8, Ubuntu 20.04). The JDK opens its files and sockets without
   * close-on-exec ({@code ProcessBuilder}'s helper closes them itself), so without this every child would hold the
   * JVM's listening sockets, connections and files open, a port included after the JVM is gone. One opened by another
   * thread between this list and the spawn is still inherited; one closed in between is skipped by the C library.
   */
  private static void closeEachOpen(LinuxLibC c, Pointer actions, int from) {
    List<Integer> open = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(SELF_FD)) {
      for (Path fd : fds) {
        int n = Integer.parseInt(fd.getFileName().toString());
        if (n >= from) {
          open.add(n);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot list " + SELF_FD + " to close this JVM's descriptors in the child "
          + "(this C library has no posix_spawn_file_actions_addclosefrom_np)", e);
    }
    for (int fd : open) { // the list's own descriptor is closed by now: the C library skips a close that fails so
      check("posix_spawn_file_actions_addclose(" + fd + ")", c.posix_spawn_file_actions_addclose(actions, fd));
    }
  }

  private static final Path SELF_FD = Path.of("/proc/self/fd");

  /** Tests: list and close each open descriptor as where the C library has no close-from. */
  static volatile boolean listOpenDescriptors;

  private static final byte[] DEV_NULL = "/dev/null".getBytes(StandardCharsets.US_ASCII);

  private static byte[][] encodeAll(List<String> strings) {
    byte[][] out = new byte[strings.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = encode(strings.get(i));
    }
    return out;
  }

  /**
   * One native allocation for everything a spawn hands the C library (its attributes, file actions, signal sets, the
   * pid, every argument and environment string), freed as soon as the spawn returns. A JNA {@code Memory} per string
   * (60 for a usual environment) each cost a {@code malloc}, a cleaner's registration and, until a garbage collection
   * that an idle supervisor may not see for minutes, four objects on the heap.
   */
  private static final class Block implements AutoCloseable {
    static final long ALIGN = 16;
    private final Memory memory;
    private long used;

    Block(long size) {
      memory = new Memory(size);
    }

    static long sizeOf(byte[] cString) {
      return cString.length + 1 + ALIGN;
    }

    static long sizeOf(byte[][] cStrings) {
      long size = (cStrings.length + 1L) * Native.POINTER_SIZE + ALIGN;
      for (byte[] b : cStrings) {
        size += b.length + 1; // packed: a string needs no alignment
      }
      return size;
    }

    /** The next {@code bytes} of the block, aligned. */
    Pointer take(long bytes) {
      long at = (used + ALIGN - 1) & -ALIGN;
      if (at + bytes > memory.size()) {
        throw new IllegalStateException("spawn block of " + memory.size() + " bytes too small for " + (at + bytes));
      }
      used = at + bytes;
      return memory.share(at, bytes);
    }

    /** {@code bytes} and a NUL, in the block. */
    Pointer cString(byte[] bytes) {
      Pointer p = take(bytes.length + 1L);
      p.write(0, bytes, 0, bytes.length);
      p.setByte(bytes.length, (byte) 0);
      return p;
    }

    /** A NULL-terminated {@code char *[]} of {@code strings}, its strings packed after it, in the block. */
    Pointer cStrings(byte[][] strings) {
      Pointer array = take((strings.length + 1L) * Native.POINTER_SIZE);
      long at = used;
      for (int i = 0; i < strings.length; i++) {
        Pointer s = memory.share(at, strings[i].length + 1L);
        s.write(0, strings[i], 0, strings[i].length);
        s.setByte(strings[i].length, (byte) 0);
        array.setPointer((long) i * Native.POINTER_SIZE, s);
        at += strings[i].length + 1;
      }
      array.setPointer((long) strings.length * Native.POINTER_SIZE, null);
      if (at > memory.size()) {
        throw new IllegalStateException("spawn block of " + memory.size() + " bytes too small for " + at);
      }
      used = at;
      return array;
    }

    @Override
    public void close() {
      memory.close();
    }
  }

  /**
   * Whether the C library closes inherited descriptors itself ({@code posix_spawn_file_actions_addclosefrom_np}, glibc
   * 2.34+); where not, each spawn lists this JVM's open descriptors and has the child close them one by one.
   */
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

  private static void check(String call, int error) {
    if (error != 0) {
      throw new NativeCallException(call, error);
    }
  }
}
