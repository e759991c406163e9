package io.github.vigil.micrometer;

import java.util.concurrent.CountDownLatch;

/**
 * A child JVM for tests: starts {@code args[0]} threads that wait forever, then waits itself; with a second argument
 * {@code tick}, one more thread sleeps 10 ms again and again, so that the process makes about 100 voluntary context
 * switches a second however quiet the JVM's own threads are (a JDK 25 JVM made 18 in 3 s).
 */
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
    if (args.length > 1 && args[1].equals("tick")) {
      Thread ticker = new Thread(() -> {
        try {
          while (true) {
            Thread.sleep(10);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "tick");
      ticker.setDaemon(true);
      ticker.start();
    }
    never.await();
  }
}
