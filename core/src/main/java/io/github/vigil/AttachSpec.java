package io.github.vigil;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which processes to watch that Vigil did not start, and how: a {@linkplain Target target} (a pid,
 * a pid file, an exact process name or a command-line pattern), labels, and how often to look for
 * the target again. Given to {@link Supervisor#attach(AttachSpec)}.
 *
 * <pre>{@code
 * AttachSpec trader = AttachSpec.builder("trader-account001")
 *     .commandLine("trader_tools.*\\baccount001\\b") // a find(): \b keeps account0010 out
 *     .label("type", "TRADER")
 *     .label("account", "account001")
 *     .build();
 * }</pre>
 *
 * <p>Labels work as {@link ProcessSpec#labels()} do: free keys and values that Vigil never reads,
 * which the Micrometer binding, alerts and the Actuator endpoint carry along the same way for
 * supervised and attached processes (so a {@code type} label is the same {@code type} tag on both).
 *
 * <p>Attaching is observation: Vigil never signals, stops or reaps an attached process, unless the
 * spec {@linkplain Builder#allowSignals() allows signals} and the application then calls
 * {@link AttachedProcess#signal(Signal)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class AttachSpec {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /**
   * What to attach to.
   *
   * <p>Immutable and thread-safe.
   */
  public sealed interface Target {

    /**
     * One process by id: the process that has this pid when {@link Supervisor#attach} is called.
     * Once it has exited the attachment stays {@code STOPPED}: a later process given the same pid is
     * a different process and is never picked up. Never this JVM's own pid: a supervisor watching
     * itself could never see its own exit. A pid of 1 or less, or this JVM's own, is refused with an
     * {@link IllegalArgumentException} naming it.
     */
    record Pid(long pid) implements Target {
      public Pid {
        if (pid <= 1) {
          throw new IllegalArgumentException("pid must be greater than 1: " + pid);
        }
        if (pid == ProcessHandle.current().pid()) {
          throw new IllegalArgumentException("pid " + pid + " is this JVM's own: a supervisor cannot watch itself (it could never see its own exit)");
        }
      }

      @Override
      public String toString() {
        return "pid " + pid;
      }
    }

    /**
     * The process whose pid a file holds (the first line, decimal). Read again at every rescan, so a
     * process restarted by someone else, who rewrites the file, is picked up. A missing file means
     * {@code NOT_FOUND} (daemons write it when they start); an unreadable or malformed one {@code ERROR}, as is one
     * that names pid 1 or less, or this JVM's own.
     */
    record PidFile(Path path) implements Target {
      public PidFile {
        requireNonNull(path, "pidFile");
        if (path.toString().isBlank()) {
          throw new IllegalArgumentException("pidFile must not be empty: '" + path + "'");
        }
        path = path.toAbsolutePath().normalize();
      }

      @Override
      public String toString() {
        return "pid file " + path;
      }
    }

    /**
     * Every process with this exact name: the kernel's name of the process ({@code comm} on Linux,
     * at most 15 bytes, as {@code pgrep -x} and {@code ps -C} match it) or the file name of its
     * first argument ({@code argv[0]}, so longer names also match). This JVM itself is never matched.
     */
    record ExactName(String name) implements Target {
      public ExactName {
        requireNonNull(name, "name");
        if (name.isBlank() || name.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("processName must be a non-empty name: '" + name + "'");
        }
        if (name.indexOf('/') >= 0) { // neither comm nor argv[0]'s file name holds one: it could never match
          String file = name.substring(name.lastIndexOf('/') + 1);
          throw new IllegalArgumentException("processName must be a name, not a path: '" + name + "'"
              + (file.isEmpty() ? "" : " (the name is '" + file + "'; a path matches with commandLine)"));
        }
      }

      @Override
      public String toString() {
        return "name '" + name + "'";
      }
    }

    /**
     * Every process whose command line (its arguments joined by single spaces) contains a match of
     * the pattern ({@link java.util.regex.Matcher#find()}, as {@code pgrep -f} does). Kernel threads,
     * whose command line is empty, and this JVM itself are never matched.
     */
    record CommandLine(Pattern pattern) implements Target {
      public CommandLine {
        requireNonNull(pattern, "commandLine");
        if (pattern.pattern().isEmpty()) {
          throw new IllegalArgumentException("commandLine pattern must not be empty: '" + pattern.pattern() + "'");
        }
      }

      @Override
      public boolean equals(Object o) {
        return o instanceof CommandLine c && c.pattern.pattern().equals(pattern.pattern()) && c.pattern.flags() == pattern.flags();
      }

      @Override
      public int hashCode() {
        return pattern.pattern().hashCode();
      }

      @Override
      public String toString() {
        return "command line /" + pattern.pattern() + "/";
      }
    }
  }

  private final String name;
  private final Target target;
  private final Map<String, String> labels;
  private final Duration rescanInterval;
  private final Duration exitPollInterval;
  private final boolean allowSignals;

  private AttachSpec(Builder b, Target target) {
    this.name = b.name;
    this.target = target;
    this.labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(b.labels)));
    this.rescanInterval = b.rescanInterval;
    this.exitPollInterval = b.exitPollInterval;
    this.allowSignals = b.allowSignals;
  }

  /** A builder for an attachment called {@code name}: letters, digits, {@code .}, {@code _} and {@code -}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The name, unique among the supervisor's registered and attached processes. */
  public String name() {
    return name;
  }

  /** What to attach to. */
  public Target target() {
    return target;
  }

  /** Free-form labels, e.g. {@code type=TRADER}, {@code account=account001}; sorted by key. */
  public Map<String, String> labels() {
    return labels;
  }

  /**
   * How often to look for the target while nothing matches, and for new matches while something
   * does (a pid target is never looked for again). After a match exits, the target is looked for at
   * once and then after 100 ms, 200 ms, 400 ms, ... until the interval is reached, so a process that
   * someone else restarts is picked up quickly.
   */
  public Duration rescanInterval() {
    return rescanInterval;
  }

  /**
   * How often to check whether matched processes still live, on a backend that cannot be told of
   * their exit (the JDK backend); the Linux backend is told through a pidfd and ignores it.
   */
  public Duration exitPollInterval() {
    return exitPollInterval;
  }

  /** Whether {@link AttachedProcess#signal(Signal)} may signal the matched processes. */
  public boolean allowSignals() {
    return allowSignals;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttachSpec s && s.name.equals(name) && s.target.equals(target) && s.labels.equals(labels) && s.rescanInterval.equals(rescanInterval)
        && s.exitPollInterval.equals(exitPollInterval) && s.allowSignals == allowSignals;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, target, labels, rescanInterval, exitPollInterval, allowSignals);
  }

  @Override
  public String toString() {
    return "AttachSpec{" + name + ", " + target + ", labels " + labels + ", rescan every " + HumanFormat.duration(rescanInterval)
        + (allowSignals ? ", signals allowed" : "") + "}";
  }

  /**
   * Builds an {@link AttachSpec}. Exactly one target must be set. Setters check their argument at
   * once and name the setting and value they reject; {@link #build()} checks the whole.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private @Nullable Target target;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Duration rescanInterval = Duration.ofSeconds(5);
    private Duration exitPollInterval = Duration.ofMillis(250);
    private boolean allowSignals;

    private Builder(String name) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("name must be 1 to 128 letters, digits, '.', '_' or '-': '" + name + "'");
      }
      this.name = name;
    }

    /** Attaches to the process with this pid (greater than 1, and not this JVM's own). */
    public Builder pid(long pid) {
      return target(new Target.Pid(pid));
    }

    /** Attaches to the process whose pid this file holds. */
    public Builder pidFile(Path file) {
      return target(new Target.PidFile(requireNonNull(file, "pidFile")));
    }

    /** Attaches to every process with this exact name. */
    public Builder processName(String processName) {
      return target(new Target.ExactName(requireNonNull(processName, "processName")));
    }

    /**
     * Attaches to every process whose command line contains a match of this regular expression.
     *
     * @throws IllegalArgumentException when it is empty or not a valid expression, naming it and saying why
     */
    public Builder commandLine(String regex) {
      requireNonNull(regex, "commandLine");
      if (regex.isEmpty()) {
        throw new IllegalArgumentException("commandLine pattern must not be empty: '" + regex + "'");
      }
      try {
        return target(new Target.CommandLine(Pattern.compile(regex)));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("commandLine pattern is not a valid regular expression: '" + regex + "': "
            + e.getDescription() + " near index " + e.getIndex(), e);
      }
    }

    /** Attaches to every process whose command line contains a match of this pattern. */
    public Builder commandLine(Pattern pattern) {
      return target(new Target.CommandLine(requireNonNull(pattern, "commandLine")));
    }

    /** Sets the target directly. */
    public Builder target(Target t) {
      requireNonNull(t, "target");
      if (target != null) {
        throw new IllegalStateException("attachment '" + name + "' already has a target (" + target + "); cannot also use " + t);
      }
      this.target = t;
      return this;
    }

    /** A free-form label, as {@link ProcessSpec.Builder#label(String, String)}; a key set again takes the new value. */
    public Builder label(String key, String value) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("label key of '" + name + "' must not be blank: '" + key + "'");
      }
      labels.put(key, requireNonNull(value, () -> "label " + key));
      return this;
    }

    /** Adds every entry of {@code all} as a {@linkplain #label(String, String) label}. */
    public Builder labels(Map<String, String> all) {
      requireNonNull(all, "labels").forEach(this::label);
      return this;
    }

    /** How often to look for the target again; at least 10 ms, 5 s by default. */
    public Builder rescanInterval(Duration d) {
      requireNonNull(d, "rescanInterval");
      if (d.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("rescanInterval must be at least 10ms: " + HumanFormat.duration(d));
      }
      Limits.atMostMax("rescanInterval", d);
      this.rescanInterval = d;
      return this;
    }

    /** How often to check liveness where the backend cannot be told of exits; at least 10 ms, 250 ms by default. */
    public Builder exitPollInterval(Duration d) {
      requireNonNull(d, "exitPollInterval");
      if (d.compareTo(Duration.ofMillis(10)) < 0) {
        throw new IllegalArgumentException("exitPollInterval must be at least 10ms: " + HumanFormat.duration(d));
      }
      Limits.atMostMax("exitPollInterval", d);
      this.exitPollInterval = d;
      return this;
    }

    /**
     * Lets {@link AttachedProcess#signal(Signal)} signal the matched processes (through pidfds, so a
     * signal never reaches a later process that reused a pid). Off by default: attaching observes.
     */
    public Builder allowSignals() {
      this.allowSignals = true;
      return this;
    }

    /**
     * The spec.
     *
     * @throws IllegalStateException when no target was set
     */
    public AttachSpec build() {
      if (target == null) {
        throw new IllegalStateException("attachment '" + name + "' needs a target: pid, pidFile, processName or commandLine");
      }
      return new AttachSpec(this, target);
    }
  }
}
