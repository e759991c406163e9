package io.github.vigil.examples.tradingdesk;

/** A stand-in order gateway for one account (the first argument): steady, a heartbeat a second, a clean exit on SIGTERM. */
public final class OrderGateway {
  private OrderGateway() {}

  public static void main(String[] args) throws InterruptedException {
    String account = args.length > 0 ? args[0] : "001";
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("order gateway " + account + ": drained, bye")));
    long n = 0;
    while (true) {
      System.out.println("order gateway " + account + " heartbeat " + n++);
      Thread.sleep(1000);
    }
  }
}
