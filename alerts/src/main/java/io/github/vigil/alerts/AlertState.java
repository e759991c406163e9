package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts file of a state directory ({@value #FILE_NAME}): which alerts the sinks were told are firing (a notification
 * saying so was delivered to them, and none saying they resolved was), so that the next {@link Alerting} on the
 * directory, after this JVM was killed, tells them of those that resolved meanwhile, and only them.
 *
 * <p>Plain text, UTF-8, one field per line, tab-separated and versioned:
 * <pre>{@code
 * vigil-alerts-state	1
 * alert	quote-feed/CRASHED
 * type	CRASHED
 * process	quote-feed
 * severity	WARNING
 * startsAt	2026-01-05T09:00:00Z
 * occurrences	3
 * summary	quote-feed crashed: error exit (exit code 3) after 120 ms
 * description	exit code 3
 * label	alertname	VigilProcessCrashed
 * told	desk	desk-slack
 * }</pre>
 * An {@code alert} line starts each alert; {@code told ROUTE SINK} names a sink of a route that was told it fires (an
 * alert without one was told to a listener that is not a {@link NotificationPipeline}). Tabs, line ends and backslashes
 * in values are escaped ({@code \t}, {@code \n}, {@code \r}, {@code \\}); lines starting with {@code #} are comments.
 *
 * <p>Written whole to a temporary file that is then renamed over the old one, so a reader sees the old file or the new
 * one, never half of one. Writes run on a thread of their own ({@code vigil-alerts-state}, while there is work), never
 * on the caller's; requests that come while one waits are one write. Thread-safe.
 */
final class AlertState {
  private static final Logger log = LoggerFactory.getLogger(AlertState.class);
  static final String FILE_NAME = "alerts.state";
  private static final String HEADER = "vigil-alerts-state";
  private static final int VERSION = 1;

  /**
   * An alert as remembered: firing, and which sinks were told so.
   *
   * @param alert the alert (firing)
   * @param told per route, the names of its sinks told the alert fires; empty: the listener was told (no pipeline)
   */
  record Remembered(Alert alert, Map<String, Set<String>> told) {
    Remembered {
      requireNonNull(alert, "alert");
      Map<String, Set<String>> copy = new LinkedHashMap<>();
      told.forEach((route, sinks) -> copy.put(route, Set.copyOf(new LinkedHashSet<>(sinks))));
      told = java.util.Collections.unmodifiableMap(copy);
    }
  }

  private final Path file;
  private final Supplier<List<Remembered>> snapshot;
  private final ThreadPoolExecutor writer;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile boolean closed;
  private final Object writeLock = new Object();
  private @Nullable String written; // guarded by writeLock
  private boolean failing; // guarded by writeLock: said at WARN once, until a write succeeds again

  /** Keeps {@code snapshot()} in {@code file}; {@code snapshot} must not block (it is called on the writer thread). */
  AlertState(Path file, Supplier<List<Remembered>> snapshot) {
    this.file = requireNonNull(file, "file");
    this.snapshot = requireNonNull(snapshot, "snapshot");
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "vigil-alerts-state");
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
    this.writer = pool;
  }

  /** The file. */
  Path file() {
    return file;
  }

  /**
   * Asks for the file to be written with the snapshot of then; returns at once (never blocks, no I/O) until
   * {@link #close()}, after which it writes on the calling thread.
   */
  void request() {
    if (closed) {
      writeNow();
      return;
    }
    if (!pending.compareAndSet(false, true)) {
      return; // a write that has not taken its snapshot yet will see this change too
    }
    try {
      writer.execute(() -> {
        pending.set(false);
        writeNow();
      });
    } catch (RejectedExecutionException e) {
      pending.set(false);
      writeNow();
    }
  }

  /** Writes the snapshot now, on this thread, unless the file already says it. */
  void writeNow() {
    synchronized (writeLock) {
      String text;
      try {
        text = format(snapshot.get());
      } catch (RuntimeException e) {
        log.warn("Cannot take the alerts' state for {}: {}", file, e.toString(), e);
        return;
      }
      if (text.equals(written)) {
        return;
      }
      try {
        write(file, text);
        written = text;
        if (failing) {
          log.info("Alerts' state written to {} again", file);
        }
        failing = false;
      } catch (IOException | RuntimeException e) {
        if (!failing) {
          log.warn("Cannot write the alerts' state to {}: {}; after a crash of this JVM the next start will not resolve"
              + " what fires now at the sinks", file, e.toString());
        } else {
          log.debug("Cannot write the alerts' state to {} (still): {}", file, e.toString());
        }
        failing = true;
      }
    }
  }

  /** Waits (up to 5 s) for the write under way, then writes what is left on this thread; later requests write on theirs. */
  void close() {
    closed = true;
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeNow();
  }

  // --- the format ---------------------------------------------------------------------------

  static String format(List<Remembered> alerts) {
    StringBuilder b = new StringBuilder();
    b.append("# Vigil alerts: the alerts the sinks were told are firing, for the next start after a crash of this JVM\n");
    b.append("# (io.github.vigil.alerts.Alerting.Builder.stateDirectory). Rewritten whole as they change; do not edit while it runs.\n");
    b.append(HEADER).append('\t').append(VERSION).append('\n');
    for (Remembered r : alerts) {
      Alert a = r.alert();
      line(b, "alert", a.key());
      line(b, "type", a.type().name());
      line(b, "process", a.process());
      line(b, "severity", a.severity().name());
      line(b, "startsAt", a.startsAt().toString());
      line(b, "occurrences", Integer.toString(a.occurrences()));
      line(b, "summary", a.summary());
      line(b, "description", a.description());
      a.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> line(b, "label", e.getKey(), e.getValue()));
      r.told().forEach((route, sinks) -> sinks.stream().sorted().forEach(s -> line(b, "told", route, s)));
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String field, String... values) {
    b.append(field);
    for (String v : values) {
      b.append('\t');
      escape(b, v);
    }
    b.append('\n');
  }

  private static void escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
  }

  private static String unescape(String s, int lineNo) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == s.length()) {
        throw new IllegalArgumentException("line " + lineNo + ": a backslash ends the value");
      }
      switch (s.charAt(i)) {
        case '\\' -> b.append('\\');
        case 't' -> b.append('\t');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        default -> throw new IllegalArgumentException("line " + lineNo + ": unknown escape \\" + s.charAt(i));
      }
    }
    return b.toString();
  }

  /** Writes {@code text} to {@code file}: a temporary file next to it, forced to disk, then renamed over it. */
  static void write(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * What {@code file} remembers: nothing when there is no such file, and nothing, said at WARN with the path, when it
   * cannot be read or is not a file of this format and version (never an exception).
   */
  static List<Remembered> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | RuntimeException e) { // a directory, no permission, not UTF-8 (MalformedInputException)
      log.warn("Cannot read the alerts' state {}: {}; ignored: alerts that fired before this JVM started are not"
          + " resolved at the sinks", file, e.toString());
      return List.of();
    }
    try {
      return parse(text);
    } catch (RuntimeException e) {
      log.warn("The alerts' state {} is corrupt ({}); ignored: alerts that fired before this JVM started are not"
          + " resolved at the sinks", file, e.getMessage() == null ? e.toString() : e.getMessage());
      return List.of();
    }
  }

  static List<Remembered> parse(String text) {
    List<Remembered> out = new ArrayList<>();
    boolean header = false;
    Draft d = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int no = i + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      for (int j = 1; j < f.length; j++) {
        f[j] = unescape(f[j], no);
      }
      if (!header) {
        if (!f[0].equals(HEADER) || f.length != 2) {
          throw new IllegalArgumentException("line " + no + ": not a " + HEADER + " file");
        }
        if (!f[1].equals(Integer.toString(VERSION))) {
          throw new IllegalArgumentException("line " + no + ": version " + f[1] + ", this Vigil reads version " + VERSION);
        }
        header = true;
        continue;
      }
      if (f[0].equals("alert")) {
        if (d != null) {
          out.add(d.build(no));
        }
        d = new Draft(value(f, no));
        continue;
      }
      if (d == null) {
        throw new IllegalArgumentException("line " + no + ": " + f[0] + " before the first alert");
      }
      switch (f[0]) {
        case "type" -> d.type = AlertType.valueOf(value(f, no));
        case "process" -> d.process = value(f, no);
        case "severity" -> d.severity = Severity.valueOf(value(f, no));
        case "startsAt" -> d.startsAt = Instant.parse(value(f, no));
        case "occurrences" -> d.occurrences = Integer.parseInt(value(f, no));
        case "summary" -> d.summary = value(f, no);
        case "description" -> d.description = value(f, no);
        case "label" -> d.labels.put(pair(f, no)[0], pair(f, no)[1]);
        case "told" -> d.told.computeIfAbsent(pair(f, no)[0], k -> new LinkedHashSet<>()).add(pair(f, no)[1]);
        default -> throw new IllegalArgumentException("line " + no + ": unknown field " + f[0]);
      }
    }
    if (!header) {
      throw new IllegalArgumentException("empty: no " + HEADER + " line");
    }
    if (d != null) {
      out.add(d.build(lines.length));
    }
    return out;
  }

  private static String value(String[] f, int no) {
    if (f.length != 2) {
      throw new IllegalArgumentException("line " + no + ": " + f[0] + " needs one value, has " + (f.length - 1));
    }
    return f[1];
  }

  private static String[] pair(String[] f, int no) {
    if (f.length != 3) {
      throw new IllegalArgumentException("line " + no + ": " + f[0] + " needs two values, has " + (f.length - 1));
    }
    return new String[] {f[1], f[2]};
  }

  /** An alert being read. */
  private static final class Draft {
    final String key;
    @Nullable AlertType type;
    @Nullable String process;
    @Nullable Severity severity;
    @Nullable Instant startsAt;
    int occurrences = 1;
    String summary = "";
    String description = "";
    final Map<String, String> labels = new LinkedHashMap<>();
    final Map<String, Set<String>> told = new LinkedHashMap<>();

    Draft(String key) {
      this.key = key;
    }

    Remembered build(int no) {
      if (type == null || process == null || severity == null || startsAt == null) {
        throw new IllegalArgumentException("alert " + key + " (before line " + no + ") lacks its type, process, severity or startsAt");
      }
      return new Remembered(new Alert(key, type, process, severity, Alert.Status.FIRING, summary, description, labels,
          startsAt, null, occurrences), told);
    }
  }
}
