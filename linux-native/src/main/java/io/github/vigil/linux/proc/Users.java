package io.github.vigil.linux.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Effective user names from a {@code passwd} file, loaded once and again when an unknown uid shows
 * up (at most once a minute); a uid without a name is given as its number, as {@code ps} does.
 * Not thread-safe: used under the sampler's lock.
 */
final class Users {
  private static final Logger log = LoggerFactory.getLogger(Users.class);
  private static final long RELOAD_NANOS = 60_000_000_000L;

  private final Path passwd;
  private Map<Long, String> names = Map.of();
  private long loadedAt = Long.MIN_VALUE;
  private long lastUid = -1;
  private String lastName = "";

  Users(Path passwd) {
    this.passwd = passwd;
  }

  String name(long uid) {
    if (uid == lastUid) {
      return lastName;
    }
    String name = names.get(uid);
    if (name == null && (loadedAt == Long.MIN_VALUE || System.nanoTime() - loadedAt > RELOAD_NANOS)) {
      load();
      name = names.get(uid);
    }
    if (name == null) {
      name = Long.toString(uid);
    }
    lastUid = uid;
    lastName = name;
    return name;
  }

  private void load() {
    loadedAt = System.nanoTime();
    Map<Long, String> m = new HashMap<>();
    try {
      List<String> lines = Files.readAllLines(passwd);
      for (String line : lines) {
        String[] f = line.split(":", -1);
        if (f.length >= 3 && !f[0].isEmpty()) {
          try {
            m.putIfAbsent(Long.parseLong(f[2]), f[0]);
          } catch (NumberFormatException e) {
            log.debug("Ignoring a passwd line with uid '{}'", f[2]);
          }
        }
      }
    } catch (IOException e) {
      log.debug("Cannot read {}: user names will be numbers", passwd, e);
    }
    names = m;
  }
}
