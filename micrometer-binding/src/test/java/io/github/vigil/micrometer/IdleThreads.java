package io.github.vigil.micrometer;

import java.util.concurrent.CountDownLatch;

/** A child JVM for tests: starts {@code args[0]} threads that wait forever, then waits itself. */
public final class IdleThreads {
  private IdleThreads() {}

  public static void main(String[] args) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < Integer.parseInt(args[0]); i++) {
      Thread t = new Thread(() -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "idle-" + i);
      t.setDaemon(true);
      t.start();
    }
    never.await();
  }
}
