package io.github.vigil.linux.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sampler needs to know about the machine once: clock ticks per second and page size (from
 * the JVM's own auxiliary vector, {@code /proc/self/auxv}: {@code AT_CLKTCK} and {@code AT_PAGESZ},
 * which is what {@code sysconf} returns, without native code), boot time ({@code btime} of
 * {@code /proc/stat}) and total memory ({@code MemTotal} of {@code /proc/meminfo}).
 *
 * <p>Immutable and thread-safe.
 */
record SystemConstants(long clockTicks, long pageSize, long bootMillis, long memTotalBytes) {
  private static final Logger log = LoggerFactory.getLogger(SystemConstants.class);
  static final int AT_PAGESZ = 6;
  static final int AT_CLKTCK = 17;
  static final long DEFAULT_CLOCK_TICKS = 100;
  static final long DEFAULT_PAGE_SIZE = 4096;

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
    long memTotal = 0;
    if (reader.read(procRoot.resolve("meminfo").toString()) == ProcReader.Outcome.OK) {
      long kb = ProcParsers.lineValue(reader.bytes(), reader.length, ProcParsers.MEM_TOTAL, "meminfo");
      memTotal = kb > 0 ? kb * 1024 : 0;
    }
    return new SystemConstants(ticks, page, boot, memTotal);
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
