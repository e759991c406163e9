package io.github.vigil.spi;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Lists the processes of the machine, for attaching to processes Vigil did not start. A backend
 * offers one through {@link ProcessBackend#processTable()}.
 *
 * <p>Implementations must be thread-safe, and must not throw because a process vanished while it
 * was read: it is left out.
 */
public interface ProcessTable {

  /**
   * Every process visible to this JVM, with its name and command line.
   *
   * @throws UncheckedIOException when the table itself cannot be read
   */
  List<ProcessEntry> list();

  /** The living process with this pid, or empty if there is none. */
  Optional<ProcessEntry> get(long pid);
}
