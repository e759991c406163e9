package io.github.vigil.linux;

import java.util.ArrayList;
import java.util.List;

/** Real eventfds for one test, closed after it. */
final class TestEventfds implements AutoCloseable {
  private final List<Integer> open = new ArrayList<>();

  /** A new non-blocking eventfd, closed by {@link #close()}. */
  int open() {
    int fd = Fds.eventfd();
    open.add(fd);
    return fd;
  }

  @Override
  public void close() {
    open.forEach(Fds::close);
    open.clear();
  }
}
