package io.github.vigil.testing;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link OutsiderTest}: starts an {@link Outsider} running {@code args[0]}, prints
 * {@code READY program-pid shell-pid}, then waits to be killed.
 */
public final class OutsiderHolderMain {
  private OutsiderHolderMain() {}

  public static void main(String[] args) throws Exception {
    Outsider o = Outsider.start(Path.of(args[0]));
    System.out.println("READY " + o.pid() + " " + o.parentPid().orElse(-1L));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
