package io.github.vigil.spring.boot.autoconfigure;

import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.invalid;
import static io.github.vigil.spring.boot.autoconfigure.SinkPropertyErrorsTest.startWith;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Mistakes in several parts of the {@code vigil.*} properties at once, as a real Spring Boot application reading a real
 * {@code application.yml} reports them through the failure analyzer: every one in one failed start, sorted by property,
 * each with its line (the attachments', {@code vigil.health.critical-processes}, a dependency cycle, the groups', the
 * trading calendars', the schedules', the alert routes' came one a start, after the processes' and the sinks'). What
 * names a part that has mistakes of its own (a group's child, a schedule's process or calendar, a route's sink) is not
 * called wrong a second time.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class CrossAreaPropertyErrorsTest {

  /**
   * A process's mistake, three attachments' (a pid it refuses and a rescan interval, a process name that is a path, a name
   * a process has), two names of {@code critical-processes} nobody has and a sink's: one failure naming the eight.
   */
  @Test
  void attachmentsAndCriticalProcessesAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("cross-errors/attachments-and-critical.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.alerts.sinks.ops.secret",
        "vigil.attach.legacy-feed.pid",
        "vigil.attach.legacy-feed.rescan-interval",
        "vigil.attach.old-gateway.process-name",
        "vigil.attach.quote-feed",
        "vigil.health.critical-processes[1]",
        "vigil.health.critical-processes[3]",
        "vigil.processes.quote-feed.restart.max-restarts");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::reason).contains(
        "pid must be greater than 1: 1",
        "a supervised process has the same name; names are shared by processes and attachments");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [cross-errors/attachments-and-critical.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (8 properties):\n\n")
        .contains("    Property: vigil.attach.legacy-feed.rescan-interval\n"
            + "    Value: \"1ms\"\n"
            + "    " + file + "14:24\n")
        .contains("    Property: vigil.health.critical-processes[3]\n"
            + "    Value: \"phantom\"\n"
            + "    " + file + "4:63\n"
            + "    Reason: no process or attachment is named 'phantom' (known: [quote-feed, legacy-feed, old-gateway])\n");
  }

  /**
   * Three processes that depend on one another in a circle, a health check with a timeout above its interval and a
   * failure threshold of 0, a webhook sink without its url: one failure naming the four (the cycle was said on a start
   * of its own, the timeout once the threshold was fixed).
   */
  @Test
  void aDependencyCycleAndAHealthCheckTimeoutAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("cross-errors/cycle-and-health-timeout.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.alerts.sinks.hook.url",
        "vigil.processes.pricer.health-checks[0].failure-threshold",
        "vigil.processes.pricer.health-checks[0].timeout",
        "vigil.processes.quote-feed.depends-on.order-gateway");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::reason).contains(
        "timeout of health check 'tcp:localhost:8080' must not exceed its interval of 2.00 s: 5.00 s",
        "dependency cycle: quote-feed -> order-gateway -> risk-engine -> quote-feed");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [cross-errors/cycle-and-health-timeout.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (4 properties):\n\n")
        .contains("    Property: vigil.processes.pricer.health-checks[0].timeout\n"
            + "    Value: \"5s\"\n"
            + "    " + file + "26:20\n")
        .contains("    Property: vigil.processes.quote-feed.depends-on.order-gateway\n"
            + "    Value: \"started\"\n"
            + "    " + file + "8:24\n");
  }

  /**
   * A cycle of two processes that start with the context, and no other mistake: named at the first one's dependency,
   * with its line (it was named {@code vigil.processes}, without a line), and neither is started.
   */
  @Test
  void aDependencyCycleAloneIsNamedAtItsDependency(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("cross-errors/cycle-alone.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property)
        .containsExactly("vigil.processes.quote-feed.depends-on.order-gateway");
    assertThat(e.reason()).isEqualTo("dependency cycle: quote-feed -> order-gateway -> quote-feed");
    String printed = output.getOut() + output.getErr();
    assertThat(printed).contains("    Origin: class path resource [cross-errors/cycle-alone.yml] - 7:24\n")
        .doesNotContain("Starting processes");
  }

  /**
   * Groups with an unknown child, a bad intensity and a child already in another group, beside a process's mistake and
   * a sink's: one failure naming the five. The group's child that is the process with the mistake is not called unknown.
   */
  @Test
  void theGroupsAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("cross-errors/groups.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.alerts.sinks.desk-chat.timeout",
        "vigil.groups.desk.children[2]",
        "vigil.groups.desk.intensity.max-restarts",
        "vigil.groups.floor.children[1]",
        "vigil.processes.order-gateway.stop.timeout");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [cross-errors/groups.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n")
        .contains("    Property: vigil.groups.desk.children[2]\n"
            + "    Value: \"ghost-feed\"\n"
            + "    " + file + "14:45\n")
        .contains("    Property: vigil.groups.floor.children[1]\n"
            + "    Value: \"quote-feed\"\n"
            + "    " + file + "18:24\n"
            + "    Reason: 'quote-feed' is already a child of group 'desk' (vigil.groups.desk.children[0]); a process or group"
            + " belongs to at most one group\n");
  }

  /**
   * A calendar's bad zone and bad session, a schedule's negative lead and a schedule for a name nobody has, beside a
   * process's mistake: one failure naming the five. A schedule on the calendar with mistakes is not called wrong.
   */
  @Test
  void theCalendarsAndSchedulesAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("cross-errors/calendars-and-schedules.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.calendars.sse.sessions[1]",
        "vigil.calendars.sse.zone",
        "vigil.processes.order-gateway.output.backups",
        "vigil.schedules.quote-feed.lead",
        "vigil.schedules.risk-engine");
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [cross-errors/calendars-and-schedules.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n")
        .contains("    Property: vigil.calendars.sse.zone\n"
            + "    Value: \"Asia/Nowhere\"\n"
            + "    " + file + "14:13\n")
        .contains("    Property: vigil.schedules.quote-feed.lead\n"
            + "    Value: \"-5 min 00 s\"\n"
            + "    " + file + "24:13\n");
  }

  /**
   * A sink with a property its type does not use and a url only its builder refuses, two routes naming sinks nobody
   * defined, beside a process's mistake: one failure naming the five. The route naming the sink with mistakes does not
   * call it unknown.
   */
  @Test
  void theRoutesAndWhatASinksBuilderRefusesAreInTheSameFailure(CapturedOutput output) {
    InvalidVigilPropertyException e = invalid(startWith("cross-errors/routes-and-sink-builds.yml"));
    assertThat(e.all()).extracting(InvalidVigilPropertyException::property).containsExactly(
        "vigil.alerts.routes.critical.sinks[1]",
        "vigil.alerts.routes.everything.sinks[1]",
        "vigil.alerts.sinks.ops.secret",
        "vigil.alerts.sinks.ops.url",
        "vigil.processes.quote-feed.restart.max-restarts");
    assertThat(e.all()).extracting(InvalidVigilPropertyException::reason).anySatisfy(r -> assertThat(r)
        .startsWith("unknown sink loggs (sinks: [ops, log]); did you mean `log`?"));
    String printed = output.getOut() + output.getErr();
    String file = "Origin: class path resource [cross-errors/routes-and-sink-builds.yml] - ";
    assertThat(printed).contains("Invalid Vigil configuration (5 properties):\n\n")
        .contains("    Property: vigil.alerts.routes.critical.sinks[1]\n"
            + "    Value: \"pager\"\n"
            + "    " + file + "19:22\n")
        .contains("    Property: vigil.alerts.sinks.ops.url\n"
            + "    Value: \"<hidden>\"\n"
            + "    " + file + "13:14\n");
  }
}
