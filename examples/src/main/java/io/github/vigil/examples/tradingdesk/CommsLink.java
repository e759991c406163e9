package io.github.vigil.examples.tradingdesk;

/**
 * A stand-in communication process with a bad configuration: it dies during start-up every time,
 * so Vigil's start limit gives up on it and marks it FAILED instead of restarting it forever.
 */
public final class CommsLink {
  private CommsLink() {}

  public static void main(String[] args) {
    System.err.println("comms link: cannot read /etc/comms/session.cfg");
    System.exit(78); // EX_CONFIG
  }
}
