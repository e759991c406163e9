package io.github.vigil.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where this JVM's cgroups are, per hierarchy, read from {@code /proc/self/cgroup} and
 * {@code /proc/self/mountinfo}: pure v2, pure v1, or hybrid (v1 controllers plus a v2 tree, as on
 * this project's test machines).
 *
 * <p>Immutable and thread-safe.
 *
 * @param v2 this JVM's cgroup in the v2 tree, or null when cgroup2 is not mounted
 * @param v1Memory this JVM's cgroup in the v1 memory hierarchy, or null
 * @param v1Pids this JVM's cgroup in the v1 pids hierarchy, or null
 */
record CgroupLayout(@Nullable Path v2, @Nullable Path v1Memory, @Nullable Path v1Pids) {

  /** Reads the layout of this JVM. */
  static CgroupLayout detect() {
    try {
      return parse(Files.readString(Path.of("/proc/self/cgroup")), Files.readString(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      return new CgroupLayout(null, null, null);
    }
  }

  /** Parses the contents of {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}. */
  static CgroupLayout parse(String cgroupFile, String mountinfo) {
    Map<String, String> own = new HashMap<>(); // controller ("" for v2) -> path
    for (String line : cgroupFile.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        own.put("", f[2]);
      } else {
        for (String c : f[1].split(",")) {
          own.put(c, f[2]);
        }
      }
    }
    Path v2 = null;
    Path memory = null;
    Path pids = null;
    for (String line : mountinfo.split("\n")) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] pre = line.substring(0, dash).split(" ");
      String[] post = line.substring(dash + 3).split(" ");
      if (pre.length < 5 || post.length < 3) {
        continue;
      }
      String root = unescape(pre[3]);
      String mountPoint = unescape(pre[4]);
      if (post[0].equals("cgroup2") && v2 == null && own.containsKey("")) {
        v2 = join(mountPoint, root, own.get(""));
      } else if (post[0].equals("cgroup")) {
        Set<String> options = new LinkedHashSet<>(List.of(post[2].split(",")));
        if (options.contains("memory") && memory == null && own.containsKey("memory")) {
          memory = join(mountPoint, root, own.get("memory"));
        }
        if (options.contains("pids") && pids == null && own.containsKey("pids")) {
          pids = join(mountPoint, root, own.get("pids"));
        }
      }
    }
    return new CgroupLayout(v2, memory, pids);
  }

  /** A short description: {@code "hybrid (v2 /sys/fs/cgroup/unified, v1 memory, v1 pids)"}. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (v2 != null) {
      parts.add("v2 " + v2);
    }
    if (v1Memory != null) {
      parts.add("v1 memory " + v1Memory);
    }
    if (v1Pids != null) {
      parts.add("v1 pids " + v1Pids);
    }
    String kind = v2 != null && (v1Memory != null || v1Pids != null) ? "hybrid" : v2 != null ? "v2" : parts.isEmpty() ? "none" : "v1";
    return parts.isEmpty() ? kind : kind + " (" + String.join(", ", parts) + ")";
  }

  Optional<Path> v2Dir() {
    return Optional.ofNullable(v2);
  }

  private static Path join(String mountPoint, String mountRoot, String own) {
    String rel = own;
    if (!mountRoot.equals("/") && rel.startsWith(mountRoot)) {
      rel = rel.substring(mountRoot.length());
    }
    while (rel.startsWith("/")) {
      rel = rel.substring(1);
    }
    return rel.isEmpty() ? Path.of(mountPoint) : Path.of(mountPoint).resolve(rel);
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
