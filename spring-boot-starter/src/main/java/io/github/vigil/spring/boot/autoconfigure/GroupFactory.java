package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.calendar.Schedule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

/**
 * Turns {@code vigil.groups.*} into {@link GroupSpec}s in the order they can be registered (a
 * nested group before the group that contains it), rejecting what the supervisor would refuse, or
 * would do other than written, with an {@link InvalidVigilPropertyException} that names the property,
 * the value and where it was written: an unknown child (with the closest name), a child in two
 * groups, a cycle, a group named like a process, an attachment as a child, a bad intensity.
 *
 * <p>Not thread-safe; used once at start-up.
 */
final class GroupFactory {

  static final String GROUPS = ProcessSpecFactory.PREFIX + ".groups";

  private final Environment environment;
  private final Map<String, VigilGroupProperties.GroupProperties> groups;

  GroupFactory(Environment environment, VigilGroupProperties properties) {
    this.environment = environment;
    this.groups = properties.getGroups();
  }

  /** What was configured: the groups and their processes, resolved and checked. */
  record Tree(List<GroupSpec> specs, List<String> autoStart, Map<String, String> parents) {}

  /**
   * The processes that are children of a group of {@code vigil.groups} (any nesting): their group
   * starts them, so {@code startAll} does not.
   */
  static Set<String> memberNames(Environment environment) {
    Map<String, VigilGroupProperties.GroupProperties> bound = Binder.get(environment)
        .bind(GROUPS, Bindable.mapOf(String.class, VigilGroupProperties.GroupProperties.class), StrictVigilProperties.leavingUnbound(environment))
        .orElse(Map.of());
    Set<String> out = new LinkedHashSet<>();
    bound.values().forEach(g -> out.addAll(g.getChildren()));
    out.removeAll(bound.keySet());
    return out;
  }

  /** {@code specs} with the processes of {@code vigil.groups} left to their groups ({@code autoStart} off). */
  static List<ProcessSpec> startedByGroups(List<ProcessSpec> specs, Environment environment) {
    Set<String> members = memberNames(environment);
    if (members.isEmpty()) {
      return specs;
    }
    List<ProcessSpec> out = new ArrayList<>(specs.size());
    for (ProcessSpec s : specs) {
      out.add(members.contains(s.name()) && s.autoStart() ? s.toBuilder().autoStart(false).build() : s);
    }
    return out;
  }

  /**
   * Checks and orders the groups; every mistake of every group in one failure, sorted by property name.
   *
   * @param processes the names of the registered processes
   * @param attachments the names of the configured attachments
   */
  Tree create(Collection<String> processes, Collection<String> attachments) {
    List<InvalidVigilPropertyException> problems = new ArrayList<>();
    Tree tree = create(processes, attachments, problems);
    InvalidVigilPropertyException.throwAll(problems);
    return tree;
  }

  /**
   * Checks and orders the groups, adding every mistake of every group to {@code problems} (they were said one a start):
   * the tree is then of no use but for its {@link Tree#parents()}, the children that were taken.
   *
   * @param processes the names of the processes, registered or with mistakes of their own (not called unknown)
   * @param attachments the names of the configured attachments
   */
  Tree create(Collection<String> processes, Collection<String> attachments, List<InvalidVigilPropertyException> problems) {
    int before = problems.size();
    Map<String, String> parents = new LinkedHashMap<>(); // child -> group
    Map<String, Integer> indexInParent = new LinkedHashMap<>();
    for (Map.Entry<String, VigilGroupProperties.GroupProperties> e : groups.entrySet()) {
      String name = e.getKey();
      VigilGroupProperties.GroupProperties g = e.getValue();
      if (processes.contains(name) || attachments.contains(name)) {
        problems.add(reject(name, "", name, (processes.contains(name) ? "a process" : "an attachment")
            + " has the same name; names are shared by processes, attachments and groups"));
      }
      List<String> children = g.getChildren();
      if (children.isEmpty()) {
        problems.add(reject(name, "children", null, "a group needs at least one child: names of processes (vigil.processes) or groups"));
      }
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < children.size(); i++) {
        String c = children.get(i);
        String at = "children[" + i + "]";
        if (!seen.add(c)) {
          problems.add(reject(name, at, c, "'" + c + "' is listed twice in group '" + name + "'"));
          continue;
        }
        if (c.equals(name)) {
          problems.add(reject(name, at, c, "a group cannot contain itself"));
          continue;
        }
        if (attachments.contains(c) && !processes.contains(c)) {
          problems.add(reject(name, at, c, "'" + c + "' is an attachment (vigil.attach): Vigil neither starts nor restarts what it "
              + "attaches to, so it cannot be in a group"));
          continue;
        }
        if (!processes.contains(c) && !groups.containsKey(c)) {
          List<String> known = new ArrayList<>(processes);
          known.addAll(groups.keySet());
          String closest = StrictVigilProperties.closest(c, known);
          problems.add(reject(name, at, c, "no process or group named '" + c + "' is defined" + (closest != null ? "; did you mean `"
              + closest + "`?" : "") + " (processes: " + processes + ", groups: " + groups.keySet() + ")"));
          continue;
        }
        String other = parents.putIfAbsent(c, name);
        if (other != null) {
          problems.add(reject(name, at, c, "'" + c + "' is already a child of group '" + other + "' (" + property(other, "children["
              + indexInParent.get(c) + "]") + "); a process or group belongs to at most one group"));
          continue;
        }
        indexInParent.put(c, i);
      }
    }
    // cycles: follow each group up through its parents; each cycle said once
    Set<String> inCycles = new LinkedHashSet<>();
    for (String name : groups.keySet()) {
      List<String> path = new ArrayList<>(List.of(name));
      for (String p = parents.get(name); p != null && path.size() <= groups.size() && !inCycles.contains(name); p = parents.get(p)) {
        path.add(0, p);
        if (p.equals(name)) {
          String child = path.get(1);
          problems.add(reject(p, "children[" + groups.get(p).getChildren().indexOf(child) + "]", child,
              "groups form a cycle: " + String.join(" -> ", path)));
          inCycles.addAll(path);
        }
      }
    }
    List<GroupSpec> ordered = new ArrayList<>();
    if (inCycles.isEmpty()) {   // a cycle would be followed round
      Set<String> done = new LinkedHashSet<>();
      for (String name : groups.keySet()) {
        order(name, ordered, done, problems);
      }
    }
    List<String> autoStart = new ArrayList<>();
    for (Map.Entry<String, VigilGroupProperties.GroupProperties> e : groups.entrySet()) {
      String name = e.getKey();
      Boolean explicit = e.getValue().getAutoStart();
      String parent = parents.get(name);
      boolean scheduled = inSessionSchedule(name);
      if (parent != null) {
        if (explicit != null) {
          problems.add(reject(name, "auto-start", explicit, "'" + name + "' is a child of group '" + parent + "', which starts it"));
        }
        continue;
      }
      if (scheduled && Boolean.TRUE.equals(explicit)) {
        problems.add(reject(name, "auto-start", true, "group '" + name + "' has an in-session schedule (vigil.schedules." + name
            + "), which starts and stops it"));
        continue;
      }
      if (explicit != null ? explicit : !scheduled) {
        autoStart.add(name);
      }
    }
    return problems.size() > before ? new Tree(List.of(), List.of(), parents) : new Tree(ordered, autoStart, parents);
  }

  private void order(String name, List<GroupSpec> ordered, Set<String> done, List<InvalidVigilPropertyException> problems) {
    if (!done.add(name)) {
      return;
    }
    VigilGroupProperties.GroupProperties g = groups.get(name);
    for (String c : g.getChildren()) {
      if (groups.containsKey(c)) {
        order(c, ordered, done, problems);
      }
    }
    // its children less those refused above (twice, itself), so that what the spec refuses is said once: its intensity
    List<String> children = g.getChildren().stream().filter(c -> !c.equals(name)).distinct().toList();
    if (!children.isEmpty()) {
      try {
        ordered.add(spec(name, g, children));
      } catch (InvalidVigilPropertyException e) {
        problems.addAll(e.all());
      }
    }
  }

  private GroupSpec spec(String name, VigilGroupProperties.GroupProperties g, List<String> children) {
    VigilGroupProperties.Intensity in = g.getIntensity();
    try {
      return GroupSpec.builder(name).strategy(g.getStrategy()).intensity(in.getMaxRestarts(), in.getPeriod())
          .children(children.toArray(String[]::new)).build();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      InvalidVigilPropertyException ex;
      if (message.startsWith("intensity of")) {
        ex = reject(name, "intensity.max-restarts", in.getMaxRestarts(), message);
      } else if (message.startsWith("period of")) {
        ex = reject(name, "intensity.period", in.getPeriod(), message);
      } else {
        ex = reject(name, "", name, message);
      }
      ex.initCause(e);
      throw ex;
    }
  }

  /** Whether {@code vigil.schedules.<name>} is an in-session schedule that the calendar configuration applies. */
  private boolean inSessionSchedule(String name) {
    Binder binder = Binder.get(environment);
    boolean calendars = binder.bind(ProcessSpecFactory.PREFIX + ".calendars", Bindable.mapOf(String.class, Object.class))
        .map(m -> !m.isEmpty()).orElse(false);
    if (!calendars) {
      return false;
    }
    VigilCalendarProperties.ScheduleProperties s = binder.bind(ProcessSpecFactory.PREFIX + ".schedules",
        Bindable.mapOf(String.class, VigilCalendarProperties.ScheduleProperties.class), StrictVigilProperties.leavingUnbound(environment))
        .orElse(Map.of()).get(name);
    return s != null && s.getMode() == Schedule.Kind.IN_SESSION;
  }

  /**
   * The schedule ({@code vigil.schedules.<name>}) of the {@code kind} (process or group) {@code name}, a child of group
   * {@code group}, refused: that group's strategy would start it outside its window.
   */
  static InvalidVigilPropertyException scheduleInAGroup(String name, String kind, String group) {
    return new InvalidVigilPropertyException(ProcessSpecFactory.PREFIX + ".schedules." + name, name, kind + " '" + name
        + "' is a child of group '" + group + "', whose strategy would start it outside its window; give the schedule to '"
        + group + "' (vigil.schedules." + group + ") or take '" + name + "' out of the group", null);
  }

  /** {@code vigil.groups.desk}, or {@code vigil.groups[md.desk]} for a name that is not one element. */
  static ConfigurationPropertyName groupName(String name) {
    ConfigurationPropertyName map = ConfigurationPropertyName.of(GROUPS);
    if (name.indexOf('.') < 0 && ConfigurationPropertyName.isValid(GROUPS + "." + name)) {
      return map.append(name);
    }
    return map.append("[" + name + "]");
  }

  private static String property(String group, String relative) {
    ConfigurationPropertyName base = groupName(group);
    return (relative.isEmpty() ? base : base.append(relative)).toString();
  }

  /** A rejected setting of group {@code group}, with where it was written when the environment knows. */
  InvalidVigilPropertyException reject(String group, String relative, @Nullable Object value, String reason) {
    ConfigurationPropertyName base = groupName(group);
    ConfigurationPropertyName name = relative.isEmpty() ? base : base.append(relative);
    ConfigurationProperty found = find(name);
    if (found == null && relative.startsWith("children[")) {
      found = find(base.append("children")); // written as one comma-separated value
    }
    String origin = found != null && found.getOrigin() != null ? found.getOrigin().toString() : null;
    return new InvalidVigilPropertyException(name.toString(), value, reason, origin);
  }

  private @Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty p = source.getConfigurationProperty(name);
      if (p != null) {
        return p;
      }
    }
    return null;
  }
}
