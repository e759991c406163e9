package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vigil.AttachSpec;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.MatchedProcess;
import io.github.vigil.ProcessSpec;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.diagnosis.Diagnosis;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of {@link SupervisorEvent} gets a reason in the journal (the README: {@code reason | all}), also when
 * the event's own words are empty. The kinds are read from the sealed interface, so a new one cannot be missed.
 */
@Timeout(60)
class EventReasonsTest {
  private static final Instant T = Instant.parse("2026-11-30T09:30:00Z");

  @TempDir
  Path dir;

  static Stream<Class<?>> kinds() {
    return Arrays.stream(SupervisorEvent.class.getPermittedSubclasses());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void everyKindOfEventHasAReason(Class<?> kind) throws Exception {
    SupervisorEvent event = sample(kind);
    try (Journal j = Journal.builder().sqlite(dir.resolve("reasons.db")).snapshotInterval(Duration.ZERO).build()) {
      String reason = j.toRow(event).reason;
      assertThat(reason).as("reason of %s", event).isNotBlank().isNotEqualTo(kind.getSimpleName());
    }
  }

  /**
   * A change of state reads as the CLI writes a process's ({@code RUNNING → STOPPING (HEALTH_CHECK): rss broken}): a
   * group's {@code group STOPPED → RUNNING (API): its words}, and where an event has no words of its own, its states with
   * the arrow. The journal wrote {@code group STOPPED to RUNNING: group desk started (api)} beside the CLI's arrows.
   */
  @org.junit.jupiter.api.Test
  void aChangeOfStateReadsAsTheCliWritesOne() throws Exception {
    try (Journal j = Journal.builder().sqlite(dir.resolve("arrows.db")).snapshotInterval(Duration.ZERO).build()) {
      assertThat(j.toRow(new SupervisorEvent.GroupStateChanged("desk", T, io.github.vigil.GroupState.STOPPED,
          io.github.vigil.GroupState.RUNNING, io.github.vigil.Origin.API, "group desk started")).reason)
          .isEqualTo("group STOPPED → RUNNING (API): group desk started");
      assertThat(j.toRow(new SupervisorEvent.GroupStateChanged("desk", T, io.github.vigil.GroupState.RUNNING,
          io.github.vigil.GroupState.STOPPED, io.github.vigil.Origin.SHUTDOWN, "")).reason)
          .isEqualTo("group RUNNING → STOPPED (SHUTDOWN)");
      assertThat(j.toRow(new SupervisorEvent.StateChanged("orders", T, io.github.vigil.ProcessState.RUNNING,
          io.github.vigil.ProcessState.STOPPING, io.github.vigil.Origin.API, "")).reason).isEqualTo("RUNNING → STOPPING");
      assertThat(j.toRow(new SupervisorEvent.HealthChanged("orders", T, io.github.vigil.HealthState.UNKNOWN,
          io.github.vigil.HealthState.HEALTHY, "")).reason).isEqualTo("health UNKNOWN → HEALTHY");
      assertThat(j.toRow(new SupervisorEvent.OutsideWindow("orders", T, LocalDate.of(2026, 11, 30),
          new SupervisorEvent.StateChanged("orders", T, io.github.vigil.ProcessState.RUNNING, io.github.vigil.ProcessState.CRASHED,
              io.github.vigil.Origin.PROCESS, ""))).reason).endsWith("recorded only: StateChanged RUNNING → CRASHED");
    }
  }

  /** An event of {@code kind} built through its canonical constructor: every text empty but the process name. */
  private static SupervisorEvent sample(Class<?> kind) throws Exception {
    RecordComponent[] components = kind.getRecordComponents();
    Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Constructor<?> c = kind.getDeclaredConstructor(types);
    List<Object> args = new ArrayList<>();
    for (RecordComponent rc : components) {
      args.add(rc.getName().equals("process") ? "p" : value(kind, rc.getType()));
    }
    return (SupervisorEvent) c.newInstance(args.toArray());
  }

  private static Object value(Class<?> kind, Class<?> type) {
    ExitInfo exit = new ExitInfo(new Termination.Exited(1), ExitCause.ERROR_EXIT, Duration.ofSeconds(9), T, "", -1);
    if (type == String.class) {
      return "";
    } else if (type == Instant.class) {
      return T;
    } else if (type == int.class) {
      return 1;
    } else if (type == long.class) {
      return 1L;
    } else if (type == double.class) {
      return 1.0;
    } else if (type == boolean.class) {
      return false;
    } else if (type == Duration.class) {
      return Duration.ofSeconds(5);
    } else if (type == LocalDate.class) {
      return LocalDate.of(2026, 11, 30);
    } else if (type == List.class) {
      return List.of();
    } else if (type == ExitInfo.class) {
      return exit;
    } else if (type == ProcessSpec.class) {
      return ProcessSpec.builder("p").command("/opt/p/bin/p").build();
    } else if (type == AttachSpec.class) {
      return AttachSpec.builder("p").pid(4242).build();
    } else if (type == MatchedProcess.class) {
      return new MatchedProcess(1, T, "p", "/opt/p/bin/p");
    } else if (type == Diagnosis.class) {
      return new Diagnosis("p", 1, Diagnosis.Trigger.ON_DEMAND, T, Duration.ZERO, exit, List.of());
    } else if (type == SupervisorEvent.class) {
      return new SupervisorEvent.Exited("p", T, 1, exit);
    } else if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    return fail("no sample value of " + type.getName() + " for " + kind.getSimpleName() + ": add one to EventReasonsTest");
  }
}
