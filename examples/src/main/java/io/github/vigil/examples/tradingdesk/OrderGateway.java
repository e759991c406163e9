package io.github.vigil.examples.tradingdesk;

/** A stand-in order gateway: steady, a heartbeat a second, a clean exit on SIGTERM. */
public final class OrderGateway {
  private OrderGateway() {}

  public static void main(String[] args) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("order gateway: drained, bye")));
    long n = 0;
    while (true) {
      System.out.println("order gateway heartbeat " + n++);
      Thread.sleep(1000);
    }
  }
}
