package io.github.vigil.cli;

import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.TradeCalendar;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil}: reads a Vigil journal and prints status, history, restart and crash reports, and events.
 *
 * <p>Exit codes: 0 done; 1 {@code status} found a process crashed, failed or backing off, an attachment stopped, not
 * found or in error, or a process of this machine said to run whose pid is gone; 2 bad usage;
 * 3 nothing recorded (no such process, no crash); 4 the journal could not be read.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VigilCli.Version.class,
    description = "Reads a Vigil journal (SQLite file or PostgreSQL), with the gateway running or not.",
    subcommands = {StatusCommand.class, HistoryCommand.class, RestartsCommand.class, CrashCommand.class, EventsCommand.class, DiagnoseCommand.class},
    // each line within the 80 columns picocli wraps help at: a longer one was wrapped there, its last word alone
    footer = {"", "Exit codes:",
        "  0  done",
        "  1  status: a process is crashed, failed or backing off, an attachment is",
        "     stopped, not found or in error, or a process said to run on this machine",
        "     has its pid gone",
        "  2  bad usage (the message names the option and the value)",
        "  3  nothing recorded (no such process, crash, diagnosis or host; no rows)",
        "  4  the journal could not be read",
        "The journal: --journal FILE|JDBC-URL, or VIGIL_JOURNAL, or ./vigil-journal.db."})
public final class VigilCli implements Callable<Integer> {
  static final int OK = 0;
  static final int ATTENTION = 1;
  static final int NOTHING = 3;
  static final int UNREADABLE = 4;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Whether the output is an ASCII terminal, where tables are drawn in ASCII. */
  private final boolean ascii;

  private VigilCli(boolean ascii) {
    this.ascii = ascii;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // the terminal's encoding (native.encoding, JDK 17+), not file.encoding, which JDK 18+ fixes at UTF-8
    Charset terminal = Charset.forName(System.getProperty("native.encoding", "UTF-8"));
    System.exit(run(args, new PrintWriter(AsciiFallback.of(System.out, terminal), true),
        new PrintWriter(AsciiFallback.of(System.err, terminal), true), AsciiFallback.needed(terminal)));
  }

  /** Runs the command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, false);
  }

  /** {@link #run(String[], PrintWriter, PrintWriter)}, drawing tables in ASCII when {@code ascii}. */
  static int run(String[] args, PrintWriter out, PrintWriter err, boolean ascii) {
    CommandLine cl = new CommandLine(new VigilCli(ascii));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof SQLException || e.getCause() instanceof SQLException) {
        line.getErr().println("vigil: cannot read the journal: " + e.getMessage());
        return UNREADABLE;
      }
      if (e instanceof NothingRecorded) {
        line.getErr().println("vigil: " + e.getMessage());
        return NOTHING;
      }
      if (e instanceof IllegalArgumentException) {
        line.getErr().println("vigil: " + e.getMessage());
        return CommandLine.ExitCode.USAGE;
      }
      throw e;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return CommandLine.ExitCode.USAGE;
  }

  /** The journal read without {@code --journal} and {@code VIGIL_JOURNAL}: a file in the working directory. */
  static final String DEFAULT_JOURNAL = "vigil-journal.db";

  /** The width tables fit in when the terminal's is not known: a terminal of 120 columns, or a file read in one. */
  static final int DEFAULT_WIDTH = 120;
  /** The narrowest width asked for that is taken: below it a table of dates cannot fit anyway. */
  static final int MIN_WIDTH = 40;

  /** The journal and output options every command has. */
  static final class Common {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.@Nullable CommandSpec command;

    @Option(names = {"-j", "--journal"}, paramLabel = "FILE|URL", description = "SQLite file or JDBC URL (default: $VIGIL_JOURNAL, "
        + "else ./vigil-journal.db)")
    @Nullable String journal;

    @Option(names = "--host", description = "Only this gateway's rows (a PostgreSQL journal shared by a fleet)")
    @Nullable String host;

    @Option(names = "--user", description = "Database user (PostgreSQL)")
    @Nullable String user;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the database password "
        + "(default: VIGIL_JOURNAL_PASSWORD, where set)")
    @Nullable String passwordEnv;

    @Option(names = "--json", description = "JSON for scripts instead of tables")
    boolean json;

    @Option(names = "--color", paramLabel = "WHEN", description = "auto (on a terminal), always or never", defaultValue = "auto")
    String color = "auto";

    @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of the times shown (default: the --calendar's, else this "
        + "machine's)")
    @Nullable String zone;

    @Option(names = "--calendar", paramLabel = "FILE", description = "Exchange calendar file (core's format: zone, cut-over, sessions, "
        + "holidays): trade days are its trade days, and its zone the default --zone")
    @Nullable Path calendarFile;

    /** The calendar read from {@link #calendarFile}, once. */
    private @Nullable TradingCalendar calendar;

    @Option(names = "--now", paramLabel = "INSTANT", hidden = true, description = "Pretend it is this time (for reproducible output); status shows the state as of it, "
        + "from the rows recorded at or before it")
    @Nullable String now;

    @Option(names = "--width", paramLabel = "COLUMNS", hidden = true, description = "Fit tables to this many columns (for reproducible "
        + "output; default: $COLUMNS, else 120)")
    @Nullable Integer width;

    JournalReader open() throws SQLException {
      calendar(); // a bad --calendar file is named by every command, also one that only takes its zone (or none, with --zone)
      String fromEnvironment = System.getenv("VIGIL_JOURNAL");
      String where = journal != null ? journal : fromEnvironment != null ? fromEnvironment : DEFAULT_JOURNAL;
      // where the journal's name came from, for the messages about it: a person who did not type it may not know
      String source = journal != null ? "--journal" : fromEnvironment != null ? "VIGIL_JOURNAL" : null;
      if (where.isBlank()) {
        throw new IllegalArgumentException(source + " must name the journal's file or JDBC URL: '" + where + "'");
      }
      String password = System.getenv(passwordEnv != null ? passwordEnv : "VIGIL_JOURNAL_PASSWORD");
      // a variable named on purpose must hold the password; the default one may be unset (a SQLite journal needs none)
      if (password == null && passwordEnv != null) {
        throw new IllegalArgumentException("--password-env " + passwordEnv + ": the environment variable " + passwordEnv + " is not set");
      }
      JournalReader reader;
      try {
        reader = JournalReader.open(where, host, user, password);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((source != null ? source : "the default journal") + ": " + e.getMessage(), e);
      } catch (SQLException e) { // the option or variable the journal's name came from, as every bad value is named
        throw new SQLException(e.getMessage() + (source == null
            ? " (the default journal: give --journal FILE|JDBC-URL or set VIGIL_JOURNAL)"
            : " (from " + source + ")"), e.getSQLState(), e.getErrorCode(), e);
      }
      try {
        checkHost(reader);
      } catch (RuntimeException | SQLException e) {
        reader.close();
        throw e;
      }
      return reader;
    }

    /** A --host the journal has no row of is named, with the hosts it has (else every command found "nothing"). */
    private void checkHost(JournalReader reader) throws SQLException {
      if (host == null) {
        return;
      }
      java.util.List<String> hosts = reader.hosts();
      if (!hosts.contains(host)) {
        throw new NothingRecorded("--host " + host + ": the journal has no rows of host '" + host + "'; "
            + (hosts.isEmpty() ? "it has no rows yet" : "its hosts: " + String.join(", ", hosts)));
      }
    }

    /** {@code --zone}, else the {@code --calendar}'s zone, else this machine's. */
    ZoneId zone() {
      if (zone == null) {
        TradingCalendar c = calendar();
        return c != null ? c.zone() : ZoneId.systemDefault();
      }
      try {
        return ZoneId.of(zone);
      } catch (java.time.DateTimeException e) {
        ZoneId ignoringCase = zoneIgnoringCase(zone); // typed at a prompt: utc, asia/shanghai
        if (ignoringCase != null) {
          return ignoringCase;
        }
        throw new IllegalArgumentException("--zone: not a time zone: '" + zone + "' (e.g. Asia/Shanghai, UTC, +08:00)");
      }
    }

    /** The zone {@code text} names in other letter case (one of the region ids, or UTC, GMT, UT and their offsets); null if none. */
    private static @Nullable ZoneId zoneIgnoringCase(String text) {
      for (String id : ZoneId.getAvailableZoneIds()) {
        if (id.equalsIgnoreCase(text)) {
          return ZoneId.of(id);
        }
      }
      try {
        return ZoneId.of(text.toUpperCase(java.util.Locale.ROOT));
      } catch (java.time.DateTimeException e) {
        return null;
      }
    }

    /** Whether {@code --calendar} was given. */
    boolean calendarGiven() {
      return calendarFile != null;
    }

    /**
     * The {@code --calendar} file's calendar, read once; null without the option.
     *
     * @throws IllegalArgumentException naming the option and the file, where it cannot be read or a line of it is malformed
     */
    @Nullable TradingCalendar calendar() {
      if (calendarFile != null && calendar == null) {
        try {
          calendar = TradingCalendar.load(calendarFile);
        } catch (IllegalArgumentException | UncheckedIOException e) {
          // the calendar's errors name the file by its full path ("line 7 of /etc/desk/shfe.calendar: ..."): the option
          // only, not the path a second time
          throw new IllegalArgumentException("--calendar: " + e.getMessage(), e);
        }
      }
      return calendar;
    }

    /** The trade days days are labelled with: the {@code --calendar}'s, else the calendar days of {@link #zone()}. */
    TradeCalendar tradeDays() {
      TradingCalendar c = calendar();
      return c != null ? TradeCalendar.of(c) : TradeCalendar.calendarDays(zone());
    }

    /** Whether {@code --now} was given: what is alive on this machine is not the state at that instant. */
    boolean nowGiven() {
      return now != null;
    }

    Instant now() {
      if (now == null) {
        return Instant.now();
      }
      try {
        return Instant.parse(now);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("--now: not an instant like 2026-11-30T00:00:00Z: '" + now + "'");
      }
    }

    /** How many columns the tables fit in: {@code --width}, else the terminal's {@code COLUMNS}, else {@link #DEFAULT_WIDTH}. */
    int width() {
      if (width != null) {
        if (width < MIN_WIDTH) {
          throw new IllegalArgumentException("--width must be at least " + MIN_WIDTH + ": " + width);
        }
        return width;
      }
      return width(System.getenv("COLUMNS"));
    }

    /**
     * The width a {@code COLUMNS} variable gives: a shell sets it to its terminal's width (exported or not, so often
     * absent); {@link #DEFAULT_WIDTH} where it is unset or not a number of {@link #MIN_WIDTH} at least.
     */
    static int width(@Nullable String columns) {
      if (columns != null) {
        try {
          int n = Integer.parseInt(columns.trim());
          if (n >= MIN_WIDTH) {
            return n;
          }
        } catch (NumberFormatException e) {
          // not a width: the default
        }
      }
      return DEFAULT_WIDTH;
    }

    Style style() {
      if (!color.equals("auto") && !color.equals("always") && !color.equals("never")) {
        throw new IllegalArgumentException("--color must be auto, always or never: '" + color + "'");
      }
      boolean ascii = command != null && command.root().userObject() instanceof VigilCli cli && cli.ascii;
      return json ? new Style(false) : Style.of(color, ascii);
    }

    String time(@Nullable Instant t) {
      return t == null ? "-" : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(zone()).format(t);
    }

    /** As {@link #time(Instant)}, with milliseconds where {@code millis} ({@code 2026-12-05 23:10:27.431}). */
    String time(@Nullable Instant t, boolean millis) {
      return t == null || !millis ? time(t) : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(zone()).format(t);
    }
  }

  /** Parses {@code 7d}, {@code 12h}, {@code 30m}, {@code 90s}, {@code 2w} or ISO-8601 ({@code PT1H}). */
  /** The most process names an unknown name's message lists: a fleet's journal may have hundreds. */
  static final int KNOWN_NAMES_LISTED = 20;

  /**
   * What a process name the journal has no row of is said as: the field and the value, and the names it has rows of
   * (processes, and the groups, attachments and calendars whose events it holds), so that a typo ({@code quote_feed} for
   * {@code quote-feed}) shows at once. It said only "the journal has nothing about 'quote_feed'".
   */
  static String unknownProcess(String name, List<String> known) {
    String prefix = "the journal has nothing about process '" + name + "'; ";
    if (known.isEmpty()) {
      return prefix + "it has no rows yet";
    }
    String listed = String.join(", ", known.subList(0, Math.min(known.size(), KNOWN_NAMES_LISTED)));
    return prefix + "the names it has: " + listed
        + (known.size() > KNOWN_NAMES_LISTED ? " and " + (known.size() - KNOWN_NAMES_LISTED) + " more" : "");
  }

  static Duration period(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return positive(option, value, Duration.parse(value.trim().toUpperCase(Locale.ROOT)));
      }
      if (v.length() >= 2) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        Duration d = switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          case 'd' -> Duration.ofDays(n);
          case 'w' -> Duration.ofDays(Math.multiplyExact(7, n));
          default -> null;
        };
        if (d != null) {
          return positive(option, value, d);
        }
      }
    } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
      // reported below (DateTimeParseException is a DateTimeException); a count too large for a long or a Duration
      // is too long a period, not something other than a duration
      if (v.matches("\\d+[smhdw]")) {
        throw new IllegalArgumentException(option + " must be at most 36500d (100 years): '" + value + "'");
      }
    }
    throw new IllegalArgumentException(option + " must be a duration like 7d, 12h, 30m, 90s, 2w or PT1H: '" + value + "'");
  }

  /** The longest period a command looks back: a journal older than this is not something a person asks about. */
  static final Duration LONGEST_PERIOD = Duration.ofDays(36_500);

  private static Duration positive(String option, String value, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(option + " must be positive: '" + value + "'");
    }
    if (d.compareTo(LONGEST_PERIOD) > 0) {
      throw new IllegalArgumentException(option + " must be at most 36500d (100 years): '" + value + "'");
    }
    return d;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VigilCli.class.getPackage().getImplementationVersion();
      return new String[] {"vigil " + (v != null ? v : "(development build)")};
    }
  }
}
