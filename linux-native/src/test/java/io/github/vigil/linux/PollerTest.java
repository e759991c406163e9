package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The poll set is copied to the kernel's array only when it changed, and its results read back only
 * when poll reported events: every descriptor's events must still come back at its own index,
 * whether the set was rebuilt the same, reordered, shrunk or grown past the first array. Real
 * eventfds, really signalled.
 */
@EnabledOnOs(OS.LINUX)
class PollerTest {
  private final TestEventfds eventfds = new TestEventfds();

  @AfterEach
  void closeAll() {
    eventfds.close();
  }

  @Test
  void eachDescriptorsEventsComeBackAtItsIndexAcrossRebuilds() {
    Random random = new Random(18); // seeded: a failure names its round and replays
    List<Integer> fds = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // past the first native array of 64
      fds.add(eventfds.open());
    }
    Poller poller = new Poller();
    for (int round = 0; round < 200; round++) {
      // the same set most of the time (as an idle event loop rebuilds it), else reordered or cut short
      List<Integer> set = new ArrayList<>(fds);
      if (round % 5 == 3) {
        java.util.Collections.shuffle(set, random);
      }
      if (round % 7 == 5) {
        set = set.subList(0, 1 + random.nextInt(set.size()));
      }
      List<Integer> signalled = new ArrayList<>();
      if (round % 4 != 0) { // a quarter of the rounds: nothing ready, a timeout
        for (int k = 0; k < 1 + random.nextInt(3); k++) {
          int fd = set.get(random.nextInt(set.size()));
          Fds.signalEventfd(fd);
          signalled.add(fd);
        }
      }
      poller.clear();
      for (int fd : set) {
        poller.add(fd, Poller.IN);
      }
      int ready = poller.poll(0);
      assertThat(ready).as("round %d: descriptors ready", round).isEqualTo((int) signalled.stream().distinct().count());
      for (int i = 0; i < set.size(); i++) {
        boolean in = (poller.revents(i) & Poller.IN) != 0;
        assertThat(in).as("round %d: index %d (fd %d) readable", round, i, set.get(i)).isEqualTo(signalled.contains(set.get(i)));
      }
      signalled.forEach(Fds::clearEventfd);
    }
  }
}
