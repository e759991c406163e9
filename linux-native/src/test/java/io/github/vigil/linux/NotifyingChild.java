package io.github.vigil.linux;


/**
 * A service written for systemd's {@code Type=notify}, in a few lines: it says {@code STATUS=},
 * then {@code READY=1}, then sends {@code WATCHDOG=1} three times per watchdog interval for
 * {@code args[0]} pings, then hangs without pinging. {@code args[1]} is a marker for tests.
 */
public final class NotifyingChild {
  private NotifyingChild() {}

  public static void main(String[] args) throws Exception {
    String socket = System.getenv("NOTIFY_SOCKET");
    long watchdogMillis = Long.parseLong(System.getenv().getOrDefault("WATCHDOG_USEC", "3000000")) / 1000;
    int pings = Integer.parseInt(args[0]);
    UnixDatagram.send(socket, "STATUS=warming up");
    Thread.sleep(300);
    UnixDatagram.send(socket, "READY=1\nSTATUS=serving quotes");
    for (int i = 0; i < pings; i++) {
      Thread.sleep(watchdogMillis / 3);
      UnixDatagram.send(socket, "WATCHDOG=1");
    }
    Thread.sleep(Long.MAX_VALUE); // hung: no more pings
  }
}
