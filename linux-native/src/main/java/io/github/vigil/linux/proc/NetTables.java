package io.github.vigil.linux.proc;

import io.github.vigil.ProcessSample.Protocol;
import io.github.vigil.ProcessSample.Socket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Parses the kernel's socket tables ({@code /proc/PID/net/tcp}, {@code tcp6}, {@code udp},
 * {@code udp6}): addresses are hexadecimal in the kernel's (little-endian) word order, e.g.
 * {@code 0100007F:B373} is 127.0.0.1:45939. Stateless.
 */
final class NetTables {
  private NetTables() {}

  private static final String[] TCP_STATES = {
      "UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
      "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

  /** The name of a kernel socket state number ({@code 0A} is {@code LISTEN}). */
  static String stateName(int code) {
    return code > 0 && code < TCP_STATES.length ? TCP_STATES[code] : "UNKNOWN(" + code + ")";
  }

  /**
   * Adds to {@code out} every socket of {@code table} whose inode is in {@code inodes} (sorted),
   * attributing it to {@code pidOfInode[i]}.
   */
  static void parse(byte[] b, int len, Protocol protocol, long[] inodes, long[] pidOfInode, int count, List<Socket> out) {
    int p = ProcParsers.indexOf(b, 0, len, '\n') + 1; // skip the header
    while (p > 0 && p < len) {
      int eol = ProcParsers.indexOf(b, p, len, '\n');
      if (eol < 0) {
        eol = len;
      }
      parseLine(b, p, eol, protocol, inodes, pidOfInode, count, out);
      p = eol + 1;
    }
  }

  private static void parseLine(byte[] b, int start, int end, Protocol protocol, long[] inodes, long[] pids, int count,
      List<Socket> out) {
    int[] tokStart = new int[10];
    int[] tokEnd = new int[10];
    int n = 0;
    int p = start;
    while (p < end && n < 10) {
      while (p < end && b[p] == ' ') {
        p++;
      }
      if (p >= end) {
        break;
      }
      tokStart[n] = p;
      while (p < end && b[p] != ' ') {
        p++;
      }
      tokEnd[n++] = p;
    }
    if (n < 10) {
      throw new ProcParsers.ProcFormatException("net/" + table(protocol) + ": fewer than 10 columns in '"
          + new String(b, start, end - start, java.nio.charset.StandardCharsets.US_ASCII) + "'");
    }
    long inode = ProcParsers.number(b, tokStart[9], tokEnd[9], "net/" + table(protocol), "inode");
    int i = java.util.Arrays.binarySearch(inodes, 0, count, inode);
    if (i < 0) {
      return;
    }
    InetSocketAddress local = address(b, tokStart[1], tokEnd[1], protocol);
    InetSocketAddress remote = address(b, tokStart[2], tokEnd[2], protocol);
    int state = (int) hex(b, tokStart[3], tokEnd[3], protocol, "st");
    out.add(new Socket(protocol, local, remote, stateName(state), pids[i], inode));
  }

  /** {@code AABBCCDD:PPPP}: the address words in host order (little-endian here), the port big-endian. */
  static InetSocketAddress address(byte[] b, int start, int end, Protocol protocol) {
    int colon = ProcParsers.indexOf(b, start, end, ':');
    int hexLen = colon - start;
    if (colon < 0 || (hexLen != 8 && hexLen != 32)) {
      throw new ProcParsers.ProcFormatException("net/" + table(protocol) + ": bad address '"
          + new String(b, start, end - start, java.nio.charset.StandardCharsets.US_ASCII) + "'");
    }
    byte[] addr = new byte[hexLen / 2];
    for (int word = 0; word < hexLen / 8; word++) {
      long w = hex(b, start + word * 8, start + word * 8 + 8, protocol, "address");
      for (int k = 0; k < 4; k++) {
        addr[word * 4 + k] = (byte) (w >>> (8 * k)); // little-endian word: lowest byte first
      }
    }
    int port = (int) hex(b, colon + 1, end, protocol, "port");
    try {
      return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot happen for 4 or 16 bytes", e);
    }
  }

  private static long hex(byte[] b, int start, int end, Protocol protocol, String field) {
    if (start >= end || end - start > 16) {
      throw new ProcParsers.ProcFormatException("net/" + table(protocol) + ": field " + field + " is not hexadecimal");
    }
    long v = 0;
    for (int i = start; i < end; i++) {
      int c = b[i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) {
        throw new ProcParsers.ProcFormatException("net/" + table(protocol) + ": field " + field + " is not hexadecimal: '"
            + new String(b, start, end - start, java.nio.charset.StandardCharsets.US_ASCII) + "'");
      }
      v = v << 4 | d;
    }
    return v;
  }

  static String table(Protocol protocol) {
    switch (protocol) {
      case TCP:
        return "tcp";
      case TCP6:
        return "tcp6";
      case UDP:
        return "udp";
      default:
        return "udp6";
    }
  }
}
