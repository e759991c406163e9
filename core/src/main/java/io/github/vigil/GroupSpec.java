package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A supervision group: an ordered list of children (registered processes and other groups) with an
 * Erlang/OTP strategy and restart intensity, applied to OS processes. Register it with
 * {@link Supervisor#registerGroup(GroupSpec)} once its children are registered.
 *
 * <ul>
 *   <li>{@link Strategy#ONE_FOR_ONE}: only the child that ended is restarted (by its own restart policy).
 *   <li>{@link Strategy#ONE_FOR_ALL}: the others are stopped (in reverse start order) and all are
 *       started again in declared order, as OTP does: the siblings declared before the child first, then
 *       the child (once its policy's backoff is over), then those after it, each once the one before runs.
 *   <li>{@link Strategy#REST_FOR_ONE}: the children declared after it are stopped (in reverse order) and,
 *       once the child that ended is running again, started again in declared order.
 * </ul>
 *
 * A process child that its own restart policy gives up on (its start limit reached: {@code FAILED})
 * is the group's failure, as a child that cannot be restarted is an OTP supervisor's: it counts
 * against the intensity like any restart, and the group then starts it again itself (with the
 * siblings its strategy names; its restart history is kept, so each further failure within its
 * window is a give-up again) or, past the intensity, escalates. A group that is not running leaves it
 * {@code FAILED}.
 *
 * <p>Each end of a child that is to be restarted counts against the group's intensity: more than
 * {@code intensity} within {@code period} and the group escalates, as OTP's {@code supervisor} does
 * on {@code reached_max_restart_intensity}: it stops all its children (reverse order) and ends itself;
 * its parent group then treats it as a child that ended and applies its own strategy (restarting the
 * whole group, in declared order, with a fresh count). A group without a parent becomes
 * {@link GroupState#FAILED} and publishes {@link SupervisorEvent.GroupFailed} naming the child whose
 * failures escalated. Defaults: {@code ONE_FOR_ONE}, 3 restarts within 60 s (OTP's are 1 within 5 s,
 * made for Erlang processes that restart in microseconds). Processes in no group behave as before:
 * the supervisor is the root, {@code ONE_FOR_ONE} without an intensity of its own.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name unique among processes, attachments and groups
 * @param strategy what the end of one child does to the others
 * @param intensity the most restarts allowed within {@code period}
 * @param period the sliding window of the intensity
 * @param children names of processes and groups, in start order (stopped in reverse)
 */
public record GroupSpec(String name, Strategy strategy, int intensity, Duration period, List<String> children) {

  /** Erlang/OTP's restart strategies. */
  public enum Strategy {
    /** Only the child that ended is restarted. */
    ONE_FOR_ONE,
    /** All children are restarted: the others are stopped (reverse start order), then all started in declared order. */
    ONE_FOR_ALL,
    /** The child that ended and those declared after it are restarted. */
    REST_FOR_ONE
  }

  public GroupSpec {
    requireNonNull(name, "name");
    requireNonNull(strategy, "strategy");
    requireNonNull(period, "period");
    requireNonNull(children, "children");
    if (children.contains(null)) {
      throw new NullPointerException("children of group '" + name + "' contain null: " + children);
    }
    children = List.copyOf(children);
    if (!name.matches("[A-Za-z0-9._:@/-]{1,128}")) {
      throw new IllegalArgumentException("group name must be 1 to 128 letters, digits, '.', '_', ':', '@', '/' or '-': '" + name + "'");
    }
    if (intensity < 0) {
      throw new IllegalArgumentException("intensity of group '" + name + "' must not be negative: " + intensity);
    }
    Limits.atMostMax("intensity of group '" + name + "'", intensity);
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period of group '" + name + "' must be positive: " + HumanFormat.duration(period));
    }
    Limits.atMostMax("period of group '" + name + "'", period);
    if (children.isEmpty()) {
      throw new IllegalArgumentException("group '" + name + "' has no children");
    }
    if (children.stream().distinct().count() != children.size()) {
      throw new IllegalArgumentException("children of group '" + name + "' must be unique: " + children);
    }
    if (children.contains(name)) {
      throw new IllegalArgumentException("group '" + name + "' must not contain itself");
    }
  }

  /** A builder with the defaults: {@code ONE_FOR_ONE}, 3 restarts within 60 s. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link GroupSpec}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Strategy strategy = Strategy.ONE_FOR_ONE;
    private int intensity = 3;
    private Duration period = Duration.ofSeconds(60);
    private final List<String> children = new ArrayList<>();

    private Builder(String name) {
      this.name = requireNonNull(name, "name");
    }

    public Builder strategy(Strategy s) {
      this.strategy = requireNonNull(s, "strategy");
      return this;
    }

    /** At most {@code maxRestarts} restarts within {@code within}; one more escalates. */
    public Builder intensity(int maxRestarts, Duration within) {
      this.intensity = maxRestarts;
      this.period = requireNonNull(within, "period");
      return this;
    }

    /** Adds children (process or group names) at the end of the start order. */
    public Builder children(String... names) {
      requireNonNull(names, "children");
      for (int i = 0; i < names.length; i++) {
        if (names[i] == null) {
          throw new NullPointerException("children[" + i + "] of group '" + name + "' is null");
        }
      }
      children.addAll(List.of(names));
      return this;
    }

    /** @throws IllegalArgumentException naming the field and value that are wrong */
    public GroupSpec build() {
      return new GroupSpec(name, strategy, intensity, period, children);
    }
  }
}
