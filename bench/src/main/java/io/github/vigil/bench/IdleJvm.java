package io.github.vigil.bench;

import java.util.concurrent.CountDownLatch;

/** A JVM with {@code args[0]} extra parked threads that waits for its standard input to close: a stand-in for a gateway. */
public final class IdleJvm {
  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "parked-" + i);
      t.setDaemon(true);
      t.start();
    }
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the benchmark closes our input
    }
  }
}
