package io.github.vigil.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the deployed jars show a user and a backend author (issue #19), and what the module path needs of them.
 * The jars carry an {@code Automatic-Module-Name} (README, "Modules and the module path"), which exports every
 * package: so the engine and the JDK backend are hidden by being package-private, and this test holds that.
 * It prints the public top-level types per package of every deployed module ({@code .ci/public-types} counts one
 * module's compiled classes the same way).
 */
class PublicSurfaceTest {
  static JavaClasses deployed;

  @BeforeAll
  static void importDeployedModules() {
    deployed = Deployed.importAll();
  }

  static Set<String> publicTopLevel(String packageName) {
    return deployed.stream().filter(c -> c.getPackageName().equals(packageName) && c.isTopLevelClass()
        && c.getModifiers().contains(JavaModifier.PUBLIC)).map(JavaClass::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void theEngineShowsNothingButItsServiceProvider() {
    // a class-path ServiceLoader provider must be public; everything else of the engine is package-private
    assertThat(publicTopLevel("io.github.vigil.internal")).containsExactly("DefaultSupervisorEngine");
  }

  @Test
  void theJdkBackendShowsNothingButItsProvider() {
    Set<String> spi = publicTopLevel("io.github.vigil.spi");
    assertThat(spi).filteredOn(n -> n.startsWith("Jdk")).containsExactly("JdkProcessBackendProvider");
    assertThat(spi).doesNotContain("ProcScan").contains("ProcessBackend", "ProcessSampleBuilder", "SupervisorEngine");
  }

  @Test
  void theLinuxBackendShowsItsProviderAndLimitLabelsAndHidesItsJnaFacades() {
    assertThat(publicTopLevel("io.github.vigil.linux")).containsExactly("LinuxBackendProvider", "LinuxLimits");
    assertThat(deployed.contain("io.github.vigil.linux.Pidfd")).as("the facades are imported, package-private").isTrue();
    assertThat(deployed.stream().map(JavaClass::getPackageName)).doesNotContain("io.github.vigil.linux.jna");
  }

  @Test
  void theUsersSampleHasNoBuilder() {
    JavaClass sample = deployed.get("io.github.vigil.ProcessSample");
    assertThat(sample.isInterface()).isTrue();
    assertThat(sample.getAllMembers()).noneMatch(m -> m.getName().equals("builder"));
    assertThat(deployed.contain("io.github.vigil.ProcessSample$Builder")).isFalse();
  }

  @Test
  void noPackageIsSplitAcrossDeployedModules() {
    // two automatic modules may not hold the same package: the module path refuses such jars
    Map<String, Set<String>> locations = new TreeMap<>();
    for (JavaClass c : deployed) {
      String uri = c.getSource().orElseThrow().getUri().toString();
      String root = uri.substring(0, uri.length() - (c.getName().replace('.', '/') + ".class").length());
      locations.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>()).add(root);
    }
    assertThat(locations).as("packages of the deployed modules").hasSizeGreaterThan(10);
    assertThat(locations).allSatisfy((pkg, roots) -> assertThat(roots).as(pkg).hasSize(1));
  }

  @Test
  void printsThePublicTypesPerPackage() {
    Map<String, long[]> counts = new TreeMap<>();
    for (JavaClass c : deployed) {
      if (c.isTopLevelClass() && !c.getSimpleName().equals("package-info")) {
        long[] n = counts.computeIfAbsent(c.getPackageName(), p -> new long[2]);
        n[1]++;
        if (c.getModifiers().contains(JavaModifier.PUBLIC)) {
          n[0]++;
        }
      }
    }
    StringBuilder table = new StringBuilder("public/all top-level types per package of the deployed modules:\n");
    counts.forEach((pkg, n) -> table.append(String.format(java.util.Locale.ROOT, "%4d/%-4d %s%n", n[0], n[1], pkg)));
    System.out.print(table);
    assertThat(counts).containsKeys("io.github.vigil", "io.github.vigil.spi", "io.github.vigil.internal");
  }
}
