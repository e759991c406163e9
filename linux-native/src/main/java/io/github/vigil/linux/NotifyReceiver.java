package io.github.vigil.linux;

import com.sun.jna.Memory;
import io.github.vigil.spi.NotifySocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of systemd's notify protocol for every process of one supervisor: Unix datagram
 * sockets in a private directory (mode 0700, so only this user's processes can send), read by one
 * thread, {@code vigil-<name>-notify}, started with the first socket. Each datagram goes to its
 * socket's listener on that thread.
 *
 * <p>Thread-safe.
 */
final class NotifyReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyReceiver.class);
  private static final int MAX_DATAGRAM = 4096;

  private final String supervisorName;
  private final Map<UnixDatagram, NotifySocket.Listener> sockets = new ConcurrentHashMap<>();
  private final AtomicInteger counter = new AtomicInteger();
  private @Nullable Path directory; // guarded by this
  private @Nullable Thread thread;  // guarded by this
  private int wakeFd = -1;          // guarded by this
  private volatile boolean closed;

  NotifyReceiver(String supervisorName) {
    this.supervisorName = supervisorName;
  }

  /** A new socket whose datagrams go to {@code listener}. */
  synchronized NotifySocket open(String processName, NotifySocket.Listener listener) throws IOException {
    if (closed) {
      throw new IOException("backend closed");
    }
    if (directory == null) {
      directory = Files.createTempDirectory("vigil-notify-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      wakeFd = Fds.eventfd();
      Thread t = new Thread(this::run, "vigil-" + supervisorName + "-notify");
      t.setDaemon(true);
      thread = t;
      t.start();
    }
    UnixDatagram socket;
    try {
      socket = UnixDatagram.bind(directory.resolve(counter.incrementAndGet() + ".sock").toString());
    } catch (RuntimeException e) {
      throw new IOException("cannot open a notify socket for " + processName + ": " + e.getMessage(), e);
    }
    sockets.put(socket, listener);
    Fds.signalEventfd(wakeFd);
    log.atDebug().addKeyValue("process", processName).log("Notify socket of {} at {}", processName, socket.path());
    int wake = wakeFd;
    return new NotifySocket() {
      @Override
      public String address() {
        return socket.path();
      }

      @Override
      public void close() {
        if (sockets.remove(socket) != null) {
          socket.close();
          Fds.signalEventfd(wake);
        }
      }

      @Override
      public String toString() {
        return "NotifySocket{" + processName + ", " + socket.path() + "}";
      }
    };
  }

  private void run() {
    Poller poller = new Poller();
    Memory buffer = new Memory(MAX_DATAGRAM);
    Memory drain = new Memory(8);
    List<UnixDatagram> watched = new ArrayList<>();
    while (!closed) {
      poller.clear();
      watched.clear();
      int wake = poller.add(wakeFd, Poller.IN);
      for (UnixDatagram s : sockets.keySet()) {
        poller.add(s.fd(), Poller.IN);
        watched.add(s);
      }
      try {
        if (poller.poll(-1) <= 0) {
          continue;
        }
        if (poller.revents(wake) != 0) {
          Fds.read(wakeFd, drain);
        }
        for (int i = 0; i < watched.size(); i++) {
          if (poller.revents(wake + 1 + i) == 0) {
            continue;
          }
          UnixDatagram s = watched.get(i);
          NotifySocket.Listener listener = sockets.get(s);
          String text;
          while (listener != null && (text = s.receive(buffer)) != null) {
            try {
              listener.onDatagram(text);
            } catch (RuntimeException e) {
              log.warn("Notify listener {} failed on '{}'", listener, text, e);
            }
          }
        }
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("Notify receiver of {} failed; going on", supervisorName, e);
        }
      }
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
    }
    if (t != null) {
      Fds.signalEventfd(wakeFd);
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Fds.close(wakeFd);
    }
    for (UnixDatagram s : List.copyOf(sockets.keySet())) {
      s.close();
    }
    sockets.clear();
    Path dir = directory;
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        log.debug("Removing {} failed", dir, e);
      }
    }
  }
}
