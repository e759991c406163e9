package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
  @Test
  void roundTripsAndSkipsMalformedLines(@TempDir Path dir) throws Exception {
    StateFile f = new StateFile(dir);
    Map<Integer, StateFile.Run> runs = new LinkedHashMap<>();
    runs.put(4711, new StateFile.Run(4711, 123456, "quote-feed"));
    runs.put(4712, new StateFile.Run(4712, 123457, "name with spaces"));
    f.write(List.of(Path.of("/sys/fs/cgroup/unified/vigil-00ff"), Path.of("/sys/fs/cgroup/memory/a b/vigil-00ff")), runs);
    Files.writeString(dir.resolve(StateFile.NAME), "run x y z\nrun 1\nbogus\n", java.nio.file.StandardOpenOption.APPEND);
    StateFile.Contents c = f.read();
    assertThat(c.bases()).containsExactly(Path.of("/sys/fs/cgroup/unified/vigil-00ff"), Path.of("/sys/fs/cgroup/memory/a b/vigil-00ff"));
    assertThat(c.runs()).containsExactlyElementsOf(runs.values());
    f.delete();
    assertThat(f.read().runs()).isEmpty();
  }
}
