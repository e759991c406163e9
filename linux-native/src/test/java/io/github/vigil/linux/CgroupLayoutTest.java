package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Cgroup layouts from /proc/self/cgroup and /proc/self/mountinfo: this project's hybrid machines, pure v2 and pure v1. */
class CgroupLayoutTest {
  static final String HYBRID_CGROUP = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n4:memory:/process_api/5f55\n1:cpu:/\n0::/\n";
  static final String HYBRID_MOUNTS = """
      24 23 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec - tmpfs tmpfs ro,mode=755
      25 24 0:22 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate
      28 24 0:25 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
      29 24 0:26 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids
      """;

  @Test
  void hybrid() {
    CgroupLayout l = CgroupLayout.parse(HYBRID_CGROUP, HYBRID_MOUNTS);
    assertEquals(Path.of("/sys/fs/cgroup/unified"), l.v2());
    assertEquals(Path.of("/sys/fs/cgroup/memory/process_api/5f55"), l.v1Memory());
    assertEquals(Path.of("/sys/fs/cgroup/pids"), l.v1Pids());
    assertThat(l.describe()).startsWith("hybrid");
  }

  @Test
  void pureV2WithSystemdScope() {
    CgroupLayout l = CgroupLayout.parse("0::/user.slice/user-1000.slice/app.scope\n",
        "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
    assertEquals(Path.of("/sys/fs/cgroup/user.slice/user-1000.slice/app.scope"), l.v2());
    assertEquals(null, l.v1Memory());
    assertThat(l.describe()).startsWith("v2");
  }

  @Test
  void containerWithNamespacedRoot() {
    // in a cgroup namespace the mount root is the container's cgroup and /proc/self/cgroup says "/"
    CgroupLayout l = CgroupLayout.parse("0::/\n", "500 400 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    assertEquals(Path.of("/sys/fs/cgroup"), l.v2());
  }

  @Test
  void pureV1AndNone() {
    CgroupLayout v1 = CgroupLayout.parse("5:memory:/docker/abc\n", "28 24 0:25 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
    assertEquals(Path.of("/sys/fs/cgroup/memory"), v1.v1Memory());
    assertThat(v1.describe()).startsWith("v1");
    assertThat(CgroupLayout.parse("", "").describe()).isEqualTo("none");
  }
}
