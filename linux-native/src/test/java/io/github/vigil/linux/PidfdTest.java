package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The bindings against the kernel on this architecture: {@code siginfo_t} offsets (si_code, si_pid,
 * si_status), {@code struct pollfd} layout, errno turned into exceptions naming the call.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class PidfdTest {

  @Test
  void exitCodeSignalAndPidComeFromTheRightSiginfoOffsets() {
    int[] out = Fds.pipe();
    try {
      int exited = Spawner.spawn("/bin/sh", List.of("/bin/sh", "-c", "exit 42"), List.of(), null, out[1], out[1]);
      int killed = Spawner.spawn("/bin/sh", List.of("/bin/sh", "-c", "kill -KILL $$"), List.of(), null, out[1], out[1]);
      assertEquals(new WaitStatus(exited, 1, 42), awaitReap(exited));
      WaitStatus k = awaitReap(killed);
      assertEquals(new WaitStatus(killed, 2, 9), k);
      assertThat(k.signaled()).isTrue();
      assertThat(k.coreDumped()).isFalse();
    } finally {
      Fds.close(out[0]);
      Fds.close(out[1]);
    }
  }

  @Test
  void pollReportsEachDescriptorInItsOwnSlot() {
    int[] a = Fds.pipe();
    int[] b = Fds.pipe();
    int[] c = Fds.pipe();
    try {
      Poller poller = new Poller();
      for (int i = 0; i < 100; i++) { // grows past its first allocation
        poller.add(a[0], Poller.IN);
      }
      poller.clear();
      int ia = poller.add(a[0], Poller.IN);
      int ib = poller.add(b[0], Poller.IN);
      int ic = poller.add(c[0], Poller.IN);
      Fds.close(b[1]); // b hangs up
      b[1] = -1;
      com.sun.jna.Memory one = new com.sun.jna.Memory(1);
      one.setByte(0, (byte) 'x');
      LinuxLibC.INSTANCE.write(c[1], one, 1);
      assertEquals(2, poller.poll(1000));
      assertEquals(0, poller.revents(ia));
      assertThat(poller.revents(ib) & Poller.ERR_HUP_NVAL).isNotZero();
      assertEquals(Poller.IN, poller.revents(ic));
    } finally {
      for (int[] p : new int[][] {a, b, c}) {
        for (int fd : p) {
          if (fd >= 0) {
            Fds.close(fd);
          }
        }
      }
    }
  }

  @Test
  void errorsNameTheCall() {
    // this JVM's own pid is not its child
    try (Pidfd self = Pidfd.open(Kernel.pid()).orElseThrow()) {
      assertThatThrownBy(self::reap).isInstanceOf(NativeCallException.class)
          .hasMessageContaining("waitid(P_PIDFD").hasMessageContaining("errno 10")
          .satisfies(e -> assertEquals(10, ((NativeCallException) e).errno()));
    }
    assertThat(Pidfd.open(Integer.MAX_VALUE)).isEmpty(); // no such process: ESRCH is "already gone", not an error
    assertThatThrownBy(() -> Spawner.spawn("/no/such/binary", List.of("x"), List.of(), null, 1, 2))
        .isInstanceOf(NativeCallException.class).hasMessageContaining("posix_spawn(/no/such/binary)").hasMessageContaining("errno 2");
  }

  private static WaitStatus awaitReap(int pid) {
    try (Pidfd fd = Pidfd.open(pid).orElseThrow()) {
      Poller poller = new Poller();
      poller.add(fd.fd(), Poller.IN);
      assertThat(poller.poll(10_000)).isEqualTo(1);
      Optional<WaitStatus> st = fd.reap();
      assertThat(fd.sendSignal(9)).as("a reaped process cannot be signalled through its pidfd").isFalse();
      return st.orElseThrow();
    }
  }
}
