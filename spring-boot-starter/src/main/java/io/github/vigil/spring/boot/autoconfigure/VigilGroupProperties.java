package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.GroupSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Supervision trees ({@code vigil.groups.*}), turned into the core's {@link GroupSpec}s and
 * registered by {@link VigilGroupAutoConfiguration}:
 * <pre>
 * vigil:
 *   groups:
 *     desk:
 *       strategy: rest-for-one          # the feed's crash restarts the gateways declared after it
 *       intensity: { max-restarts: 5, period: 1m }
 *       children: [quote-feed, gateways]
 *     gateways:
 *       strategy: one-for-one
 *       children: [gateway-001, gateway-002]
 *   schedules:
 *     desk: { calendar: shfe, lead: 5m, lag: 10m }   # a group follows a schedule as a process does
 * </pre>
 * A child is a process ({@code vigil.processes} or a {@code ProcessSpec} bean) or another group; each
 * belongs to at most one group. Processes in a group are started by their group, not on their own.
 */
@ConfigurationProperties("vigil")
public class VigilGroupProperties {

  /**
   * Supervision groups by name: Erlang/OTP's strategies over processes and nested groups, started
   * in declared order and stopped in reverse.
   */
  private Map<String, GroupProperties> groups = new LinkedHashMap<>();

  public Map<String, GroupProperties> getGroups() {
    return groups;
  }

  public void setGroups(Map<String, GroupProperties> groups) {
    this.groups = groups;
  }

  /** One supervision group. */
  public static class GroupProperties {

    /**
     * What the end of one child does to the others: "one-for-one" (only it is restarted),
     * "one-for-all" (all are), "rest-for-one" (it and the children declared after it are).
     */
    private GroupSpec.Strategy strategy = GroupSpec.Strategy.ONE_FOR_ONE;

    /** Restart intensity: past it the group escalates to its parent group, or is FAILED without one. */
    private final Intensity intensity = new Intensity();

    /** Children in start order (stopped in reverse): names of processes and of other groups. */
    private List<String> children = new ArrayList<>();

    /**
     * Whether the group is started with the application context. By default it is, unless it has an
     * in-session schedule (vigil.schedules), which then starts and stops it. A nested group is started
     * by its parent.
     */
    private @Nullable Boolean autoStart;

    public GroupSpec.Strategy getStrategy() {
      return strategy;
    }

    public void setStrategy(GroupSpec.Strategy strategy) {
      this.strategy = strategy;
    }

    public Intensity getIntensity() {
      return intensity;
    }

    public List<String> getChildren() {
      return children;
    }

    public void setChildren(List<String> children) {
      this.children = children;
    }

    public @Nullable Boolean getAutoStart() {
      return autoStart;
    }

    public void setAutoStart(@Nullable Boolean autoStart) {
      this.autoStart = autoStart;
    }
  }

  /** At most max-restarts restarts of children within period; one more escalates. */
  public static class Intensity {

    /** Most restarts of the group's children within the period. */
    private int maxRestarts = 3;

    /** Sliding window of the restart count. */
    private Duration period = Duration.ofSeconds(60);

    public int getMaxRestarts() {
      return maxRestarts;
    }

    public void setMaxRestarts(int maxRestarts) {
      this.maxRestarts = maxRestarts;
    }

    public Duration getPeriod() {
      return period;
    }

    public void setPeriod(Duration period) {
      this.period = period;
    }
  }
}
