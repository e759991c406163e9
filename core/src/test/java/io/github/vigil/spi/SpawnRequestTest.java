package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SpawnRequest's written-out equals and hashCode mean what a record's generated ones do. */
class SpawnRequestTest {

  private static SpawnRequest request(String name, List<String> command, Path dir, Map<String, String> env, Path exe,
      Map<String, String> labels) {
    return new SpawnRequest(name, command, dir, env, exe, labels);
  }

  @Test
  void equalFieldsInOtherInstancesAreEqualAndEachFieldCounts() {
    Path dir = Path.of("/tmp");
    Map<String, String> env = Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8");
    Map<String, String> labels = Map.of("vigil.linux.memory.max", "64M");
    SpawnRequest a = request("feed", List.of("/bin/sleep", "10"), dir, env, Path.of("/bin/sleep"), labels);
    SpawnRequest same = request(new String("feed"), new ArrayList<>(List.of("/bin/sleep", "10")), Path.of("/tmp"),
        new HashMap<>(env), Path.of("/bin/sleep"), new HashMap<>(labels));
    assertThat(same).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a).isEqualTo(a).isNotEqualTo(null).isNotEqualTo("feed");

    List<SpawnRequest> others = List.of(
        request("quote", a.command(), dir, env, a.executable(), labels),
        request("feed", List.of("/bin/sleep", "11"), dir, env, a.executable(), labels),
        request("feed", a.command(), Path.of("/var/tmp"), env, a.executable(), labels),
        request("feed", a.command(), null, env, a.executable(), labels),
        request("feed", a.command(), dir, Map.of("PATH", "/usr/bin"), a.executable(), labels),
        request("feed", a.command(), dir, env, Path.of("/usr/bin/sleep"), labels),
        request("feed", a.command(), dir, env, a.executable(), Map.of()));
    for (SpawnRequest other : others) {
      assertThat(a).as("differs from %s", other).isNotEqualTo(other);
      assertThat(other).as("differs from %s", a).isNotEqualTo(a);
    }
    SpawnRequest noDir = request("feed", a.command(), null, env, a.executable(), labels);
    assertThat(request("feed", a.command(), null, env, a.executable(), labels)).isEqualTo(noDir).hasSameHashCodeAs(noDir);
  }
}
