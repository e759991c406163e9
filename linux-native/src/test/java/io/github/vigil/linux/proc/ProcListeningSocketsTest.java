package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSample.Protocol;
import io.github.vigil.spi.ListeningSockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Who holds a listening socket, read from the real /proc, and the socket tables' format. */
class ProcListeningSocketsTest {

  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void parsesListenersOfOnePortOnly() throws Exception {
    String tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        + "   0: 0100007F:4C2C 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000 100 0 0 10 0\n"
        + "   1: 0100007F:4C2C 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 434343 1 0000 20 4 30 10 -1\n"
        + "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 454545 1 0000 100 0 0 10 0\n";
    List<ListeningSockets.Listener> out = new ArrayList<>();
    ProcListeningSockets.parse(tcp, Protocol.TCP, 0x4C2C, out);
    assertThat(out).containsExactly(new ListeningSockets.Listener(new InetSocketAddress("127.0.0.1", 19500), 424242));
    String tcp6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        + "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 464646 1 0000 100 0 0 10 0\n";
    out.clear();
    ProcListeningSockets.parse(tcp6, Protocol.TCP6, 8080, out);
    assertThat(out).singleElement().satisfies(l -> {
      assertThat(l.inode()).isEqualTo(464646);
      assertThat(l.local().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(l.accepts(InetAddress.getLoopbackAddress())).as("a wildcard accepts loopback").isTrue();
    });
  }

  @Test
  void parsesTheConnectionsOfOnePortThatDoNotListen() {
    String tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        + "   0: 0100007F:4C2C 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000 100 0 0 10 0\n"
        + "   1: 0100007F:4C2C 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 434343 1 0000 20 4 30 10 -1\n"
        + "   2: 0100007F:4C2C 0100007F:D2F2 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n"
        + "   3: 0100007F:D2F4 0100007F:4C2C 01 00000000:00000000 00:00000000 00000000  1000        0 444444 1 0000 20 4 30 10 -1\n";
    List<ListeningSockets.Connection> out = new ArrayList<>();
    ProcListeningSockets.parseConnections(tcp, Protocol.TCP, 0x4C2C, out);
    assertThat(out).containsExactly(
        new ListeningSockets.Connection(new InetSocketAddress("127.0.0.1", 19500), new InetSocketAddress("127.0.0.1", 0xD2F0), "ESTABLISHED", 434343),
        new ListeningSockets.Connection(new InetSocketAddress("127.0.0.1", 19500), new InetSocketAddress("127.0.0.1", 0xD2F2), "TIME_WAIT", 0));
    assertThat(out.get(1)).hasToString("127.0.0.1:19500 <-> 127.0.0.1:54002 TIME_WAIT");
  }

  @Test
  void aListenerAcceptsItsOwnAddressAndItsIpv4MappedForm() throws Exception {
    ListeningSockets.Listener l = new ListeningSockets.Listener(new InetSocketAddress("127.0.0.1", 80), 1);
    assertThat(l.accepts(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(l.accepts(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1})))
        .isTrue();
    assertThat(l.accepts(InetAddress.getByName("127.0.0.2"))).isFalse();
    assertThat(l.accepts(InetAddress.getByName("::1"))).isFalse();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void findsThisJvmHoldingItsServerSocketAndASleepNotHoldingIt() throws Exception {
    ProcListeningSockets sockets = new ProcListeningSockets(Path.of("/proc"));
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      List<ListeningSockets.Listener> listeners = sockets.listeners(port);
      assertThat(listeners).singleElement().satisfies(l -> assertThat(l.local()).isEqualTo(new InetSocketAddress("127.0.0.1", port)));
      Set<Long> inodes = Set.of(listeners.get(0).inode());
      Process sleep = new ProcessBuilder("sleep", "30").start();
      try {
        assertThat(sockets.holderAmong(List.of(sleep.pid()), inodes)).isEmpty();
        assertThat(sockets.holderAmong(List.of(sleep.pid(), SELF), inodes)).hasValue(SELF);
      } finally {
        sleep.destroyForcibly().waitFor();
      }
      List<ListeningSockets.Holder> holders = sockets.whoListensOn(InetAddress.getLoopbackAddress(), port);
      assertThat(holders).singleElement().satisfies(h -> {
        assertThat(h.pid()).isEqualTo(SELF);
        assertThat(h.commandLine()).contains("java");
        assertThat(h.toString()).startsWith("pid " + SELF + " (");
      });
    }
    assertThat(sockets.listeners(0)).as("nothing listens on port 0").isEmpty();
  }
}
