package io.github.vigil.alerts;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What slf4j-simple (the tests' logger, which writes to {@code System.err} as it is then) writes while a task runs. */
final class Stderr {
  private Stderr() {}

  /** Runs {@code r} with {@code System.err} captured, and returns what was written to it. */
  static String of(Runnable r) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
