package io.github.vigil.linux.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sampler needs to know about the machine once: clock ticks per second and page size (from
 * the JVM's own auxiliary vector, {@code /proc/self/auxv}: {@code AT_CLKTCK} and {@code AT_PAGESZ},
 * which is what {@code sysconf} returns, without native code), boot time and total memory
 * ({@code MemTotal} of {@code /proc/meminfo}).
 *
 * <p>Boot time is the wall clock now less {@code /proc/uptime} (to the hundredth of a second), not
 * {@code btime} of {@code /proc/stat}, which is whole seconds: with it every start time read early by
 * up to a second, so that a child started within that second after a sample seemed older than the
 * sample and its CPU time was left out of the next CPU percent. {@code btime} remains where
 * {@code uptime} is missing or does not agree with it (a copied {@code /proc} tree).
 *
 * <p>Immutable and thread-safe.
 */
record SystemConstants(long clockTicks, long pageSize, long bootMillis, long memTotalBytes) {
  private static final Logger log = LoggerFactory.getLogger(SystemConstants.class);
  static final int AT_PAGESZ = 6;
  static final int AT_CLKTCK = 17;
  static final long DEFAULT_CLOCK_TICKS = 100;
  static final long DEFAULT_PAGE_SIZE = 4096;
  /** The boot time first read from each {@code /proc}'s uptime ({@code /proc/uptime} has a hundredth's resolution). */
  private static final java.util.concurrent.ConcurrentMap<Path, Long> PRECISE_BOOT = new java.util.concurrent.ConcurrentHashMap<>();

  static SystemConstants read(Path procRoot, ProcReader reader) {
    long ticks = -1;
    long page = -1;
    if (reader.read(procRoot.resolve("self").resolve("auxv").toString()) == ProcReader.Outcome.OK) {
      long[] v = parseAuxv(reader.bytes(), reader.length);
      ticks = v[0];
      page = v[1];
    }
    if (ticks <= 0 || page <= 0) {
      log.debug("No AT_CLKTCK/AT_PAGESZ in {}/self/auxv ({}); assuming {} ticks/s and {}-byte pages", procRoot,
          reader.error, DEFAULT_CLOCK_TICKS, DEFAULT_PAGE_SIZE);
      ticks = ticks > 0 ? ticks : DEFAULT_CLOCK_TICKS;
      page = page > 0 ? page : DEFAULT_PAGE_SIZE;
    }
    long boot = 0;
    if (reader.read(procRoot.resolve("stat").toString()) == ProcReader.Outcome.OK) {
      long btime = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.BTIME, "stat");
      boot = btime > 0 ? btime * 1000 : 0;
    }
    Long known = PRECISE_BOOT.get(procRoot);
    if (boot > 0 && known != null && known >= boot - 50 && known < boot + 1_050) {
      boot = known; // one value per JVM: the sampler's and the process table's start times agree to the millisecond
    } else if (boot > 0 && reader.read(procRoot.resolve("uptime").toString()) == ProcReader.Outcome.OK) {
      long uptimeMillis = parseUptimeMillis(reader.bytes(), reader.length);
      long precise = System.currentTimeMillis() - uptimeMillis;
      if (uptimeMillis >= 0 && precise >= boot - 50 && precise < boot + 1_050) { // btime is the same moment, truncated
        boot = precise;
        PRECISE_BOOT.put(procRoot, precise);
      }
    }
    long memTotal = 0;
    if (reader.read(procRoot.resolve("meminfo").toString()) == ProcReader.Outcome.OK) {
      long kb = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.MEM_TOTAL, "meminfo");
      memTotal = kb > 0 ? kb * 1024 : 0;
    }
    return new SystemConstants(ticks, page, boot, memTotal);
  }

  /** The first number of {@code /proc/uptime} ({@code "12345.67 ..."}) in milliseconds; -1 when it is not one. */
  static long parseUptimeMillis(byte[] b, int len) {
    long whole = 0;
    int i = 0;
    int digits = 0;
    while (i < len && b[i] >= '0' && b[i] <= '9') {
      whole = whole * 10 + (b[i++] - '0');
      digits++;
    }
    if (digits == 0 || digits > 12) {
      return -1;
    }
    long millis = whole * 1000;
    if (i < len && b[i] == '.') {
      i++;
      for (int scale = 100; scale >= 1 && i < len && b[i] >= '0' && b[i] <= '9'; scale /= 10) {
        millis += (b[i++] - '0') * scale;
      }
    }
    return millis;
  }

  /** {@code {AT_CLKTCK, AT_PAGESZ}} from an auxiliary vector of native-endian 64-bit pairs; -1 where missing. */
  static long[] parseAuxv(byte[] b, int len) {
    long[] out = {-1, -1};
    ByteBuffer bb = ByteBuffer.wrap(b, 0, len).order(ByteOrder.nativeOrder());
    while (bb.remaining() >= 16) {
      long type = bb.getLong();
      long value = bb.getLong();
      if (type == 0) {
        break;
      } else if (type == AT_CLKTCK) {
        out[0] = value;
      } else if (type == AT_PAGESZ) {
        out[1] = value;
      }
    }
    return out;
  }
}
