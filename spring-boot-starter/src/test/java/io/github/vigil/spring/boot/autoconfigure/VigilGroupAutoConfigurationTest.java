package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.testing.Children;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Supervision trees from {@code vigil.groups.*} on a real context with real processes: registered
 * after the processes, started by their groups in declared order, a {@code REST_FOR_ONE} restart
 * after a SIGKILL, the endpoint's view, stopped in reverse with the context; a group following a
 * {@code vigil.schedules} schedule; and each kind of bad configuration named by its property.
 */
@Timeout(90)
class VigilGroupAutoConfigurationTest {
  private final String marker = Long.toString(6_000_000 + ProcessHandle.current().pid() % 1_000_000);
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilGroupAutoConfiguration.class,
          VigilCalendarAutoConfiguration.class, VigilEndpointAutoConfiguration.class))
      .withPropertyValues("vigil.backend=jdk", "management.endpoints.web.exposure.include=vigil",
          "vigil.defaults.startup-grace=100ms", "vigil.defaults.command=sleep," + marker);

  @Test
  void aTreeIsStartedInDeclaredOrderRestartedRestForOneAndStoppedInReverse() throws Exception {
    List<Long> pids = new ArrayList<>();
    List<String> ends = new java.util.concurrent.CopyOnWriteArrayList<>();
    runner.withPropertyValues(
        "vigil.processes.feed.labels.type=QUOTE",
        "vigil.processes.feed.restart.backoff.initial-delay=1s", // its gateways are stopped well before it is back
        "vigil.processes.gw-1.labels.type=TRADER",
        "vigil.processes.gw-2.labels.type=TRADER",
        "vigil.processes.loner.labels.type=OTHER",
        "vigil.groups.desk.strategy=rest-for-one",
        "vigil.groups.desk.intensity.max-restarts=5",
        "vigil.groups.desk.intensity.period=30s",
        "vigil.groups.desk.children=feed,gateways",
        "vigil.groups.gateways.children[0]=gw-1",
        "vigil.groups.gateways.children[1]=gw-2").run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          supervisor.subscribe(e -> {
            if (e instanceof SupervisorEvent.Exited x) {
              ends.add(x.process());
            }
          });
          assertThat(supervisor.groups()).extracting(GroupController::name).containsExactly("gateways", "desk");
          GroupController desk = supervisor.group("desk").orElseThrow();
          assertThat(desk.spec()).isEqualTo(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
              .intensity(5, Duration.ofSeconds(30)).children("feed", "gateways").build());
          assertThat(supervisor.group("gateways").orElseThrow().spec().strategy()).isEqualTo(GroupSpec.Strategy.ONE_FOR_ONE);
          // the context start waited for the group: everything is running, each process after the one before it
          assertThat(desk.state()).isEqualTo(GroupState.RUNNING);
          assertThat(supervisor.group("gateways").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
          List<ProcessController> inOrder = List.of(c(supervisor, "feed"), c(supervisor, "gw-1"), c(supervisor, "gw-2"));
          assertThat(inOrder).allSatisfy(p -> assertThat(p.status().state()).isEqualTo(ProcessState.RUNNING));
          assertThat(inOrder).allSatisfy(p -> assertThat(p.spec().autoStart()).as("%s is started by its group", p.name()).isFalse());
          assertThat(c(supervisor, "loner").spec().autoStart()).isTrue();
          Instant feedUp = inOrder.get(0).history().get(0).startedAt();
          Instant gw1Up = inOrder.get(1).history().get(0).startedAt();
          Instant gw2Up = inOrder.get(2).history().get(0).startedAt();
          assertThat(gw1Up).isAfterOrEqualTo(feedUp.plusMillis(100)); // after the feed's startup grace: once it was RUNNING
          assertThat(gw2Up).isAfterOrEqualTo(gw1Up.plusMillis(100));

          // the endpoint
          VigilEndpoint.SupervisorDescriptor all = context.getBean(VigilEndpoint.class).processes();
          assertThat(all.groups()).extracting(VigilEndpoint.GroupDescriptor::name).containsExactly("gateways", "desk");
          VigilEndpoint.GroupDescriptor d = (VigilEndpoint.GroupDescriptor) context.getBean(VigilEndpoint.class).process("desk");
          assertThat(d.state()).isEqualTo("RUNNING");
          assertThat(d.strategy()).isEqualTo("REST_FOR_ONE");
          assertThat(d.intensity()).isEqualTo(5);
          assertThat(d.periodSeconds()).isEqualTo(30.0);
          assertThat(d.period()).as("a configured period, written as one (HumanFormat.period)").isEqualTo("30 s");
          assertThat(d.parent()).isNull();
          assertThat(d.children()).containsExactly(new VigilEndpoint.ChildDescriptor("feed", "process", "RUNNING"),
              new VigilEndpoint.ChildDescriptor("gateways", "group", "RUNNING"));
          assertThat(((VigilEndpoint.GroupDescriptor) context.getBean(VigilEndpoint.class).process("gateways")).parent()).isEqualTo("desk");

          // SIGKILL to the feed: the gateways after it are stopped (last first) and started again once it is back
          BlockingQueue<SupervisorEvent> events = new LinkedBlockingQueue<>();
          try (AutoCloseable s = supervisor.subscribe(events::add)) {
            Children.kill(inOrder.get(0).status().pid());
            List<SupervisorEvent> seen = new ArrayList<>();
            SupervisorEvent.GroupRestart restart = (SupervisorEvent.GroupRestart) await(events, seen,
                e -> e instanceof SupervisorEvent.GroupRestart);
            assertThat(restart.process()).isEqualTo("desk");
            assertThat(restart.child()).isEqualTo("feed");
            assertThat(restart.restarted()).containsExactly("gateways");
            await(events, seen, e -> e instanceof SupervisorEvent.Started st && st.process().equals("gw-2"));
            List<String> order = seen.stream().filter(e -> e instanceof SupervisorEvent.Started || e instanceof SupervisorEvent.Exited)
                .map(e -> e.getClass().getSimpleName() + " " + e.process()).toList();
            assertThat(order).containsSubsequence("Exited feed", "Exited gw-2", "Exited gw-1", "Started feed", "Started gw-1", "Started gw-2");
          }
          assertThat(c(supervisor, "feed").status().restarts()).isEqualTo(1);
          assertThat(c(supervisor, "loner").status().state()).isEqualTo(ProcessState.RUNNING);
          inOrder.forEach(p -> pids.add(p.status().pid()));
          pids.add(c(supervisor, "loner").status().pid());
        });
    assertThat(pids).hasSize(4).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    // the context's stop: the group, its children in reverse (nested group too), before the processes in no group
    assertThat(ends.subList(ends.size() - 4, ends.size())).containsExactly("gw-2", "gw-1", "feed", "loner");
    assertThat(Children.sleepers(marker)).isEmpty();
  }

  @Test
  void aGroupFollowsItsScheduleAndIsNotStartedWithTheContext() {
    int hour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
    String noon = ZoneOffset.ofHours(Math.max(-12, Math.min(14, 12 - hour))).getId(); // a 06:00-18:00 session is open now
    runner.withPropertyValues(
        "vigil.calendars.day.zone=" + noon, "vigil.calendars.day.weekdays=MON-SUN", "vigil.calendars.day.sessions[0]=day 06:00-18:00",
        "vigil.calendars.night.zone=" + noon, "vigil.calendars.night.weekdays=MON-SUN", "vigil.calendars.night.sessions[0]=night 00:00-01:00",
        "vigil.processes.a.labels.x=1", "vigil.processes.b.labels.x=1", "vigil.processes.c.labels.x=1",
        "vigil.groups.open.strategy=one-for-all", "vigil.groups.open.children=a,b",
        "vigil.groups.closed.children=c",
        "vigil.schedules.open.calendar=day", "vigil.schedules.closed.calendar=night").run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          TradingSupervision trading = context.getBean(TradingSupervision.class);
          assertThat(trading.schedule("a")).isEqualTo(trading.schedule("open"));
          assertThat(Children.eventually(Duration.ofSeconds(20), () -> c(supervisor, "b").status().state() == ProcessState.RUNNING)).isTrue();
          assertThat(supervisor.group("open").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
          assertThat(supervisor.group("closed").orElseThrow().state()).isEqualTo(GroupState.STOPPED);
          assertThat(c(supervisor, "c").status().state()).isEqualTo(ProcessState.STOPPED);
        });
  }

  @Test
  void unsetSettingsAreTheCoresDefaults() {
    VigilGroupProperties.GroupProperties unset = new VigilGroupProperties.GroupProperties();
    GroupSpec core = GroupSpec.builder("g").children("x").build();
    assertThat(unset.getStrategy()).isEqualTo(core.strategy());
    assertThat(unset.getIntensity().getMaxRestarts()).isEqualTo(core.intensity());
    assertThat(unset.getIntensity().getPeriod()).isEqualTo(core.period());
    assertThat(unset.getAutoStart()).isNull();
  }

  @Test
  void badTreesAreRejectedNamingThePropertyAndTheValue() {
    ApplicationContextRunner r = runner.withPropertyValues("vigil.defaults.auto-start=false", "vigil.processes.quote-feed.labels.x=1",
        "vigil.processes.gateway.labels.x=1", "vigil.attach.recorder.process-name=no-such-" + marker);
    rejects(r, "vigil.groups.desk.children[1]", "gatway", "did you mean `gateway`?",
        "vigil.groups.desk.children[0]=quote-feed", "vigil.groups.desk.children[1]=gatway");
    rejects(r, "vigil.groups.b.children[0]", "quote-feed", "already a child of group 'a' (vigil.groups.a.children[0])",
        "vigil.groups.a.children=quote-feed", "vigil.groups.b.children=quote-feed,gateway");
    rejects(r, "vigil.groups.a.children[1]", "b", "groups form a cycle: a -> b -> a",
        "vigil.groups.a.children=quote-feed,b", "vigil.groups.b.children=gateway,a");
    rejects(r, "vigil.groups.gateway", "gateway", "a process has the same name",
        "vigil.groups.gateway.children=quote-feed");
    rejects(r, "vigil.groups.desk.children[1]", "recorder", "is an attachment",
        "vigil.groups.desk.children=quote-feed,recorder");
    rejects(r, "vigil.groups.desk.children", null, "at least one child",
        "vigil.groups.desk.strategy=one-for-all");
    rejects(r, "vigil.groups.desk.intensity.max-restarts", -1, "must not be negative",
        "vigil.groups.desk.children=quote-feed", "vigil.groups.desk.intensity.max-restarts=-1");
    rejects(r, "vigil.groups.desk.intensity.period", Duration.ZERO, "must be positive",
        "vigil.groups.desk.children=quote-feed", "vigil.groups.desk.intensity.period=0s");
    rejects(r, "vigil.groups.inner.auto-start", false, "child of group 'outer'",
        "vigil.groups.inner.children=gateway", "vigil.groups.inner.auto-start=false", "vigil.groups.outer.children=quote-feed,inner");
    // strict vigil.*: typos get the closest key
    rejects(r, "vigil.groups.desk.strategey", "rest-for-one", "did you mean `strategy`",
        "vigil.groups.desk.children=quote-feed", "vigil.groups.desk.strategey=rest-for-one");
    rejects(r, "vigil.groups.desk.intensity.max-restart", "2", "did you mean `max-restarts`",
        "vigil.groups.desk.children=quote-feed", "vigil.groups.desk.intensity.max-restart=2");
    rejects(r, "vigil.grups", "vigil.grups.desk.children=quote-feed", "did you mean `groups` (vigil.groups)?",
        "vigil.grups.desk.children=quote-feed");
    r.withPropertyValues("vigil.groups.desk.strategy=rest_for_one", "vigil.groups.desk.children=quote-feed,gateway")
        .run(context -> assertThat(context).hasNotFailed()); // relaxed enum spelling
    // a schedule inside a group: the group's strategy would start it outside its window
    String calendar = "vigil.calendars.day.zone=UTC";
    rejects(r, "vigil.schedules.gateway", "gateway", "is a child of group 'desk', whose strategy would start it outside its window",
        calendar, "vigil.calendars.day.sessions[0]=day 09:00-15:00", "vigil.groups.desk.children=quote-feed,gateway",
        "vigil.schedules.gateway.calendar=day");
    rejects(r, "vigil.groups.desk.auto-start", true, "has an in-session schedule",
        calendar, "vigil.calendars.day.sessions[0]=day 09:00-15:00", "vigil.groups.desk.children=quote-feed,gateway",
        "vigil.groups.desk.auto-start=true", "vigil.schedules.desk.calendar=day");
  }

  private static void rejects(ApplicationContextRunner runner, String property, Object value, String reason, String... properties) {
    runner.withPropertyValues(properties).run(context -> {
      InvalidVigilPropertyException e = invalid(context);
      assertThat(e.property()).as("%s", e).isEqualTo(property);
      assertThat(e.value()).as("%s", e).isEqualTo(value);
      assertThat(e.reason()).as("%s", e).contains(reason);
    });
  }

  private static InvalidVigilPropertyException invalid(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    Throwable t = context.getStartupFailure();
    while (t != null && !(t instanceof InvalidVigilPropertyException)) {
      t = t.getCause();
    }
    assertThat(t).as("an InvalidVigilPropertyException in %s", context.getStartupFailure()).isNotNull();
    return (InvalidVigilPropertyException) t;
  }

  private static ProcessController c(Supervisor supervisor, String name) {
    return supervisor.controller(name).orElseThrow();
  }

  /** The next event that matches, after every one before it (kept in {@code seen}); fails after 30 s. */
  private static SupervisorEvent await(BlockingQueue<SupervisorEvent> events, List<SupervisorEvent> seen, Predicate<SupervisorEvent> match)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      SupervisorEvent e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(e).as("no matching event within 30 s; heard %s", seen).isNotNull();
      seen.add(e);
      if (match.test(e)) {
        return e;
      }
    }
  }
}
