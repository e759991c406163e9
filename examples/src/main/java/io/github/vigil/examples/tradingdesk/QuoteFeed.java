package io.github.vigil.examples.tradingdesk;

import java.util.SplittableRandom;

/**
 * A stand-in quote feed: prints a quote five times a second and loses its upstream connection
 * after a few seconds, exiting with status 1 — the process Vigil keeps restarting.
 */
public final class QuoteFeed {
  private QuoteFeed() {}

  public static void main(String[] args) throws InterruptedException {
    long lifeMillis = args.length > 0 ? Long.parseLong(args[0]) : 3000;
    SplittableRandom random = new SplittableRandom();
    long end = System.currentTimeMillis() + lifeMillis / 2 + random.nextLong(lifeMillis);
    double price = 101.25;
    while (System.currentTimeMillis() < end) {
      price += (random.nextDouble() - 0.5) / 10;
      System.out.printf("XLON VOD bid %.2f ask %.2f%n", price, price + 0.02);
      Thread.sleep(200);
    }
    System.err.println("upstream connection reset by peer");
    System.exit(1);
  }
}
