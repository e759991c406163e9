package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.invalid;
import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.startWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

/**
 * The {@code vigil.*} mistakes that were said a start later than the others, or alone, as a real Spring Boot application
 * reading a real {@code application.yml} reports them through the failure analyzer: a {@code systemd-notify} check on a
 * backend that cannot run it, a process name the supervisor already has, a schedule's lead and lag on a calendar with
 * mistakes (found at registration, after the rest had failed the start), {@code vigil.alerts.rules}, the silences and
 * {@code vigil.lifecycle.start-timeout} (which failed alone), the supervisor's own settings and the unknown keys (which
 * failed before anything else was checked). Each is now in the one failure, sorted by property, with the others.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class LatePropertyErrorsTest {

  /**
   * A systemd-notify check on the JDK backend, a schedule's negative lead and too long lag on a calendar whose zone is
   * wrong, beside a process's mistake: one failure naming the five. The check was said only once the other mistakes
   * were fixed (at registration), the lead and lag once the calendar was.
   */
  @Test
  void aNotifyCheckOnTheJdkBackendAndAScheduleOnABadCalendarAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/registration.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.calendars.sse.zone",
        "vigil.processes.quote-feed.health-checks[0].kind",
        "vigil.processes.risk-engine.restart.max-restarts",
        "vigil.schedules.order-gateway.lag",
        "vigil.schedules.order-gateway.lead");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [late-errors/registration.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n")
        .contains("    Property: vigil.processes.quote-feed.health-checks[0].kind\n"
            + "    Value: \"systemd-notify\"\n"
            + "    " + file + "8:17\n"
            + "    Reason: health check 'notify' of 'quote-feed' needs systemd's notify protocol, which backend 'jdk' does not"
            + " offer (the Linux backend does)\n")
        .contains("    Property: vigil.schedules.order-gateway.lead\n"
            + "    Value: \"-5 min 00 s\"\n"
            + "    " + file + "24:13\n")
        .doesNotContain("Starting processes");
  }

  /**
   * A systemd-notify check on the JDK backend with no other mistake of the processes, and a group naming a child nobody
   * has: one failure naming both (the check failed the start alone, at registration, before the groups were checked).
   */
  @Test
  void aNotifyCheckIsInTheSameFailureAsTheGroups(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/notify-alone.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.groups.desk.children[1]",
        "vigil.processes.quote-feed.health-checks[1].kind");
    assertThat(e.all().get(1).value()).isEqualTo("systemd-notify");
  }

  /**
   * Two spellings of one process name ({@code quote-feed} and {@code quoteFeed}, one name to Spring's relaxed binding)
   * beside another process's mistake: one failure naming both, and nothing more of the second spelling (whose properties
   * the binder gives the first: it was also said to have no command, which it has).
   */
  @Test
  void twoSpellingsOfOneNameAreOneMistake(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/two-spellings.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.processes.order-gateway.stop.timeout",
        "vigil.processes.quoteFeed");
    assertThat(e.all().get(1).reason()).startsWith("is the name of process 'quote-feed' to Spring's relaxed binding");
  }

  /**
   * A process of {@code vigil.processes} whose name the application's own supervisor has already registered, beside a
   * group's mistake: one failure naming both (the name failed the start alone, at registration, as {@code vigil.processes}
   * with every name).
   */
  @Test
  void aNameTheSupervisorAlreadyHasIsInTheSameFailure(CapturedOutput output) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(OwnSupervisor.class).web(WebApplicationType.NONE)
        .properties("spring.config.location=classpath:/late-errors/taken-name.yml");
    InvalidVigilPropertyException e = invalid(org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close()));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.groups.desk.children[1]",
        "vigil.processes.quote-feed");
    assertThat(e.all().get(1).value()).isEqualTo("quote-feed");
    assertThat(e.all().get(1).reason()).isEqualTo("the supervisor has a process of that name already (registered by the application,"
        + " not by vigil.* properties); names are shared by processes, attachments and groups");
    assertThat(output.getOut() + output.getErr()).contains("Invalid Vigil configuration (2 properties):\n\n");
  }

  /**
   * An attachment of {@code vigil.attach} named as a group of the application's own supervisor, and no other mistake:
   * the start fails naming it, before any process starts (the attach was refused when the context started, as an
   * IllegalArgumentException naming no property, after the check of the rest had passed).
   */
  @Test
  void anAttachmentNamedAsTheSupervisorsOwnGroupIsAMistake(CapturedOutput output) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(OwnSupervisorWithAGroup.class).web(WebApplicationType.NONE)
        .properties("spring.config.location=classpath:/late-errors/taken-by-group.yml");
    InvalidVigilPropertyException e = invalid(org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close()));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly("vigil.attach.floor");
    assertThat(e.reason()).isEqualTo("the supervisor has a group of that name already (registered by the application, not by"
        + " vigil.* properties); names are shared by processes, attachments and groups");
    assertThat(output.getOut() + output.getErr()).doesNotContain("Starting processes");
  }

  /**
   * A negative {@code vigil.lifecycle.start-timeout}, two mistakes of {@code vigil.alerts.rules} and one of an override,
   * two silences' and a group's and a sink's: one failure naming the eight. The start-timeout failed the start alone
   * (before the groups and alerts were checked), the rules one at a time, the silences only once the sinks had none.
   */
  @Test
  void theStartTimeoutTheRulesAndTheSilencesAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/alone.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.alerts.overrides.quote-feed.stable-after",
        "vigil.alerts.rules.flapping-window",
        "vigil.alerts.rules.not-running-grace",
        "vigil.alerts.silences[0].daily-to",
        "vigil.alerts.silences[1].ends-at",
        "vigil.alerts.sinks.hook.url",
        "vigil.groups.desk.children[1]",
        "vigil.lifecycle.start-timeout");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [late-errors/alone.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (8 properties):\n\n")
        .contains("    Property: vigil.lifecycle.start-timeout\n"
            + "    Value: \"-1.00 s\"\n"
            + "    " + file + "4:20\n"
            + "    Reason: must not be negative\n")
        .contains("    Property: vigil.alerts.rules.not-running-grace\n"
            + "    Value: \"-1.00 s\"\n"
            + "    " + file + "14:26\n");
  }

  /**
   * Each silence's mistake named by the key it is in, with its line where it was written: a missing daily-to and ends-at,
   * a zone that is none, a calendar nobody defined, an end before the start, beside a calendar's mistake. A silence
   * outside the sessions of the calendar with the mistake is not called wrong for it. They were each named
   * {@code vigil.alerts.silences[i]}, one a start, once the sinks had no mistake, and the one on the calendar with a
   * mistake was said to name an unknown calendar.
   */
  @Test
  void eachSilencesMistakeIsNamedByItsKey(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/silences.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.alerts.silences[0].daily-to",
        "vigil.alerts.silences[1].ends-at",
        "vigil.alerts.silences[2].zone",
        "vigil.alerts.silences[4].outside-sessions-of",
        "vigil.alerts.silences[5].ends-at",
        "vigil.calendars.sse.zone");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [late-errors/silences.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (6 properties):\n\n")
        .contains("    Property: vigil.alerts.silences[2].zone\n"
            + "    Value: \"Europe/Nowhere\"\n"
            + "    " + file + "20:15\n"
            + "    Reason: not a time zone (e.g. Asia/Shanghai)\n")
        .contains("    Property: vigil.alerts.silences[4].outside-sessions-of\n"
            + "    Value: \"xshg\"\n"
            + "    " + file + "24:30\n"
            + "    Reason: outside-sessions-of: unknown calendar xshg (calendars: [sse])\n");
  }

  /**
   * An unknown backend, a negative close-timeout, a zero sample interval, two unknown keys and a process's mistake: one
   * failure naming the six. The first unknown key failed the start alone, before anything was bound; with none, the
   * supervisor's settings failed it alone, before the processes were checked.
   */
  @Test
  void theSupervisorsSettingsAndTheUnknownKeysAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/supervisor.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.backend",
        "vigil.close-timeout",
        "vigil.metrics.sample-interval",
        "vigil.procesess",
        "vigil.processes.quote-feed.restart.max-restarts",
        "vigil.processes.quote-feed.restart.max-restrats");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [late-errors/supervisor.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (6 properties):\n\n")
        .contains("    Property: vigil.close-timeout\n"
            + "    Value: \"-1.00 s\"\n"
            + "    " + file + "3:18\n")
        .doesNotContain("Starting processes");
  }

  /**
   * An attachment of {@code vigil.attach} that the application's own supervisor has attached already (to a real process
   * Vigil did not start), beside a group's mistake: one failure naming both, as a process of {@code vigil.processes}
   * named as one of that supervisor's is. The attachment of the properties was skipped when the context started, with no
   * word: the YAML entry was ignored.
   */
  @Test
  void anAttachmentTheSupervisorHasAttachedAlreadyIsAMistake(CapturedOutput output) throws Exception {
    Process floor = new ProcessBuilder("sleep", "600").start();
    try {
      OwnSupervisorWithAnAttachment.pid = floor.pid();
      SpringApplicationBuilder app = new SpringApplicationBuilder(OwnSupervisorWithAnAttachment.class).web(WebApplicationType.NONE)
          .properties("spring.config.location=classpath:/late-errors/attached-by-application.yml");
      InvalidVigilPropertyException e = invalid(org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close()));
      assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
          "vigil.attach.floor",
          "vigil.groups.desk.children[1]");
      assertThat(e.all().get(0).value()).isEqualTo("floor");
      assertThat(e.all().get(0).reason()).isEqualTo("the supervisor has an attachment of that name already (registered by the"
          + " application, not by vigil.* properties); names are shared by processes, attachments and groups");
      String printed = output.getOut() + output.getErr();
      assertThat(printed).contains("Invalid Vigil configuration (2 properties):\n\n")
          .contains("    Property: vigil.attach.floor\n")
          .doesNotContain("Starting processes");
      assertThat(floor.isAlive()).as("an attached process is never signalled").isTrue();
    } finally {
      floor.destroyForcibly().waitFor();
    }
  }

  /**
   * A refused {@code vigil.backend} beside a negative close-timeout, with a customizer of the application's that counts
   * its calls: one failure naming both, and the customizer called once (for the supervisor the refused backend kept from
   * being built), not again for the stand-in supervisor the rest is checked against. Then the same application with both
   * settings right: the customizer is called once, for the supervisor the application gets.
   */
  @Test
  void aRefusedBackendRunsTheCustomizersOnce(CapturedOutput output) {
    CountingCustomizer.calls.set(0);
    SpringApplicationBuilder app = new SpringApplicationBuilder(CountingCustomizer.class).web(WebApplicationType.NONE)
        .properties("spring.config.location=classpath:/late-errors/refused-backend-customized.yml");
    InvalidVigilPropertyException e = invalid(org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close()));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.backend",
        "vigil.close-timeout");
    assertThat(e.all().get(0).value()).isEqualTo("nosuch");
    assertThat(CountingCustomizer.calls).as("calls of the application's customizer").hasValue(1);
    assertThat(output.getOut() + output.getErr()).contains("Invalid Vigil configuration (2 properties):\n\n")
        .doesNotContain("Starting processes");

    CountingCustomizer.calls.set(0);
    try (org.springframework.context.ConfigurableApplicationContext context = new SpringApplicationBuilder(CountingCustomizer.class)
        .web(WebApplicationType.NONE).properties("spring.config.location=classpath:/late-errors/refused-backend-customized.yml")
        .run("--vigil.backend=jdk", "--vigil.close-timeout=5s")) {
      Supervisor supervisor = context.getBean(Supervisor.class);
      assertThat(supervisor.backendName()).isEqualTo("jdk");
      assertThat(supervisor.controller("quote-feed")).isPresent();
      assertThat(CountingCustomizer.calls).as("calls of the application's customizer").hasValue(1);
    }
  }

  /**
   * Three values Spring cannot bind (a restart mode that is none of the choices, a stop timeout that is no duration, a
   * restart written as a value) beside two unknown keys: one failure naming the five, sorted by property, each with its value and line. Spring's binding
   * error, alone, failed the start, and the unknown keys were not said.
   */
  @Test
  void unbindableValuesAreInTheSameFailureAsTheUnknownKeys(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/unbindable-and-unknown.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.procesess",
        "vigil.processes.order-gateway.stop.timeout",
        "vigil.processes.quote-feed.restart.max-restrats",
        "vigil.processes.quote-feed.restart.mode",
        "vigil.processes.risk-engine.restart");
    assertThat(e.all().get(1).value()).isEqualTo("soon");
    assertThat(e.all().get(1).reason()).isEqualTo("cannot be bound as Duration: 'soon' is not a valid duration");
    assertThat(e.all().get(3).value()).isEqualTo("sometimes");
    assertThat(e.all().get(3).reason()).isEqualTo("is none of never, on-failure, always");
    assertThat(e.all().get(4).value()).isEqualTo("sometimes");
    assertThat(e.all().get(4).reason()).isEqualTo("takes nested keys, not a value: backoff, cooldown, max-restarts, mode,"
        + " stable-after, success-exit-codes, window");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [late-errors/unbindable-and-unknown.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n")
        .contains("    Property: vigil.processes.quote-feed.restart.mode\n"
            + "    Value: \"sometimes\"\n"
            + "    " + file + "10:15\n"
            + "    Reason: is none of never, on-failure, always\n")
        .contains("    Property: vigil.processes.order-gateway.stop.timeout\n"
            + "    Value: \"soon\"\n"
            + "    " + file + "16:18\n");
  }

  /**
   * Values Spring cannot bind, under three processes (a restart mode that is none of the choices, a stop timeout that is
   * no duration, a max-restarts that is no number, a health check's kind that is none), beside a group naming a process
   * nobody defined, and no unknown key: one failure naming the five, sorted by property, each with its value, line and
   * reason, and nothing of the defaults left in their place (the health check is not also said to have no kind).
   * Spring's binding error failed the start alone, on the first value it could not bind: the others and the group were
   * not said.
   */
  @Test
  void unbindableValuesWithNoUnknownKeyAreInTheSameFailureAsTheOtherMistakes(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("late-errors/unbindable-alone.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.groups.desk.children[1]",
        "vigil.processes.order-gateway.stop.timeout",
        "vigil.processes.quote-feed.restart.mode",
        "vigil.processes.risk-engine.health-checks[0].kind",
        "vigil.processes.risk-engine.restart.max-restarts");
    assertThat(e.all().get(1).value()).isEqualTo("soon");
    assertThat(e.all().get(1).reason()).isEqualTo("cannot be bound as Duration: 'soon' is not a valid duration");
    assertThat(e.all().get(2).value()).isEqualTo("sometimes");
    assertThat(e.all().get(2).reason()).isEqualTo("is none of never, on-failure, always");
    assertThat(e.all().get(3).value()).isEqualTo("nosuch");
    assertThat(e.all().get(3).reason()).isEqualTo("is none of exec, tcp, http, process-alive, systemd-notify, custom");
    assertThat(e.all().get(4).value()).isEqualTo("many");
    assertThat(e.all().get(4).reason()).isEqualTo("is not a whole number");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [late-errors/unbindable-alone.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n")
        .contains("    Property: vigil.processes.quote-feed.restart.mode\n"
            + "    Value: \"sometimes\"\n"
            + "    " + file + "7:15\n"
            + "    Reason: is none of never, on-failure, always\n")
        .contains("    Property: vigil.processes.order-gateway.stop.timeout\n"
            + "    Value: \"soon\"\n"
            + "    " + file + "12:18\n")
        .contains("    Property: vigil.processes.risk-engine.restart.max-restarts\n"
            + "    Value: \"many\"\n"
            + "    " + file + "17:23\n"
            + "    Reason: is not a whole number\n")
        .doesNotContain("Failed to bind properties")
        .doesNotContain("Starting processes");
  }

  /**
   * A refused {@code vigil.state-directory} (another supervisor holds it) on a host where the default backend is the JDK
   * one (the Linux backend not available: here os.name says so), with a customizer that gives the supervisor a backend of
   * the application's own, the real Linux backend, which offers systemd's notify protocol; a process with a
   * {@code systemd-notify} check, a group naming a process nobody defined. The failure names the state directory and the
   * group, not the check: the stand-in supervisor the rest is checked against (the default backend, the JDK one) is not
   * the application's backend. It said the check needs a notify protocol "which backend 'jdk' does not offer". Without
   * the customizer the application would get the default backend, and the check is named, as on a start that builds.
   */
  @Test
  void aStandInDoesNotJudgeANotifyCheckByABackendTheApplicationWouldNotGet(CapturedOutput output, @org.junit.jupiter.api.io.TempDir
      java.nio.file.Path state) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(new io.github.vigil.linux.LinuxBackendProvider().isAvailable(),
        "the Linux backend is not available here");
    String osName = System.getProperty("os.name");
    io.github.vigil.spi.ProcessBackend linux = new io.github.vigil.linux.LinuxBackendProvider()
        .create(new io.github.vigil.spi.BackendContext("supervisor", null));
    try (Supervisor holder = Supervisor.builder().backend("jdk").stateDirectory(state).build()) {
      System.setProperty("os.name", "Mac OS X");   // a host where the default backend is the JDK one
      OwnBackend.backend = linux;
      SpringApplicationBuilder app = new SpringApplicationBuilder(OwnBackend.class).web(WebApplicationType.NONE)
          .properties("spring.config.location=classpath:/late-errors/refused-state-directory-notify.yml",
              "vigil.state-directory=" + state);
      InvalidVigilPropertyException e = invalid(org.assertj.core.api.Assertions.catchThrowable(() -> app.run().close()));
      assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
          "vigil.groups.desk.children[1]",
          "vigil.state-directory");
      assertThat(e.all().get(1).reason()).contains("is in use by another supervisor");

      SpringApplicationBuilder plain = new SpringApplicationBuilder(SinkPropertyErrorsTest.App.class).web(WebApplicationType.NONE)
          .properties("spring.config.location=classpath:/late-errors/refused-state-directory-notify.yml",
              "vigil.state-directory=" + state);
      InvalidVigilPropertyException withDefault = invalid(org.assertj.core.api.Assertions.catchThrowable(() -> plain.run().close()));
      assertThat(withDefault.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
          "vigil.groups.desk.children[1]",
          "vigil.processes.quote-feed.health-checks[0].kind",
          "vigil.state-directory");
      assertThat(withDefault.all().get(1).reason()).endsWith("which backend 'jdk' does not offer (the Linux backend does)");
    } finally {
      System.setProperty("os.name", osName);
      OwnBackend.backend = null;
      linux.close();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class OwnSupervisorWithAnAttachment {
    static volatile long pid;

    /** The application's own supervisor, which attaches {@code floor} to a real process itself. */
    @Bean(destroyMethod = "close")
    Supervisor supervisor() {
      Supervisor s = Supervisor.builder().backend("jdk").build();
      s.attach(io.github.vigil.AttachSpec.builder("floor").pid(pid).build());
      return s;
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class OwnBackend {
    static volatile io.github.vigil.spi.@org.jspecify.annotations.Nullable ProcessBackend backend;

    /** A customizer that gives the supervisor a backend instance of the application's own. */
    @Bean
    SupervisorBuilderCustomizer ownBackend() {
      return builder -> builder.backend(java.util.Objects.requireNonNull(backend, "backend"));
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class CountingCustomizer {
    static final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    /** A customizer with a side effect: it counts its calls. */
    @Bean
    SupervisorBuilderCustomizer countingCustomizer() {
      return builder -> calls.incrementAndGet();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class OwnSupervisorWithAGroup {
    /** The application's own supervisor, with a process and a group of its own registered. */
    @Bean(destroyMethod = "close")
    Supervisor supervisor() {
      Supervisor s = Supervisor.builder().backend("jdk").build();
      s.register(ProcessSpec.builder("own-feed").command("sleep", "600").autoStart(false).build());
      s.registerGroup(io.github.vigil.GroupSpec.builder("floor").children("own-feed").build());
      return s;
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class OwnSupervisor {
    /** The application's own supervisor, with a process of its own registered. */
    @Bean(destroyMethod = "close")
    Supervisor supervisor() {
      Supervisor s = Supervisor.builder().backend("jdk").build();
      s.register(ProcessSpec.builder("quote-feed").command("sleep", "600").autoStart(false).build());
      return s;
    }
  }
}
