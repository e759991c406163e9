package io.github.vigil.alerts;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps what it was sent (and can be told to fail the next n attempts). */
final class RecordingSink implements NotificationSink {
  private final String name;
  private final List<Notification> sent = new ArrayList<>();
  private int failNext;
  private int attempts;

  RecordingSink(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void send(Notification n) throws Exception {
    attempts++;
    if (failNext > 0) {
      failNext--;
      throw new java.io.IOException("refused by the test (" + failNext + " more)");
    }
    sent.add(n);
  }

  synchronized List<Notification> sent() {
    return List.copyOf(sent);
  }

  synchronized void failNext(int n) {
    failNext = n;
  }

  synchronized int attempts() {
    return attempts;
  }
}
