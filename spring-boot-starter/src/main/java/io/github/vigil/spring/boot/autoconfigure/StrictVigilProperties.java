package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Makes {@code vigil.*} strict: every property under {@code vigil.} must be one that
 * {@link VigilProperties} binds, or start-up fails with an {@link InvalidVigilPropertyException}
 * naming the unknown key, where it was written (file and line) and the closest valid key at that
 * place ({@code did you mean `max-restarts`?}). Keys are compared in Spring Boot's relaxed form
 * ({@code max-restarts}, {@code maxRestarts} and {@code max_restarts} are one key). Only
 * {@code vigil.*} is checked, the keys of the alerts, journal, calendar, schedule and group classes included (Spring
 * Boot's own binding of those ignores unknown keys); free-form maps ({@code labels}, {@code environment},
 * {@code headers}, {@code depends-on}, {@code metrics.tags}) accept any key. Operating-system environment variables
 * are not checked: unrelated {@code VIGIL_*} variables are common there, and they have no line.
 *
 * <p>Registered as a {@link BeanFactoryPostProcessor} by {@link VigilAutoConfiguration}, so it runs
 * before anything is bound. The valid keys are read from {@link VigilProperties}' JavaBean properties (and the
 * other configuration classes' under their keys), so a new setting is strict as soon as it exists. Thread-safe: what it
 * found is kept in concurrent collections.
 */
final class StrictVigilProperties implements BeanFactoryPostProcessor, EnvironmentAware,
    org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor {

  private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(ProcessSpecFactory.PREFIX);

  private @Nullable Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  /** The mistakes found before any bean was made ({@link #postProcessBeanFactory}), for {@link VigilPropertyProblems}. */
  private final List<InvalidVigilPropertyException> found = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * The names of the values that cannot be bound, by environment, each one of {@link #unbindable}: Spring's binding of
   * the configuration classes, and the starter's own of a process's or group's settings, leave them at their defaults
   * ({@link #apply}, {@link #leavingUnbound}), so that the start goes on to find the other mistakes. Weak keys: an
   * environment's entry goes with it.
   */
  private static final Map<Environment, java.util.Set<ConfigurationPropertyName>> UNBOUND =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  /** The mistakes naming them. */
  private final List<InvalidVigilPropertyException> unbindable = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Checks the environment before any bean, {@link VigilProperties} included, is bound or created. What it finds (every
   * unknown key, a module asked for and missing) is kept for {@link VigilPropertyProblems} ({@link #found()}), which fails
   * the start on it with every other part's mistakes, before any process starts: it failed the start alone, on the first
   * unknown key, before anything else was checked. Each value that cannot be bound ({@link #binding}: a restart mode that
   * is none of the choices, a duration or a number that is none) is such a mistake too, with or without unknown keys:
   * Spring's binding leaves it at its default ({@link #apply}) and the start fails on it with the rest (Spring's binding
   * error failed the start alone, naming the first of them only). When the properties will not bind for another reason
   * beside unknown keys (an unknown key that keeps a list element from binding), the start fails here on every unknown
   * key and every value that cannot be bound, sorted by property; with no unknown key, Spring's binding error says it.
   */
  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    if (environment != null) {
      found.clear();
      List<InvalidVigilPropertyException> unknown = unknownKeys(environment);
      List<InvalidVigilPropertyException> modules = new ArrayList<>();
      try {
        checkModules(environment, beanFactory.getBeanClassLoader());
      } catch (InvalidVigilPropertyException e) {
        modules.add(e);
      }
      UNBOUND.remove(environment);
      unbindable.clear();
      Binding binding = binding(environment, unknown);
      if (binding.fails() && !unknown.isEmpty()) {
        // the properties will not bind, and Spring would say its binding error alone: the unknown keys (one that keeps a
        // list element from binding included) fail the start here with every value that cannot be bound, each named
        // with its value and line, sorted by property as the other mistakes are
        List<InvalidVigilPropertyException> all = new ArrayList<>(unknown);
        all.addAll(binding.unbindable());
        all.addAll(modules);
        InvalidVigilPropertyException.throwAll(all);
      }
      if (!binding.fails()) {
        // every failure is one of these values: Spring's binding leaves each at its default, and they fail the start with
        // the other mistakes (VigilPropertyProblems) once every part is checked
        java.util.Set<ConfigurationPropertyName> names = new java.util.HashSet<>();
        binding.unbindable().forEach(u -> names.add(ConfigurationPropertyName.of(u.property())));
        if (!names.isEmpty()) {
          UNBOUND.put(environment, java.util.Set.copyOf(names));
        }
        this.unbindable.addAll(binding.unbindable());
      }
      found.addAll(unknown);
      found.addAll(modules);
    }
  }

  /**
   * Spring's binding of the {@code vigil.*} configuration classes, leaving each value that {@link #postProcessBeanFactory}
   * found cannot be bound at its default rather than failing the start on the first of them: each is among the mistakes
   * ({@link #found()}), named with its value and line. Any other failure is Spring's, as before.
   */
  @Override
  public org.springframework.boot.context.properties.bind.BindHandler apply(org.springframework.boot.context.properties.bind.BindHandler handler) {
    Environment env = environment;
    return env != null ? leavingUnbound(env, handler) : handler;
  }

  /**
   * A bind handler for {@code environment} that leaves each value found not to bind at its default, as Spring's binding
   * of the configuration classes does ({@link #apply}): for the starter's own binding of a process's or a group's
   * settings. Any other failure is thrown, as {@link org.springframework.boot.context.properties.bind.BindHandler#DEFAULT}'s.
   */
  static org.springframework.boot.context.properties.bind.BindHandler leavingUnbound(Environment environment) {
    return leavingUnbound(environment, org.springframework.boot.context.properties.bind.BindHandler.DEFAULT);
  }

  private static org.springframework.boot.context.properties.bind.BindHandler leavingUnbound(Environment environment,
      org.springframework.boot.context.properties.bind.BindHandler parent) {
    return new org.springframework.boot.context.properties.bind.AbstractBindHandler(parent) {
      @Override
      public @Nullable Object onFailure(ConfigurationPropertyName name, org.springframework.boot.context.properties.bind.Bindable<?> target,
          org.springframework.boot.context.properties.bind.BindContext context, Exception error) throws Exception {
        if (UNBOUND.getOrDefault(environment, java.util.Set.of()).contains(name)) {
          return target.getValue() != null ? target.getValue().get() : null;   // said, with its line, among the mistakes
        }
        return super.onFailure(name, target, context, error);
      }
    };
  }

  /**
   * Each value found not to bind, whose default Spring's binding keeps ({@link #apply}), named with its value and line;
   * for {@link VigilPropertyProblems}.
   */
  List<InvalidVigilPropertyException> unbindable() {
    return List.copyOf(unbindable);
  }

  /**
   * How the {@code vigil.*} configuration classes bind from an environment, as Spring will bind them: each value they
   * cannot bind (a restart mode that is none of the choices, a duration or a number that is none), named with its value
   * and origin, and whether the binding fails for something else. A failure at or above one of the unknown keys (a list
   * element left with no key of its own) is that key's: the binding fails, and the unknown key, named already, is not
   * named again.
   */
  record Binding(boolean fails, List<InvalidVigilPropertyException> unbindable) {}

  /** How the {@code vigil.*} configuration classes bind from {@code environment}, the {@code unknown} keys left aside. */
  static Binding binding(Environment environment, List<InvalidVigilPropertyException> unknown) {
    List<ConfigurationPropertyName> unknownNames = new ArrayList<>();
    for (InvalidVigilPropertyException u : unknown) {
      ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(u.property());   // null when no canonical name
      if (name != null) {
        unknownNames.add(name);
      }
    }
    boolean[] fails = {false};
    Map<String, InvalidVigilPropertyException> failures = new LinkedHashMap<>();
    org.springframework.boot.context.properties.bind.BindHandler handler = new org.springframework.boot.context.properties.bind.BindHandler() {
      @Override
      public @Nullable Object onFailure(ConfigurationPropertyName name, org.springframework.boot.context.properties.bind.Bindable<?> target,
          org.springframework.boot.context.properties.bind.BindContext context, Exception error) {
        boolean ofAnUnknownKey = unknownNames.stream().anyMatch(u -> name.equals(u) || name.isAncestorOf(u));
        if (ofAnUnknownKey) {
          fails[0] = true;
        } else {
          failures.putIfAbsent(name.toString(), notBound(environment, name, target, context, error));
        }
        // carry on, so that every value that cannot be bound is found (Spring's IgnoreErrorsBindHandler does the same)
        return target.getValue() != null ? target.getValue().get() : null;
      }
    };
    org.springframework.boot.context.properties.bind.Binder binder = org.springframework.boot.context.properties.bind.Binder.get(environment);
    try {
      for (Class<?> c : List.of(VigilProperties.class, VigilGroupProperties.class, VigilCalendarProperties.class, VigilAlertsProperties.class,
          VigilJournalProperties.class)) {
        binder.bind(c.getAnnotation(org.springframework.boot.context.properties.ConfigurationProperties.class).value(),
            org.springframework.boot.context.properties.bind.Bindable.of(c), handler);
      }
    } catch (RuntimeException | LinkageError e) {
      return new Binding(true, new ArrayList<>(failures.values()));   // what failed past the handler, Spring will say
    }
    return new Binding(fails[0], new ArrayList<>(failures.values()));
  }

  /** A value that {@code name} cannot be bound from: the value as written, where, and why (the choices of an enum). */
  private static InvalidVigilPropertyException notBound(Environment environment, ConfigurationPropertyName name,
      org.springframework.boot.context.properties.bind.Bindable<?> target, org.springframework.boot.context.properties.bind.BindContext context,
      Exception error) {
    ConfigurationProperty property = context.getConfigurationProperty();
    if (property == null || !property.getName().equals(name)) {
      property = null;
      for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
        property = source.getConfigurationProperty(name);
        if (property != null) {
          break;
        }
      }
    }
    Class<?> type = target.getType().resolve(Object.class);
    String reason;
    if (type.isEnum()) {
      reason = "is none of " + VigilEnumFailureAnalyzer.choices(type);
    } else if (!isLeaf(type) && !Map.class.isAssignableFrom(type) && !Collection.class.isAssignableFrom(type)) {
      reason = "takes nested keys, not a value: " + String.join(", ", properties(type).keySet());   // restart: sometimes
    } else if (WHOLE_NUMBERS.contains(type)) {
      reason = "is not a whole number";   // Spring's root cause says: For input string: "many"
    } else if (Number.class.isAssignableFrom(org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(type))) {
      reason = "is not a number";
    } else {
      Throwable root = error;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      reason = "cannot be bound as " + type.getSimpleName() + ": " + root.getMessage();
    }
    String origin = property != null && property.getOrigin() != null ? property.getOrigin().toString() : null;
    return new InvalidVigilPropertyException(name.toString(), property != null ? property.getValue() : null, reason, origin);
  }

  private static final java.util.Set<Class<?>> WHOLE_NUMBERS = java.util.Set.of(int.class, Integer.class, long.class, Long.class,
      short.class, Short.class, byte.class, Byte.class, java.math.BigInteger.class);

  /**
   * What {@link #postProcessBeanFactory} found: every unknown key and a missing module, in the order found (the values
   * that cannot be bound are {@link #unbindable()}).
   */
  List<InvalidVigilPropertyException> found() {
    return List.copyOf(found);
  }

  /**
   * Fails on every unknown {@code vigil.*} key of {@code environment}, at once, sorted by key.
   *
   * @throws InvalidVigilPropertyException naming each key, its origin and the closest valid key
   */
  static void check(Environment environment) {
    InvalidVigilPropertyException.throwAll(unknownKeys(environment));
  }

  /**
   * Every unknown {@code vigil.*} key of {@code environment}, in the order the sources list them, each once (the first
   * property under it: {@code vigil.procesess.a.command[0]} and {@code [1]} are one unknown key {@code vigil.procesess}).
   */
  static List<InvalidVigilPropertyException> unknownKeys(Environment environment) {
    Map<String, InvalidVigilPropertyException> unknown = new LinkedHashMap<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (!(source instanceof IterableConfigurationPropertySource iterable) || isSystemEnvironment(source)) {
        continue;
      }
      for (ConfigurationPropertyName name : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
        if (ROOT.isAncestorOf(name)) {
          try {
            check(name, source);
          } catch (InvalidVigilPropertyException e) {
            unknown.putIfAbsent(e.property(), e);
          }
        }
      }
    }
    return new ArrayList<>(unknown.values());
  }

  /**
   * Fails when a setting asks for a module that is not on the class path: its auto-configuration would not run, and
   * nothing would say so ({@code vigil.journal.enabled=true} without {@code vigil-journal} was ignored).
   */
  static void checkModules(Environment environment, @Nullable ClassLoader classLoader) {
    if (environment.getProperty("vigil.journal.enabled", Boolean.class, false)
        && !org.springframework.util.ClassUtils.isPresent("io.github.vigil.journal.Journal", classLoader)) {
      throw missingModule(environment, "vigil.journal.enabled", "vigil-journal");
    }
  }

  private static InvalidVigilPropertyException missingModule(Environment environment, String key, String module) {
    ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
    String origin = null;
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(name);
      if (property != null) {
        origin = property.getOrigin() != null ? property.getOrigin().toString() : null;
        break;
      }
    }
    return new InvalidVigilPropertyException(key, environment.getProperty(key), "needs the " + module + " module (io.github.vigil:" + module
        + ") on the class path, and it is not there: add that dependency, or remove the setting", origin);
  }

  private static boolean isSystemEnvironment(ConfigurationPropertySource source) {
    Object underlying = source.getUnderlyingSource();
    return underlying instanceof SystemEnvironmentPropertySource
        || (underlying instanceof PropertySource<?> p && p.getSource() instanceof SystemEnvironmentPropertySource);
  }

  /**
   * Top-level keys bound by the other {@code vigil.*} configuration classes, with the type of the value at
   * {@code vigil.<key>}: checked here the same way, since Spring Boot's own binding ignores unknown keys.
   */
  private static final Map<String, Type> CHECKED_ROOTS = Map.of(
      "groups", valueType(VigilGroupProperties.class, "getGroups"),
      "calendars", valueType(VigilCalendarProperties.class, "getCalendars"),
      "schedules", valueType(VigilCalendarProperties.class, "getSchedules"),
      "alerts", VigilAlertsProperties.class,
      "journal", VigilJournalProperties.class);

  /** The configuration classes whose nested classes hold settings (not values written whole). */
  private static final List<Class<?>> BEANS = List.of(VigilProperties.class, VigilGroupProperties.class, VigilCalendarProperties.class,
      VigilAlertsProperties.class, VigilJournalProperties.class);

  private static Type valueType(Class<?> type, String getter) {
    try {
      return type.getMethod(getter).getGenericReturnType();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(type.getSimpleName() + " has no " + getter + "()", e);
    }
  }

  private static void check(ConfigurationPropertyName name, ConfigurationPropertySource source) {
    Type type = VigilProperties.class;
    int first = ROOT.getNumberOfElements();
    if (name.getNumberOfElements() > first) {
      String root = name.getElement(first, Form.UNIFORM);
      for (Map.Entry<String, Type> r : CHECKED_ROOTS.entrySet()) {
        if (uniform(r.getKey()).equals(root)) {
          type = r.getValue();
          first++;
        }
      }
    }
    for (int i = first; i < name.getNumberOfElements(); i++) {
      Class<?> raw = raw(type);
      if (Map.class.isAssignableFrom(raw)) {
        Type value = argument(type, 1);
        if (isLeaf(value)) {
          return; // a free-form map: its keys may have dots
        }
        type = value; // element i is the key
        continue;
      }
      if (Collection.class.isAssignableFrom(raw)) {
        if (!name.isNumericIndex(i)) {
          throw unknown(name, i, source, List.of("[0]"));
        }
        Type element = argument(type, 0);
        if (isLeaf(element)) {
          if (i + 1 < name.getNumberOfElements()) {
            throw unknown(name, i + 1, source, List.of());
          }
          return;
        }
        type = element;
        continue;
      }
      if (isLeaf(type)) {
        throw unknown(name, i, source, List.of());
      }
      Map<String, Type> properties = properties(raw);
      if (i == ROOT.getNumberOfElements()) { // vigil.<here>: the other configuration classes' keys too
        CHECKED_ROOTS.forEach(properties::putIfAbsent);
      }
      String element = name.getElement(i, Form.UNIFORM);
      Type next = null;
      for (Map.Entry<String, Type> p : properties.entrySet()) {
        if (uniform(p.getKey()).equals(element)) {
          next = p.getValue();
        }
      }
      if (next == null) {
        throw unknown(name, i, source, new ArrayList<>(properties.keySet()));
      }
      type = next;
    }
  }

  /** The settable or nested JavaBean properties of one of VigilProperties' classes, by dashed name. */
  private static Map<String, Type> properties(Class<?> type) {
    Map<String, Type> properties = new LinkedHashMap<>();
    for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(type)) {
      Method read = d.getReadMethod();
      if (read == null || read.getDeclaringClass() == Object.class) {
        continue;
      }
      properties.put(dashed(d.getName()), read.getGenericReturnType());
    }
    return properties;
  }

  /** Whether values of {@code type} are written whole (a string, number, duration, enum, ...), not as nested keys. */
  private static boolean isLeaf(Type type) {
    Class<?> raw = raw(type);
    if (Map.class.isAssignableFrom(raw) || Collection.class.isAssignableFrom(raw)) {
      return false;
    }
    if (raw.isEnum() || raw.isPrimitive()) {
      return true;
    }
    Class<?> enclosing = raw.getEnclosingClass();
    return (enclosing == null || !BEANS.contains(enclosing)) && !BEANS.contains(raw);
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }

  private static Type argument(Type type, int index) {
    return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
  }

  private static InvalidVigilPropertyException unknown(ConfigurationPropertyName name, int at, ConfigurationPropertySource source,
      List<String> valid) {
    ConfigurationPropertyName key = name.chop(at + 1);
    ConfigurationProperty property = source.getConfigurationProperty(name);
    String origin = property != null && property.getOrigin() != null ? property.getOrigin().toString() : null;
    String written = name.getElement(at, Form.ORIGINAL);
    String reason;
    if (valid.isEmpty()) {
      reason = "'" + written + "' is not a Vigil property: " + key.chop(at) + " takes a value, not nested keys";
    } else if (valid.equals(List.of("[0]"))) {
      reason = "'" + written + "' is not a Vigil property: " + key.chop(at) + " is a list; its elements are [0], [1], ...";
    } else {
      String closest = closest(name.getElement(at, Form.DASHED), valid);
      reason = "'" + written + "' is not a Vigil property" + (closest != null ? "; did you mean `" + closest + "` (" + key.chop(at).append(closest)
          + ")?" : "") + " Valid here: " + String.join(", ", valid);
    }
    Object value = property != null ? property.getValue() : null;
    return new InvalidVigilPropertyException(key.toString(), name.equals(key) ? value : name + "=" + value, reason, origin);
  }

  /** The valid key nearest to {@code written} by edit distance, when it is near enough to be a typo. */
  static @Nullable String closest(String written, List<String> valid) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : valid) {
      int d = distance(written, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, written.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String dashed(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('-').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String uniform(String dashed) {
    return dashed.replace("-", "").toLowerCase(Locale.ROOT);
  }
}
