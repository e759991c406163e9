package io.github.vigil.architecture;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The main classes of every deployed module, as this module's test class path holds them. */
final class Deployed {
  private Deployed() {}

  /**
   * vigil-cli is published as a runnable jar with its dependencies inside (core, journal, picocli, ...): once it
   * is packaged ({@code mvn verify}), only its own package is taken from it; core's classes come from core.
   */
  static final ImportOption CLI_JAR_OWN_PACKAGE_ONLY = location -> {
    String uri = location.asURI().toString();
    return !uri.matches(".*/vigil-cli-[^/]*\\.jar!/.*") || uri.contains("!/io/github/vigil/cli/");
  };

  static JavaClasses importAll() {
    // dependencies on other libraries are checked by name; loading Spring's or Micrometer's classes adds nothing
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(CLI_JAR_OWN_PACKAGE_ONLY).importPackages("io.github.vigil");
  }
}
