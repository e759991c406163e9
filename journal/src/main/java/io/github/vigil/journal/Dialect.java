package io.github.vigil.journal;

import java.util.Locale;

/** The two databases the journal speaks to. Internal. */
enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String resource;

  Dialect(String resource) {
    this.resource = resource;
  }

  String resource() {
    return resource;
  }

  /**
   * The dialect of a JDBC URL.
   *
   * @throws IllegalArgumentException naming the URL when it is neither {@code jdbc:sqlite:} nor {@code jdbc:postgresql:}
   */
  static Dialect of(String jdbcUrl) {
    String u = jdbcUrl.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("journal url must start with jdbc:sqlite: or jdbc:postgresql: '" + jdbcUrl + "'");
  }
}
