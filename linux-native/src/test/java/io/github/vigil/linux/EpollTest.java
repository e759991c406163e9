package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The event loop's epoll: exactly the descriptors with events come back, named by their number, while
 * descriptors are added and removed between waits; more ready than one wait returns come back on the
 * next. Real eventfds and a real child's pidfd.
 */
@EnabledOnOs(OS.LINUX)
class EpollTest {
  private final TestEventfds eventfds = new TestEventfds();

  @AfterEach
  void closeAll() {
    eventfds.close();
  }

  @Test
  void exactlyTheDescriptorsWithEventsComeBackWhileTheSetChanges() {
    Random random = new Random(18); // seeded: a failure names its round and replays
    try (Epoll epoll = new Epoll(8)) { // fewer than may be ready at once: the rest come on the next wait
      List<Integer> watched = new ArrayList<>();
      List<Integer> unwatched = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int fd = eventfds.open();
        epoll.add(fd, Epoll.IN);
        watched.add(fd);
      }
      for (int round = 0; round < 200; round++) {
        if (round % 3 == 1 && watched.size() > 1) { // remove one, or add one back
          int fd = watched.remove(random.nextInt(watched.size()));
          epoll.remove(fd);
          unwatched.add(fd);
        } else if (round % 3 == 2 && !unwatched.isEmpty()) {
          int fd = unwatched.remove(random.nextInt(unwatched.size()));
          epoll.add(fd, Epoll.IN);
          watched.add(fd);
        }
        Set<Integer> signalled = new HashSet<>();
        for (int k = 0; k < random.nextInt(12); k++) {
          int fd = watched.get(random.nextInt(watched.size()));
          Fds.signalEventfd(fd);
          signalled.add(fd);
        }
        if (!unwatched.isEmpty()) {
          Fds.signalEventfd(unwatched.get(0)); // readable, but not watched: never returned
        }
        Set<Integer> seen = new HashSet<>();
        for (int n; (n = epoll.await(0)) > 0; ) {
          for (int i = 0; i < n; i++) {
            assertThat(epoll.events(i) & Epoll.IN).as("round %d: fd %d readable", round, epoll.fd(i)).isNotZero();
            assertThat(seen.add(epoll.fd(i))).as("round %d: fd %d once", round, epoll.fd(i)).isTrue();
            Fds.clearEventfd(epoll.fd(i)); // level-triggered: cleared, it is not returned again
          }
        }
        assertThat(seen).as("round %d", round).isEqualTo(signalled);
        unwatched.forEach(Fds::clearEventfd);
      }
    }
  }

  @Test
  void aChildsPidfdComesBackWhenItExits() throws Exception {
    Process child = new ProcessBuilder("sleep", "30").start();
    Pidfd pidfd = Pidfd.open((int) child.pid()).orElseThrow();
    try (Epoll epoll = new Epoll(4)) {
      epoll.add(pidfd.fd(), Epoll.IN);
      assertThat(epoll.await(0)).as("alive: no event").isZero();
      child.destroyForcibly();
      assertThat(epoll.await(10_000)).isEqualTo(1);
      assertThat(epoll.fd(0)).isEqualTo(pidfd.fd());
      child.waitFor();
    } finally {
      pidfd.close();
    }
  }

  @Test
  void theEventLayoutIsPackedOnX8664Only() {
    assertThat(Epoll.isX86_64("amd64")).isTrue();
    assertThat(Epoll.isX86_64("x86_64")).isTrue();
    assertThat(Epoll.isX86_64("aarch64")).isFalse();
  }
}
