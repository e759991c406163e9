package io.github.vigil.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.github.vigil.Supervisor;
import io.github.vigil.internal.DefaultSupervisorEngine; // DELIBERATELY WRONG: BindingUsingTheEngine below must be refused
import io.github.vigil.linux.proc.ProcSampler;          // DELIBERATELY WRONG: BindingUsingProcReaders below must be refused
import io.github.vigil.spi.SupervisorSettings;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of every deployed module (issue #19), on their main classes as built, so that a wrong import
 * fails {@code mvn verify}:
 * <pre>
 *   API   io.github.vigil, .calendar, .diagnosis      -&gt; nothing of Vigil but the SPI's types (never the engine, never a backend)
 *   SPI   io.github.vigil.spi                        -&gt; the API only (the JDK backend lives here: Jdk*, package-private helpers)
 *   engine io.github.vigil.internal                  -&gt; API and SPI
 *   backends and bindings (linux, micrometer, spring.boot, test, journal, cli, alerts, and any new package)
 *                                                    -&gt; API and SPI (and each other's public API), never the engine
 *   io.github.vigil.linux.proc                       -&gt; used by the Linux backend alone (its JNA facades are package-private)
 * </pre>
 * {@link #aDeliberatelyWrongImportFailsTheRules()} shows each binding rule refusing the wrong imports of this
 * file's fixtures, and {@code io.github.vigil.LayeringApiFixture} the API rule refusing an API class that reaches
 * into the engine and the JDK backend.
 */
class LayeringTest {
  static final String[] API = {"io.github.vigil", "io.github.vigil.calendar..", "io.github.vigil.diagnosis.."};
  static final String SPI = "io.github.vigil.spi..";
  static final String ENGINE = "io.github.vigil.internal..";
  static final String[] CORE = {"io.github.vigil", "io.github.vigil.calendar..", "io.github.vigil.diagnosis..", SPI, ENGINE};
  static final String[] LINUX_INSIDES = {"io.github.vigil.linux.proc.."};

  /** The JDK backend, which lives in the SPI package: its {@code Jdk*} classes and the package's non-public helpers. */
  static final DescribedPredicate<JavaClass> JDK_BACKEND = describe("the JDK backend (io.github.vigil.spi.Jdk*, non-public helpers)",
      c -> {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
          top = top.getEnclosingClass().get();
        }
        return top.getPackageName().equals("io.github.vigil.spi")
            && (top.getSimpleName().startsWith("Jdk") || !top.getModifiers().contains(JavaModifier.PUBLIC));
      });

  /** Vigil classes outside the four packages of the API, the SPI and the engine: other modules. */
  static final DescribedPredicate<JavaClass> OUTSIDE_CORE =
      describe("Vigil classes outside core", c -> c.getPackageName().startsWith("io.github.vigil.") && !resideInAnyPackage(CORE).test(c));

  static final DescribedPredicate<JavaClass> NOT_VIGIL = resideOutsideOfPackage("io.github.vigil..");

  static final ArchRule API_USES_NEITHER_ENGINE_NOR_BACKENDS = classes().that().resideInAnyPackage(API)
      .should().onlyDependOnClassesThat(NOT_VIGIL.or(resideInAnyPackage(API)).or(resideInAnyPackage(SPI).and(not(JDK_BACKEND))))
      .as("the API (io.github.vigil, .calendar, .diagnosis) depends on neither the engine nor a backend nor another module");

  static final ArchRule SPI_USES_THE_API_ONLY = classes().that().resideInAPackage(SPI)
      .should().onlyDependOnClassesThat(NOT_VIGIL.or(resideInAnyPackage(API)).or(resideInAnyPackage(SPI)))
      .as("the SPI (and the JDK backend in it) depends on the API only");

  static final ArchRule ENGINE_USES_API_AND_SPI = classes().that().resideInAPackage(ENGINE)
      .should().onlyDependOnClassesThat(NOT_VIGIL.or(resideInAnyPackage(CORE)))
      .as("the engine depends on the API and the SPI, never on another module");

  static final ArchRule BACKENDS_AND_BINDINGS_NEVER_USE_THE_ENGINE = noClasses().that(OUTSIDE_CORE)
      .should().dependOnClassesThat().resideInAPackage(ENGINE)
      .as("backends and bindings use the API and the SPI, never the engine (io.github.vigil.internal)");

  static final ArchRule LINUX_INSIDES_STAY_IN_THE_LINUX_BACKEND = noClasses().that().resideOutsideOfPackage("io.github.vigil.linux..")
      .should().dependOnClassesThat().resideInAnyPackage(LINUX_INSIDES)
      .as("only the Linux backend uses its /proc readers (io.github.vigil.linux.proc)");

  static final ArchRule BINDINGS_DO_NOT_NAME_THE_LINUX_BACKEND = noClasses().that(OUTSIDE_CORE)
      .and().resideOutsideOfPackage("io.github.vigil.linux..")
      .should().dependOnClassesThat().resideInAPackage("io.github.vigil.linux..")
      .as("bindings reach the Linux backend through the SPI (ServiceLoader), not by its classes");

  static final List<ArchRule> RULES = List.of(API_USES_NEITHER_ENGINE_NOR_BACKENDS, SPI_USES_THE_API_ONLY, ENGINE_USES_API_AND_SPI,
      BACKENDS_AND_BINDINGS_NEVER_USE_THE_ENGINE, LINUX_INSIDES_STAY_IN_THE_LINUX_BACKEND, BINDINGS_DO_NOT_NAME_THE_LINUX_BACKEND);

  static JavaClasses deployed;

  @BeforeAll
  static void importDeployedModules() {
    deployed = Deployed.importAll();
  }

  @Test
  void everyDeployedModuleIsImported() {
    // a rule over no classes passes: make sure each module's main classes are here
    for (String name : List.of("io.github.vigil.Supervisor", "io.github.vigil.calendar.TradingCalendar", "io.github.vigil.spi.ProcessBackend",
        "io.github.vigil.internal.DefaultSupervisorEngine", "io.github.vigil.linux.LinuxBackendProvider", "io.github.vigil.linux.Kernel",
        "io.github.vigil.linux.proc.ProcSampler", "io.github.vigil.test.SupervisorTestKit", "io.github.vigil.micrometer.VigilMetrics",
        "io.github.vigil.alerts.Alerting", "io.github.vigil.spring.boot.autoconfigure.SupervisorBuilderCustomizer",
        "io.github.vigil.journal.JournalRun", "io.github.vigil.cli.VigilCli")) {
      assertThat(deployed.contain(name)).as(name).isTrue();
    }
    assertThat(deployed.stream().filter(c -> c.getSource().map(s -> s.getUri().toString().contains("test-classes")).orElse(false)))
        .as("test classes are not checked").isEmpty();
  }

  @Test
  void theApiDependsOnNeitherTheEngineNorABackend() {
    API_USES_NEITHER_ENGINE_NOR_BACKENDS.check(deployed);
  }

  @Test
  void theSpiDependsOnTheApiOnly() {
    SPI_USES_THE_API_ONLY.check(deployed);
  }

  @Test
  void theEngineDependsOnApiAndSpiOnly() {
    ENGINE_USES_API_AND_SPI.check(deployed);
  }

  @Test
  void backendsAndBindingsNeverUseTheEngine() {
    BACKENDS_AND_BINDINGS_NEVER_USE_THE_ENGINE.check(deployed);
  }

  @Test
  void onlyTheLinuxBackendUsesItsProcReaders() {
    LINUX_INSIDES_STAY_IN_THE_LINUX_BACKEND.check(deployed);
    BINDINGS_DO_NOT_NAME_THE_LINUX_BACKEND.check(deployed);
  }

  /** A binding (any package of Vigil outside core) that builds its supervisor through the engine, not the API. */
  static final class BindingUsingTheEngine {
    Supervisor supervisor(SupervisorSettings settings) {
      return new DefaultSupervisorEngine().create(settings);
    }
  }

  /** A binding that reads /proc through the Linux backend's sampler itself, not through the SPI's ProcessSampler. */
  static final class BindingUsingProcReaders {
    ProcSampler sampler() {
      return ProcSampler.create();
    }
  }

  @Test
  void aDeliberatelyWrongImportFailsTheRules() {
    JavaClasses fixtures = new ClassFileImporter().importClasses(BindingUsingTheEngine.class, BindingUsingProcReaders.class);

    assertThatThrownBy(() -> BACKENDS_AND_BINDINGS_NEVER_USE_THE_ENGINE.check(fixtures))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(BindingUsingTheEngine.class.getName())
        .hasMessageContaining("io.github.vigil.internal.DefaultSupervisorEngine");
    assertThatThrownBy(() -> LINUX_INSIDES_STAY_IN_THE_LINUX_BACKEND.check(fixtures))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(BindingUsingProcReaders.class.getName())
        .hasMessageContaining("io.github.vigil.linux.proc.ProcSampler.create()");
    assertThatThrownBy(() -> BINDINGS_DO_NOT_NAME_THE_LINUX_BACKEND.check(fixtures))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.github.vigil.linux.proc.ProcSampler");
  }

  @Test
  void anApiClassReachingIntoTheEngineOrTheJdkBackendFailsTheApiRule() throws Exception {
    JavaClasses fixture = new ClassFileImporter().importClasses(Class.forName("io.github.vigil.LayeringApiFixture"));

    EvaluationResult result = API_USES_NEITHER_ENGINE_NOR_BACKENDS.evaluate(fixture);

    String details = result.getFailureReport().getDetails().stream().collect(Collectors.joining("\n"));
    assertThat(result.hasViolation()).isTrue();
    assertThat(details).contains("io.github.vigil.internal.DefaultSupervisorEngine").contains("io.github.vigil.spi.JdkProcessBackendProvider");
  }
}
