package io.github.vigil.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The mistakes of the {@code vigil.*} properties found while the starter's beans are made, gathered from every part (the
 * unknown keys, found before any bean by {@link StrictVigilProperties}; the supervisor's own settings, the processes,
 * what their registration would refuse, attachments, {@code vigil.health.critical-processes} and
 * {@code vigil.lifecycle.start-timeout} by {@link VigilAutoConfiguration}; {@code vigil.metrics.*}; the groups, the
 * trading calendars and schedules, the alert sinks, routes, silences, rules and overrides), so that one failed start names them all, sorted by
 * property ({@link InvalidVigilPropertyException#throwAll}); they were found one part a start. A part with mistakes
 * registers nothing with the supervisor, and what the parts after it check against it (a group's children, a schedule's
 * process, an override's name) is checked against the names its properties give ({@link #processes()},
 * {@link #groups()}), so that no name is called unknown for the mistakes of what it names.
 *
 * <p>The shared one, a bean of {@link VigilAutoConfiguration}, fails the start once every singleton is made, before any
 * process is started ({@link #afterSingletonsInstantiated()}); a mistake thrown by a part on the way
 * ({@link #failing}) fails it at once with every one gathered before. Without that bean (an application's own
 * {@code Supervisor} with {@code vigil.enabled=false}), a part gathers in one of its own ({@link #of}) and fails at its end
 * ({@link #end()}), as it did.
 *
 * <p>Thread-safe: Spring makes the beans on one thread, and each method is synchronized.
 */
final class VigilPropertyProblems implements SmartInitializingSingleton {
  private final boolean shared;
  private final List<InvalidVigilPropertyException> problems = new ArrayList<>();
  private final Set<String> processes = new LinkedHashSet<>();
  private final Set<String> groups = new LinkedHashSet<>();
  /** The group each child of a group is in. */
  private final Map<String, String> parents = new LinkedHashMap<>();
  /** The values Spring could not bind, left at their defaults ({@link #unbound(List)}). */
  private final Set<ConfigurationPropertyName> unbound = new LinkedHashSet<>();
  /** The mistakes naming them. */
  private final List<InvalidVigilPropertyException> unboundSaid = new ArrayList<>();
  /** A stand-in supervisor whose backend may not be the one the application would get; null when none. */
  private @Nullable Object backendUnknown;

  /** The shared one, a bean. */
  VigilPropertyProblems() {
    this(true);
  }

  private VigilPropertyProblems(boolean shared) {
    this.shared = shared;
  }

  /** The shared bean when there is one, else one for a single part, which fails at its {@link #end()}. */
  static VigilPropertyProblems of(ObjectProvider<VigilPropertyProblems> shared) {
    VigilPropertyProblems bean = shared.getIfAvailable();
    return bean != null ? bean : new VigilPropertyProblems(false);
  }

  /** Adds {@code mistake}, each of its {@link InvalidVigilPropertyException#all()}. */
  synchronized void add(InvalidVigilPropertyException mistake) {
    problems.addAll(mistake.all());
  }

  /** Adds each of {@code mistakes}. */
  synchronized void addAll(List<InvalidVigilPropertyException> mistakes) {
    mistakes.forEach(this::add);
  }

  /** What {@code step} gives, or null when it refuses a property: the refusal is added, not thrown. */
  <T> @Nullable T collect(Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidVigilPropertyException e) {
      add(e);
      return null;
    }
  }

  /** What {@code step} gives; a property it refuses fails at once, with every mistake gathered before it. */
  <T> T failing(Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidVigilPropertyException e) {
      add(e);
      throwIfAny();
      throw e;
    }
  }

  /** Whether no mistake was found so far. */
  synchronized boolean isEmpty() {
    return problems.isEmpty();
  }

  /**
   * Fails, once, on every mistake gathered so far, sorted by property; nothing when there is none. A mistake found at or
   * under a value Spring could not bind ({@link #unbound}) is left out: it is of the default that stood in for that value
   * (a health check whose kind is none of the choices, said to have no kind), and the value is named already.
   */
  synchronized void throwIfAny() {
    List<InvalidVigilPropertyException> said = new ArrayList<>();
    for (InvalidVigilPropertyException p : problems) {
      ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(p.property());
      boolean ofADefault = name != null && unboundSaid.stream().noneMatch(u -> u == p)
          && unbound.stream().anyMatch(u -> u.equals(name) || u.isAncestorOf(name));
      if (!ofADefault) {
        said.add(p);
      }
    }
    InvalidVigilPropertyException.throwAll(said);
  }

  /**
   * Adds the values Spring could not bind ({@code said}, each naming one; {@link StrictVigilProperties} found them), which
   * its binding left at their defaults: added to the mistakes, and what is found of those defaults is not said.
   */
  synchronized void unbound(List<InvalidVigilPropertyException> said) {
    for (InvalidVigilPropertyException u : said) {
      unbound.add(ConfigurationPropertyName.of(u.property()));
      unboundSaid.add(u);
      problems.add(u);
    }
  }

  /** Whether this is the shared bean, which fails the start once every singleton is made. */
  boolean isShared() {
    return shared;
  }

  /** The end of a part: fails on what was gathered when this one is the part's own, not the shared bean. */
  void end() {
    if (!shared) {
      throwIfAny();
    }
  }

  /** Adds the names of the processes the starter registers, or would have but for mistakes. */
  synchronized void processes(Set<String> names) {
    processes.addAll(names);
  }

  /** The names of the processes the starter registers, or would have but for mistakes. */
  synchronized Set<String> processes() {
    return Set.copyOf(processes);
  }

  /** Adds the groups of {@code vigil.groups} and the parent of each child that has one, mistakes or not. */
  synchronized void groups(Set<String> names, Map<String, String> parentOf) {
    groups.addAll(names);
    parents.putAll(parentOf);
  }

  /** The names of the groups of {@code vigil.groups}. */
  synchronized Set<String> groups() {
    return Set.copyOf(groups);
  }

  /** The group of {@code vigil.groups} whose child {@code name} is; null when none. */
  synchronized @Nullable String parentOf(String name) {
    return parents.get(name);
  }

  /**
   * Marks {@code standIn}, a supervisor made in place of one whose setting was refused, as one whose backend may not be
   * the application's: what depends on the backend is not judged against it.
   */
  synchronized void backendUnknown(Object standIn) {
    backendUnknown = standIn;
  }

  /** Whether {@code supervisor} is a stand-in whose backend may not be the application's ({@link #backendUnknown}). */
  synchronized boolean isBackendUnknown(Object supervisor) {
    return backendUnknown == supervisor;
  }

  @Override
  public void afterSingletonsInstantiated() {
    throwIfAny();
  }
}
