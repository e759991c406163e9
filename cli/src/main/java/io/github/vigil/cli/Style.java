package io.github.vigil.cli;

/**
 * ANSI colour, on only when asked or when printing to a terminal (and {@code NO_COLOR} is unset); and whether the
 * terminal is ASCII, so that tables are drawn in ASCII. Immutable.
 */
final class Style {
  private final boolean on;
  private final boolean ascii;

  Style(boolean on) {
    this(on, false);
  }

  Style(boolean on, boolean ascii) {
    this.on = on;
    this.ascii = ascii;
  }

  static Style of(String mode, boolean ascii) {
    return switch (mode) {
      case "always" -> new Style(true, ascii);
      case "never" -> new Style(false, ascii);
      default -> new Style(isTerminal(), ascii);
    };
  }

  /** Whether the output's encoding lacks the box-drawing characters (see {@link AsciiFallback}). */
  boolean ascii() {
    return ascii;
  }

  /** This style without colour. */
  Style plain() {
    return new Style(false, ascii);
  }

  /** Whether standard output is a terminal: a console whose {@code isTerminal()} (JDK 22+) agrees. */
  static boolean isTerminal() {
    if (System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // before JDK 22 a console exists only on a terminal
    }
  }

  boolean on() {
    return on;
  }

  String red(String s) {
    return wrap("31", s);
  }

  String green(String s) {
    return wrap("32", s);
  }

  String yellow(String s) {
    return wrap("33", s);
  }

  String cyan(String s) {
    return wrap("36", s);
  }

  String bold(String s) {
    return wrap("1", s);
  }

  String dim(String s) {
    return wrap("2", s);
  }

  private String wrap(String code, String s) {
    return on && !s.isEmpty() ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }

  /** A process state in its colour: RUNNING green, CRASHED/FAILED red, BACKOFF/STARTING/STOPPING yellow. */
  String state(String state) {
    return switch (state) {
      case "RUNNING" -> green(state);
      case "CRASHED", "FAILED" -> red(state);
      case "BACKOFF", "STARTING", "STOPPING" -> yellow(state);
      default -> state;
    };
  }
}
