package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.ProcessSample.Protocol;
import io.github.vigil.ProcessSample.Socket;
import io.github.vigil.linux.proc.ProcParsers.ProcFormatException;
import io.github.vigil.linux.proc.ProcParsers.Stat;
import io.github.vigil.linux.proc.ProcParsers.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProcParsersTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void statWithANameThatLooksLikeFields() {
    String line = "4242 (a) (b) 1 2 3) S 17 4242 4242 0 -1 4194560 111 0 12 0 150 35 0 0 20 0 7 0 98765 "
        + "123456789 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    byte[] bytes = b(line);
    Stat s = ProcParsers.parseStat(bytes, bytes.length, new Stat());
    assertThat(s.comm()).isEqualTo("a) (b) 1 2 3");
    assertThat((char) s.state).isEqualTo('S');
    assertThat(s.ppid).isEqualTo(17);
    assertThat(s.minflt).isEqualTo(111);
    assertThat(s.majflt).isEqualTo(12);
    assertThat(s.utime).isEqualTo(150);
    assertThat(s.stime).isEqualTo(35);
    assertThat(s.numThreads).isEqualTo(7);
    assertThat(s.startTime).isEqualTo(98765);
    assertThat(s.vsize).isEqualTo(123456789);
    assertThat(s.rss).isEqualTo(321);
    assertThat(ProcParsers.parsePpid(bytes, bytes.length)).isEqualTo(17);
  }

  @Test
  void malformedStatNamesTheField() {
    byte[] bytes = b("1 (x) S 0 1 1 0 -1 0 0 0 zero 0 0 0 0 0 20 0 1 0 5 100 10\n");
    assertThatThrownBy(() -> ProcParsers.parseStat(bytes, bytes.length, new Stat()))
        .isInstanceOf(ProcFormatException.class).hasMessageContaining("majflt").hasMessageContaining("zero");
    byte[] short_ = b("1 (x) S 0 1\n");
    assertThatThrownBy(() -> ProcParsers.parseStat(short_, short_.length, new Stat()))
        .isInstanceOf(ProcFormatException.class).hasMessageContaining("expected at least 24");
    byte[] noName = b("1 x S 0 1\n");
    assertThatThrownBy(() -> ProcParsers.parseStat(noName, noName.length, new Stat()))
        .isInstanceOf(ProcFormatException.class).hasMessageContaining("parentheses");
  }

  @Test
  void statusFieldsAndAnEscapedName() {
    String text = "Name:\ta\\nUid:\\t0 (b)\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\n"
        + "Gid:\t0\t0\t0\t0\nVmSwap:\t      12 kB\nThreads:\t3\nvoluntary_ctxt_switches:\t55\nnonvoluntary_ctxt_switches:\t7\n";
    byte[] bytes = b(text);
    Status s = ProcParsers.parseStatus(bytes, bytes.length, new Status());
    assertThat(s.name()).isEqualTo("a\nUid:\t0 (b)");
    assertThat(s.effectiveUid).isEqualTo(1001);
    assertThat(s.vmSwapKb).isEqualTo(12);
    assertThat(s.voluntary).isEqualTo(55);
    assertThat(s.involuntary).isEqualTo(7);
    assertThat((char) s.state).isEqualTo('S');
  }

  @Test
  void statusOfAKernelThreadHasNoSwapLine() {
    byte[] bytes = b("Name:\tkthreadd\nUid:\t0\t0\t0\t0\nvoluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n");
    Status s = ProcParsers.parseStatus(bytes, bytes.length, new Status());
    assertThat(s.vmSwapKb).isEqualTo(-1);
    assertThat(s.effectiveUid).isZero();
  }

  @Test
  void statmResidentPagesAndAMalformedOne() {
    byte[] statm = b("2076 1032 886 4 0 105 0\n");
    assertThat(ProcParsers.parseStatmResident(statm, statm.length)).isEqualTo(1032);
    byte[] zombie = b("0 0 0 0 0 0 0\n");
    assertThat(ProcParsers.parseStatmResident(zombie, zombie.length)).isZero();
    byte[] oneNumber = b("2076\n");
    assertThatThrownBy(() -> ProcParsers.parseStatmResident(oneNumber, oneNumber.length))
        .isInstanceOf(ProcParsers.ProcFormatException.class).hasMessageContaining("statm").hasMessageContaining("2076");
    byte[] notANumber = b("2076 x1 886 4 0 105 0\n");
    assertThatThrownBy(() -> ProcParsers.parseStatmResident(notANumber, notANumber.length))
        .hasMessage("statm: field resident is not a number: 'x1'");
  }

  @Test
  void ioSmapsLimits() {
    byte[] io = b("rchar: 100\nwchar: 200\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n");
    assertThat(ProcParsers.lineValue(io, io.length, ProcParsers.READ_BYTES, "io")).isEqualTo(4096);
    assertThat(ProcParsers.lineValue(io, io.length, ProcParsers.WRITE_BYTES, "io")).isEqualTo(8192);
    byte[] smaps = b("55738eda4000-7ffff02e0000 ---p 00000000 00:00 0   [rollup]\nRss:  1788 kB\nPss:   427 kB\n"
        + "Pss_Anon:  112 kB\nSwap:  0 kB\nSwapPss:   5 kB\n");
    assertThat(ProcParsers.lineValue(smaps, smaps.length, ProcParsers.PSS, "smaps_rollup")).isEqualTo(427);
    assertThat(ProcParsers.lineValue(smaps, smaps.length, ProcParsers.SWAP_PSS, "smaps_rollup")).isEqualTo(5);
    byte[] limits = b("Limit                     Soft Limit           Hard Limit           Units     \n"
        + "Max cpu time              unlimited            unlimited            seconds   \n"
        + "Max open files            1024                 524288               files     \n");
    assertThat(ProcParsers.parseOpenFilesLimit(limits, limits.length)).isEqualTo(1024);
    byte[] unlimited = b("Max open files            unlimited            unlimited            files     \n");
    assertThat(ProcParsers.parseOpenFilesLimit(unlimited, unlimited.length)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void tcpTablesKeepOnlyTheProcessesSockets() {
    String tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        + "   0: 0100007F:B373 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n"
        + "   1: 0100007F:B373 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1\n"
        + "   2: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0\n";
    byte[] bytes = b(tcp);
    List<Socket> out = new ArrayList<>();
    NetTables.parse(bytes, bytes.length, Protocol.TCP, new long[] {111, 222}, new long[] {7, 8}, 2, out);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).local().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(out.get(0).local().getPort()).isEqualTo(45939);
    assertThat(out.get(0).state()).isEqualTo("LISTEN");
    assertThat(out.get(0).pid()).isEqualTo(7);
    assertThat(out.get(1).remote().getPort()).isEqualTo(0xD2A4);
    assertThat(out.get(1).state()).isEqualTo("ESTABLISHED");
    String tcp6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        + "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0 100 0 0 10 0\n";
    byte[] b6 = b(tcp6);
    out.clear();
    NetTables.parse(b6, b6.length, Protocol.TCP6, new long[] {444}, new long[] {9}, 1, out);
    assertThat(out.get(0).local().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(out.get(0).local().getPort()).isEqualTo(8080);
  }

  @Test
  void auxvGivesClockTicksAndPageSize() {
    ByteBuffer bb = ByteBuffer.allocate(16 * 4).order(ByteOrder.nativeOrder());
    bb.putLong(SystemConstants.AT_PAGESZ).putLong(16384).putLong(SystemConstants.AT_CLKTCK).putLong(250)
        .putLong(0).putLong(0).putLong(SystemConstants.AT_CLKTCK).putLong(1);
    long[] v = SystemConstants.parseAuxv(bb.array(), bb.capacity());
    assertThat(v).containsExactly(250, 16384);
  }

  @Test
  void uptimeIsReadToTheMillisecond() {
    for (String[] c : new String[][] {{"12345.67 98765.43\n", "12345670"}, {"5.5 1.00\n", "5500"}, {"7 1\n", "7000"},
        {"0.01 0.00\n", "10"}, {"x.5 1\n", "-1"}, {"", "-1"}, {"1234567890123.00 1\n", "-1"}}) {
      byte[] b = c[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(SystemConstants.parseUptimeMillis(b, b.length)).as("'%s'", c[0]).isEqualTo(Long.parseLong(c[1]));
    }
  }

  // --- seeded property tests -------------------------------------------------------------------

  static LongStream seeds() {
    return LongStream.range(0, 500);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyStatLineWithAHostileNameParsesBack(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String comm = ProcGen.hostileName(r);
    long[] f = new long[53];
    for (int i = 4; i <= 52; i++) {
      f[i] = ProcGen.value(r);
    }
    char state = "RSDZTtXIPK".charAt(r.nextInt(10));
    long pid = 1 + r.nextInt(4_194_304);
    String line = ProcGen.statLine(pid, comm, state, f);
    byte[] bytes = b(line);
    byte[] padded = new byte[bytes.length + r.nextInt(64)]; // parsers must honour the length, not the array
    System.arraycopy(bytes, 0, padded, 0, bytes.length);
    Stat s = ProcParsers.parseStat(padded, bytes.length, new Stat());
    String why = "seed " + seed + ": " + line.replace("\n", "\\n");
    assertEquals(comm, s.comm(), why);
    assertEquals(state, (char) s.state, why);
    assertEquals(f[4], s.ppid, why);
    assertEquals(f[10], s.minflt, why);
    assertEquals(f[12], s.majflt, why);
    assertEquals(f[14], s.utime, why);
    assertEquals(f[15], s.stime, why);
    assertEquals(f[20], s.numThreads, why);
    assertEquals(f[22], s.startTime, why);
    assertEquals(f[23], s.vsize, why);
    assertEquals(f[24], s.rss, why);
    assertEquals(f[4], ProcParsers.parsePpid(padded, bytes.length), why);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyStatusWithAHostileNameParsesBack(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String name = ProcGen.hostileName(r);
    long[] uids = {r.nextInt(70000), r.nextInt(70000), r.nextInt(70000), r.nextInt(70000)};
    long swap = ProcGen.value(r);
    long vol = ProcGen.value(r);
    long nonvol = ProcGen.value(r);
    boolean hasSwap = r.nextBoolean();
    StringBuilder sb = new StringBuilder();
    sb.append("Name:\t").append(ProcGen.escapeStatusName(name)).append('\n');
    char state = "RSDZTtXI".charAt(r.nextInt(8));
    sb.append("Umask:\t0022\nState:\t").append(state).append(" (whatever)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n");
    sb.append("Uid:\t").append(uids[0]).append('\t').append(uids[1]).append('\t').append(uids[2]).append('\t').append(uids[3]).append('\n');
    sb.append("Gid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \n");
    if (hasSwap) {
      sb.append("VmPeak:\t 1000 kB\nVmRSS:\t").append(String.format("%8d", vol)).append(" kB\nVmSwap:\t").append(String.format("%8d", swap)).append(" kB\n");
    }
    sb.append("Threads:\t1\nSigQ:\t0/1\nCpus_allowed_list:\t0-1\n");
    sb.append("voluntary_ctxt_switches:\t").append(vol).append("\nnonvoluntary_ctxt_switches:\t").append(nonvol).append('\n');
    byte[] bytes = b(sb.toString());
    Status s = ProcParsers.parseStatus(bytes, bytes.length, new Status());
    String why = "seed " + seed + ": " + sb.toString().replace("\n", "\\n");
    assertEquals(name, s.name(), why);
    assertEquals(uids[1], s.effectiveUid, why);
    assertEquals(hasSwap ? swap : -1, s.vmSwapKb, why);
    assertEquals(hasSwap ? vol : -1, s.vmRssKb, why);
    assertEquals(vol, s.voluntary, why);
    assertEquals(nonvol, s.involuntary, why);
    assertEquals(state, (char) s.state, why);
  }
}
