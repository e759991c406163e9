package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Supervisor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Strict {@code vigil.*}: a real Spring Boot application reading a real {@code application.yml}
 * fails to start on a misspelled key, and Spring Boot's failure analysis (the starter's analyzer)
 * names the key, its file and line, and the closest valid key. Keys outside {@code vigil.}, relaxed
 * spellings and free-form maps are left alone.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class StrictVigilPropertiesTest {

  @Test
  void aMisspelledProcessesFailsStartUpWithTheSuggestion(CapturedOutput output) {
    Throwable failure = start("typo-processes.yml");
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.property()).isEqualTo("vigil.proceses");
    assertThat(e.reason()).contains("did you mean `processes` (vigil.processes)?");
    assertThat(e.origin()).contains("strict/typo-processes.yml").contains(" - 5:");
    // what Spring Boot prints on the failed start, through VigilFailureAnalyzer
    assertThat(output.getOut() + output.getErr()).contains("Invalid Vigil configuration")
        .contains("Property: vigil.proceses").contains("did you mean `processes`").contains("typo-processes.yml] - 5:");
  }

  @Test
  void aMisspelledMaxRestartsFailsStartUpInsteadOfKeepingTheDefault(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(start("typo-restart.yml"));
    assertThat(e.property()).isEqualTo("vigil.processes.quote-feed.restart.max-restart");
    assertThat(e.value()).isEqualTo(2);
    assertThat(e.reason()).contains("did you mean `max-restarts` (vigil.processes.quote-feed.restart.max-restarts)?");
    assertThat(e.origin()).contains("strict/typo-restart.yml").contains(" - 6:");
    assertThat(output.getOut() + output.getErr()).contains("Property: vigil.processes.quote-feed.restart.max-restart")
        .contains("did you mean `max-restarts`");
  }

  /** A misspelled dependency is named by its own key, file and line, with the closest process (it said neither). */
  @Test
  void aMisspelledDependencyIsNamedWithItsLineAndTheClosestProcess() {
    InvalidVigilPropertyException e = invalid(start("typo-depends-on.yml"));
    assertThat(e.property()).isEqualTo("vigil.processes.order-gateway.depends-on.quote-fed");
    assertThat(e.value()).isEqualTo("started");
    assertThat(e.reason()).isEqualTo("no process named 'quote-fed' is defined; did you mean `quote-feed`?");
    assertThat(e.origin()).contains("strict/typo-depends-on.yml").contains(" - 11:");
  }

  /** A route's unknown sink is named at its own element, its file and line, and the closest sink (it named the route only). */
  @Test
  void anUnknownSinkOfARouteIsNamedAtItsElementWithItsLine(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(start("typo-route-sink.yml"));
    assertThat(e.property()).isEqualTo("vigil.alerts.routes.all.sinks[1]");
    assertThat(e.value()).isEqualTo("logz");
    assertThat(e.reason()).contains("unknown sink logz").contains("did you mean `logs`?");
    assertThat(output.getOut() + output.getErr()).contains("Property: vigil.alerts.routes.all.sinks[1]")
        .contains("Origin: class path resource [strict/typo-route-sink.yml] - 13:");
  }

  /** A calendar's rejected session is analysed with its file and line: the analyzer finds the origin it was not given. */
  @Test
  void aCalendarsBadSessionIsAnalysedWithItsLine(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(start("bad-session.yml"));
    assertThat(e.property()).startsWith("vigil.calendars.desk");
    assertThat(output.getOut() + output.getErr()).contains("Invalid Vigil configuration").contains("Origin: class path resource [strict/bad-session.yml]");
  }

  /**
   * One element of a list set again on the command line replaces the whole list (Spring's binding): the error says so,
   * rather than show the YAML's kind, "http", as "not set" (found by a black-box run).
   */
  @Test
  void aListReplacedByAnotherSourceIsSaidToBe() {
    SpringApplicationBuilder app = app("list-override.yml");
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
        () -> app.run("--vigil.processes.db.health-checks[0].interval=0s").close());
    InvalidVigilPropertyException e = invalid(failure);
    assertThat(e.property()).isEqualTo("vigil.processes.db.health-checks[0].kind");
    assertThat(e.value()).isNull();
    assertThat(e.reason()).contains("is not set").contains("vigil.processes.db.health-checks is taken whole from commandLineArgs")
        .contains("replaced, not merged");
  }

  /** A backend that does not exist is named with where it was written (it had no origin). */
  @Test
  void anUnknownBackendIsNamedWithItsLine() {
    InvalidVigilPropertyException e = invalid(start("bogus-backend.yml"));
    assertThat(e.property()).isEqualTo("vigil.backend");
    assertThat(e.value()).isEqualTo("bogus");
    assertThat(e.origin()).contains("strict/bogus-backend.yml").contains(" - 2:");
  }

  @Test
  void aFullValidConfigurationStartsWithRelaxedNamesAndFreeFormMaps() {
    try (ConfigurableApplicationContext context = app("valid.yml").run()) {
      Supervisor supervisor = context.getBean(Supervisor.class);
      assertThat(supervisor.controller("quote-feed").orElseThrow().spec().restartPolicy().maxRestarts()).isEqualTo(3);
      assertThat(supervisor.controller("quote-feed").orElseThrow().spec().labels()).containsEntry("app.kubernetes.io/name", "feed");
      assertThat(supervisor.controller("md.gateway")).isPresent();
    }
  }

  /** vigil.journal.enabled=true without vigil-journal on the class path was ignored, silently (found by a black-box run). */
  @Test
  void aJournalAskedForWithoutItsModuleFailsStartUp() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class))
        .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader("io.github.vigil.journal"))
        .withPropertyValues("vigil.journal.enabled=true", "vigil.journal.url=jdbc:sqlite:/tmp/never.db")
        .run(context -> {
          assertThat(context).hasFailed();
          InvalidVigilPropertyException e = invalid(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("vigil.journal.enabled");
          assertThat(e.reason()).contains("needs the vigil-journal module (io.github.vigil:vigil-journal) on the class path");
        });
    // with the module there (this test's class path), the same settings pass this check
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class))
        .withPropertyValues("vigil.journal.enabled=true", "vigil.journal.url=jdbc:sqlite:/tmp/never.db")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void otherKindsOfUnknownKeys() {
    ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class));
    List.of("vigil.name.first=x", "vigil.health.critical-processes.first=x", "vigil.processes.a.health-checks[0].prot=80",
        "vigil.lifecycle.start-timout=5s", "vigil.attach.r.comand-line=x").forEach(bad -> runner
        .withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.auto-start=false", bad)
        .run(context -> {
          assertThat(context).hasFailed();
          InvalidVigilPropertyException e = invalid(context.getStartupFailure());
          assertThat(bad).startsWith(e.property());
        }));
    runner.withPropertyValues("vigil.processes.a.health-checks[0].prot=80").run(context ->
        assertThat(invalid(context.getStartupFailure()).reason()).contains("did you mean `port`"));
    // the keys of the alerts, journal, calendar and schedule classes: Spring Boot's binding of those would ignore the typo
    List.of("vigil.alerts.rules.flaping-restarts=3|flapping-restarts", "vigil.alerts.sinks.ops.smtp.hots=mail|host",
        "vigil.alerts.silences[0].outside-session-of=xlon|outside-sessions-of", "vigil.journal.urll=jdbc:sqlite:j.db|url",
        "vigil.calendars.xlon.sesions[0]=08:00-16:30|sessions", "vigil.schedules.desk.leed=5m|lead",
        "vigil.alerts.enabeld=true|enabled").forEach(line -> {
          String bad = line.substring(0, line.indexOf('|'));
          String meant = line.substring(line.indexOf('|') + 1);
          runner.withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.auto-start=false", bad).run(context -> {
            InvalidVigilPropertyException e = invalid(context.getStartupFailure());
            assertThat(bad).startsWith(e.property());
            assertThat(e.reason()).as(bad).contains("did you mean `" + meant + "`");
          });
        });
    runner.withPropertyValues("vigil.processes.a.command=sleep,600", "vigil.processes.a.auto-start=false",
        "vigil.alerts.rules.severities.crashed=critical", "vigil.alerts.sinks.ops.headers.X-Token=1", "vigil.alerts.overrides.a.disabled=crashed",
        "vigil.alerts.routes.desk.sinks[0]=ops", "vigil.alerts.retry.max-attempts=3", "vigil.calendars.xlon.zone=Europe/London",
        "vigil.schedules.desk.lead=5m", "vigil.schedules.desk.freezes[0].name=auction", "vigil.journal.url=jdbc:sqlite:j.db",
        "vigil.groups.desk.children[0]=a").run(context -> assertThat(context).hasNotFailed());
    // not under vigil.: not Vigil's to judge
    runner.withPropertyValues("vigil-test.anything=1", "vigilant.x=2").run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void suggestionsAreTheNearestKeyWhenNearEnough() {
    assertThat(StrictVigilProperties.closest("max-restart", List.of("mode", "max-restarts", "window"))).isEqualTo("max-restarts");
    assertThat(StrictVigilProperties.closest("zzzzzz", List.of("mode", "max-restarts", "window"))).isNull();
    assertThat(StrictVigilProperties.distance("proceses", "processes")).isEqualTo(1);
  }

  private static Throwable start(String yaml) {
    SpringApplicationBuilder app = app(yaml);
    return org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close());
  }

  private static SpringApplicationBuilder app(String yaml) {
    return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.config.location=classpath:/strict/" + yaml, "management.endpoints.web.exposure.include=vigil");
  }

  private static InvalidVigilPropertyException invalid(Throwable failure) {
    assertThat(failure).isNotNull();
    Throwable t = failure;
    while (t != null && !(t instanceof InvalidVigilPropertyException)) {
      t = t.getCause();
    }
    assertThat(t).as("an InvalidVigilPropertyException in %s", failure).isNotNull();
    return (InvalidVigilPropertyException) t;
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
