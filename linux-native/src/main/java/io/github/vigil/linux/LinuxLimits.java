package io.github.vigil.linux;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Per-process resource limits for the Linux backend, asked for with labels on the
 * {@link io.github.vigil.ProcessSpec}: the backend puts each run in its own cgroup with these limits
 * (v2 {@code memory.max} / {@code pids.max} where the v2 tree has the controller, else the v1
 * {@code memory.limit_in_bytes} / {@code pids.max}).
 *
 * <pre>{@code
 * ProcessSpec spec = ProcessSpec.builder("pricer")
 *     .command("/opt/pricer/bin/pricer")
 *     .label(LinuxLimits.MEMORY_MAX, "512M")   // bytes, or with a K, M or G suffix (powers of 1024)
 *     .label(LinuxLimits.PIDS_MAX, "64")
 *     .label(LinuxLimits.NOFILE, "4096")       // RLIMIT_NOFILE, set by the start wrapper
 *     .build();
 * }</pre>
 *
 * <p>Other backends ignore these labels. When the machine has no writable controller for a limit
 * asked for, the run fails to start ({@code START_FAILED}) with a message naming the limit, rather
 * than running without it. A run killed by the kernel's OOM killer ends with cause
 * {@link io.github.vigil.ExitCause#OOM_KILLED}.
 *
 * <p>Thread-safe: constants and stateless functions.
 */
public final class LinuxLimits {
  /** Label key: the most memory the run and its descendants may use, e.g. {@code "64M"}. */
  public static final String MEMORY_MAX = "vigil.linux.memory.max";
  /** Label key: the most processes and threads the run and its descendants may have, e.g. {@code "100"}. */
  public static final String PIDS_MAX = "vigil.linux.pids.max";

  /**
   * Label key: the run's descriptor limit ({@code RLIMIT_NOFILE}, soft and hard), e.g. {@code "4096"},
   * like systemd's {@code LimitNOFILE=}: set by the backend's start wrapper ({@code ulimit -n}) before
   * the program is executed. It can lower the limit a run would inherit from this JVM; raising it
   * above this JVM's hard limit needs privileges the start then fails without. At least
   * {@value #NOFILE_MIN}: the wrapper's shell moves a descriptor to 10 to redirect one.
   */
  public static final String NOFILE = "vigil.linux.nofile";

  /** The smallest {@link #NOFILE} a start can run with: the start wrapper's shell needs descriptor 10. */
  public static final int NOFILE_MIN = 11;

  private LinuxLimits() {}

  /**
   * The descriptor limit in {@code labels}.
   *
   * @throws IllegalArgumentException naming the label and value when it is not an integer of at least
   *     {@value #NOFILE_MIN}
   */
  public static OptionalLong nofile(Map<String, String> labels) {
    String v = labels.get(NOFILE);
    if (v == null) {
      return OptionalLong.empty();
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("label " + NOFILE + " must be a positive integer: '" + v + "'");
    }
    if (n <= 0) {
      throw new IllegalArgumentException("label " + NOFILE + " must be a positive integer: '" + v + "'");
    }
    if (n < NOFILE_MIN) {
      // below it the wrapper's shell cannot redirect (its cgroup joins, its exec): the start would end with exit code 2
      // and "Invalid argument", and a program needs descriptors beyond its standard streams to load its libraries
      throw new IllegalArgumentException("label " + NOFILE + " must be at least " + NOFILE_MIN
          + " (the start wrapper's shell uses descriptor 10): '" + v + "'");
    }
    return OptionalLong.of(n);
  }

  /**
   * The memory limit in {@code labels}, in bytes.
   *
   * @throws IllegalArgumentException naming the label and value when it is not a positive size
   */
  public static OptionalLong memoryMax(Map<String, String> labels) {
    String v = labels.get(MEMORY_MAX);
    return v == null ? OptionalLong.empty() : OptionalLong.of(parseSize(MEMORY_MAX, v));
  }

  /**
   * The process-count limit in {@code labels}.
   *
   * @throws IllegalArgumentException naming the label and value when it is not a positive integer
   */
  public static OptionalLong pidsMax(Map<String, String> labels) {
    String v = labels.get(PIDS_MAX);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return OptionalLong.of(n);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("label " + PIDS_MAX + " must be a positive integer: '" + v + "'");
  }

  /** Parses {@code 1048576}, {@code 1024K}, {@code 64M}, {@code 2G} (powers of 1024; case-insensitive; optional {@code B} / {@code iB}). */
  static long parseSize(String label, String value) {
    String t = value.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K' -> unit = 1L << 10;
        case 'M' -> unit = 1L << 20;
        case 'G' -> unit = 1L << 30;
        case 'T' -> unit = 1L << 40;
        default -> unit = 1;
      }
      if (unit > 1) {
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(t.trim());
      if (n > 0 && n <= Long.MAX_VALUE / unit) {
        return n * unit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("label " + label + " must be a positive size like 64M: '" + value + "'");
  }
}
