package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One OOM kill as the kernel logs it:
 * {@code Memory cgroup out of memory: Killed process 4711 (hog) total-vm:70124kB, anon-rss:65028kB, file-rss:1280kB, shmem-rss:0kB, ...}
 * (also {@code Out of memory: Killed process ...} for a system-wide OOM).
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid the killed process
 * @param comm its command name
 * @param residentBytes anon-rss + file-rss + shmem-rss at the kill, in bytes
 */
public record OomKillRecord(int pid, String comm, long residentBytes) {
  private static final Pattern KILLED = Pattern.compile("Killed process (\\d+) \\((.*)\\) total-vm:(\\d+)kB, anon-rss:(\\d+)kB, "
      + "file-rss:(\\d+)kB, shmem-rss:(\\d+)kB");

  public OomKillRecord {
    requireNonNull(comm, "comm");
  }

  /**
   * Parses a kernel log line (a {@code /dev/kmsg} record with its {@code "6,123,456,-;"} prefix, or
   * {@code dmesg} text).
   *
   * @return empty if the line is not an OOM kill
   */
  public static Optional<OomKillRecord> parse(String line) {
    Matcher m = KILLED.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    long kb = Long.parseLong(m.group(4)) + Long.parseLong(m.group(5)) + Long.parseLong(m.group(6));
    return Optional.of(new OomKillRecord(Integer.parseInt(m.group(1)), m.group(2), kb * 1024));
  }
}
