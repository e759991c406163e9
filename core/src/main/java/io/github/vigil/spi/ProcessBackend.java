package io.github.vigil.spi;

import java.util.Optional;

/**
 * Spawns processes, signals them and watches them end: what differs between operating systems.
 * The supervision engine above it is the same for every backend.
 *
 * <p>Implementations must be thread-safe and must not keep a thread per process.
 */
public interface ProcessBackend extends AutoCloseable {

  /** The provider's name: {@code "jdk"}, {@code "linux"}. */
  String name();

  /**
   * Spawns one run, draining its standard output and error into {@code listener} so the child never
   * blocks on a full pipe, and calling {@link ProcessListener#onExit} once when it ends.
   *
   * @throws SpawnException when the operating system refuses to start it; the message says why
   */
  RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException;

  /**
   * A spawn that does not block the caller, if this backend's spawns run on a thread of its own (the
   * Linux backend's event loop). The default has none: the supervisor then calls {@link #spawn} on one
   * of its I/O threads, so that the supervision thread never waits for a fork.
   */
  default Optional<AsyncSpawner> asyncSpawner() {
    return Optional.empty();
  }

  /**
   * Whether the supervisor checks the working directory and resolves the program on this machine's
   * filesystem before each spawn (true by default): the request's {@link SpawnRequest#executable()}
   * is then an absolute path that existed and was executable, and a missing binary is reported as
   * "binary /opt/feed not found" without calling the backend. A backend that spawns somewhere else
   * (a container, a remote host) or a fake one for tests returns false: the request then carries the
   * program as written ({@code Path.of(command.get(0))}) and the backend reports what is wrong
   * through a {@link SpawnException}.
   */
  default boolean hostStartChecks() {
    return true;
  }

  /**
   * This backend's process sampler, if it has one. The default has none; the JDK backend offers
   * one built on {@link ProcessHandle}, the Linux backend a {@code /proc} sampler.
   */
  default Optional<ProcessSampler> sampler() {
    return Optional.empty();
  }

  /** Whether {@link #openNotifySocket} can open sockets for systemd's notify protocol. */
  default boolean offersNotifySockets() {
    return false;
  }

  /**
   * Opens a socket for systemd's notify protocol on behalf of {@code processName}, if this backend
   * can (Unix datagram sockets need native calls: the Linux backend can, the JDK backend cannot).
   *
   * @return empty when this backend does not offer the protocol
   * @throws java.io.IOException when it does but the socket cannot be made
   */
  default java.util.Optional<NotifySocket> openNotifySocket(String processName, NotifySocket.Listener listener)
      throws java.io.IOException {
    return java.util.Optional.empty();
  }

  /**
   * Lists the machine's processes, for attaching to processes Vigil did not start. The default is
   * the JDK's {@link ProcessHandle}s; the Linux backend reads {@code /proc}.
   */
  default ProcessTable processTable() {
    return JdkProcessTable.INSTANCE;
  }

  /**
   * Tells of the exit of processes this backend did not start, if it can (the Linux backend, through
   * pidfds on its event loop). The default cannot: the supervisor then polls {@link #processTable()}.
   */
  default Optional<ExitWatcher> exitWatcher() {
    return Optional.empty();
  }

  /**
   * Who holds listening TCP sockets, if this backend can tell: the Linux backend reads {@code /proc};
   * the default (and the JDK backend) cannot, and health checks then accept any listener on a port.
   */
  default Optional<ListeningSockets> listeningSockets() {
    return Optional.empty();
  }

  /**
   * What this backend can tell a diagnosis beyond the portable checks, if anything: who holds a port
   * (user, start time, whether it is a run of a supervised process), limits hit. The default has
   * nothing; the Linux backend reads {@code /proc} and its cgroups.
   */
  default Optional<ProcessInspector> inspector() {
    return Optional.empty();
  }

  /** Releases the backend's threads and resources. Processes must have been stopped before. */
  @Override
  void close();
}
