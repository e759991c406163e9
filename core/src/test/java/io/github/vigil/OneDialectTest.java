package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #13, "one dialect": every public builder of core's API, found by reflection over the
 * compiled classes (so a new one is checked without being listed here), speaks the same way:
 * a static entry point returns the builder, setters are named for what they set and return the
 * builder, {@code build()} makes the value, and none of the old outliers ({@code named},
 * {@code every}, {@code forSamples}, {@code onViolation}, {@code onUnhealthy}) or trading words
 * ({@code TRADER}, {@code QUOTE}, {@code account}) are left in the generic API.
 */
class OneDialectTest {
  /** Verbs of the old second dialect, and setter prefixes that model libraries do not use on builders. */
  private static final Pattern OUTLIER = Pattern.compile("named|every|forSamples|sampleEvery|(on|for|set|with)[A-Z].*");
  /** What a builder may have besides setters. */
  private static final Set<String> NOT_SETTERS = Set.of("build", "toString", "equals", "hashCode", "getClass", "notify",
      "notifyAll", "wait");

  private static List<Class<?>> api;

  @BeforeAll
  static void findTheApi() throws IOException, URISyntaxException {
    Path root = Path.of(ProcessSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> found = new ArrayList<>();
    for (String pkg : List.of("io/github/vigil", "io/github/vigil/calendar", "io/github/vigil/spi")) {
      try (Stream<Path> files = Files.list(root.resolve(pkg))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String file = f.getFileName().toString();
          if (file.endsWith(".class") && !file.contains("$") && !file.equals("package-info.class")) {
            try {
              Class<?> c = Class.forName(pkg.replace('/', '.') + "." + file.substring(0, file.length() - ".class".length()));
              if (Modifier.isPublic(c.getModifiers())) {
                found.add(c);
              }
            } catch (ClassNotFoundException e) {
              throw new AssertionError(e);
            }
          }
        }
      }
    }
    api = found;
  }

  /** The public builders: public static nested classes named Builder. */
  private static Map<Class<?>, Class<?>> builders() {
    Map<Class<?>, Class<?>> b = new TreeMap<>((x, y) -> x.getName().compareTo(y.getName()));
    for (Class<?> c : api) {
      for (Class<?> nested : c.getDeclaredClasses()) {
        if (nested.getSimpleName().equals("Builder") && Modifier.isPublic(nested.getModifiers())) {
          b.put(c, nested);
        }
      }
    }
    return b;
  }

  private static List<Method> publicMethods(Class<?> c) {
    return Arrays.stream(c.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()).toList();
  }

  @Test
  void everyPublicBuilderHasAnEntryPointSettersReturningItselfAndBuild() {
    Map<Class<?>, Class<?>> builders = builders();
    // the builders there are today; a new one is checked below without being listed
    assertThat(builders.keySet()).extracting(Class::getSimpleName).contains("AttachSpec", "GroupSpec", "HealthCheck",
        "ProcessSpec", "ResourceRule", "Supervisor", "TradingCalendar", "TradingSupervision");
    // the sample's assembler is the SPI's ProcessSampleBuilder (issue #19), not a builder of the user's API
    assertThat(builders).doesNotContainKey(ProcessSample.class);
    builders.forEach((type, builder) -> {
      assertThat(publicMethods(type)).as("%s: a static method returning its Builder", type.getSimpleName())
          .anyMatch(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == builder);
      assertThat(publicMethods(builder)).as("%s.Builder#build", type.getSimpleName())
          .anyMatch(m -> m.getName().equals("build") && m.getReturnType() == type);
      for (Method m : publicMethods(builder)) {
        if (NOT_SETTERS.contains(m.getName()) || Modifier.isStatic(m.getModifiers())) {
          continue;
        }
        assertThat(m.getName()).as("%s.Builder#%s: no outlier verb", type.getSimpleName(), m.getName()).doesNotMatch(OUTLIER);
        assertThat(m.getReturnType()).as("%s.Builder#%s returns the builder", type.getSimpleName(), m.getName())
            .isEqualTo(builder);
      }
    });
  }

  @Test
  void builtValuesAreNotAlsoTheirOwnBuilders() {
    // the second dialect: ResourceRule.cpuAbove(90).named("x").every(d) derived a new rule per setter
    builders().forEach((type, builder) -> {
      for (Method m : publicMethods(type)) {
        if (!Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type) {
          assertThat(m.getName()).as("%s#%s derives a %s: only withX(...) derivations", type.getSimpleName(), m.getName(),
              type.getSimpleName()).startsWith("with");
        }
      }
    });
  }

  @Test
  void healthChecksAndResourceRulesShareTheirVerbs() throws NoSuchMethodException {
    for (Class<?> b : List.of(HealthCheck.Builder.class, ResourceRule.Builder.class)) {
      assertThat(b.getMethod("name", String.class).getReturnType()).isEqualTo(b);
      assertThat(b.getMethod("interval", java.time.Duration.class).getReturnType()).isEqualTo(b);
      assertThat(b.getMethod("failureThreshold", int.class).getReturnType()).isEqualTo(b);
      assertThat(b.getMethod("action", HealthCheck.Action.class).getReturnType()).isEqualTo(b);
    }
    for (Class<?> t : List.of(HealthCheck.class, ResourceRule.class)) {
      assertThat(Stream.of("name", "interval", "failureThreshold", "action").map(n -> {
        try {
          return t.getMethod(n).getName();
        } catch (NoSuchMethodException e) {
          return "missing " + n;
        }
      })).as("%s reads back what its builder sets", t.getSimpleName()).containsExactly("name", "interval", "failureThreshold", "action");
    }
    HealthCheck check = HealthCheck.tcp("localhost", 9101).name("port").interval(java.time.Duration.ofSeconds(2))
        .failureThreshold(4).action(HealthCheck.Action.NOTIFY).build();
    ResourceRule rule = ResourceRule.cpuPercentAbove(90).name("busy").interval(java.time.Duration.ofSeconds(2))
        .failureThreshold(4).action(HealthCheck.Action.NOTIFY).build();
    assertThat(List.of(rule.name(), rule.interval(), rule.failureThreshold(), rule.action()))
        .isEqualTo(List.of("busy", check.interval(), check.failureThreshold(), check.action()));
  }

  @Test
  void supervisedAndAttachedProcessesAreLabelledAlike() throws NoSuchMethodException {
    for (Class<?> b : List.of(ProcessSpec.Builder.class, AttachSpec.Builder.class)) {
      assertThat(b.getMethod("label", String.class, String.class).getReturnType()).isEqualTo(b);
      assertThat(b.getMethod("labels", Map.class).getReturnType()).isEqualTo(b);
    }
    Map<String, String> labels = Map.of("type", "COMMUNICATION", "desk", "fx");
    assertThat(AttachSpec.builder("comm").pid(4242).labels(labels).build().labels())
        .isEqualTo(ProcessSpec.builder("comm").command("comm-link").labels(labels).build().labels())
        .isEqualTo(labels);
  }

  @Test
  void theGenericApiHasNoTradingVocabulary() {
    Set<String> words = new TreeSet<>();
    for (Class<?> c : api) {
      if (c.getPackageName().equals("io.github.vigil.calendar")) {
        continue; // trading calendars are that package's subject
      }
      for (Class<?> t : withNested(c)) {
        Arrays.stream(t.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers())).map(Method::getName)
            .forEach(words::add);
        if (t.isEnum()) {
          Arrays.stream(t.getEnumConstants()).map(e -> ((Enum<?>) e).name()).forEach(words::add);
        }
        words.add(t.getSimpleName());
      }
    }
    assertThat(words.stream().map(w -> w.toLowerCase(Locale.ROOT))
        .filter(w -> w.contains("trader") || w.contains("quote") || w.contains("account")).collect(Collectors.toList()))
        .as("trading words in the generic API (they belong in labels and examples)").isEmpty();
  }

  private static List<Class<?>> withNested(Class<?> c) {
    List<Class<?>> all = new ArrayList<>();
    all.add(c);
    for (Class<?> n : c.getDeclaredClasses()) {
      if (Modifier.isPublic(n.getModifiers())) {
        all.addAll(withNested(n));
      }
    }
    return all;
  }
}
