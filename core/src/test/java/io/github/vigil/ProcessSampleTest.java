package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessSample.Scope;
import io.github.vigil.spi.ProcessSampleBuilder;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessSampleTest {
  private static final Set<Field> ALL = Field.all();

  private static ProcessSampleBuilder member(ProcessSampleBuilder b, long pid, long startMillis, long cpuNanos, boolean withIo) {
    b.beginMember();
    b.add(Field.CPU_TOTAL, cpuNanos).add(Field.START_TIME, startMillis).add(Field.MEMORY_RESIDENT, 1000);
    b.add(Field.OPEN_FDS, 10).add(Field.FD_LIMIT, pid == 1 ? 100 : 20);
    if (withIo) {
      b.add(Field.READ_BYTES, 5);
    }
    b.processState(RunState.SLEEPING).addThreads(RunState.RUNNING, 1).addThreads(RunState.SLEEPING, 2);
    return b.endMember(pid);
  }

  @Test
  void aFieldMissingForOneMemberIsAbsentNotAPartialSum() {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.TREE, 1).request(ALL).memoryTotal(4000);
    member(b, 1, 1_000, 0, true);
    member(b, 2, 2_000, 0, false);
    ProcessSample s = b.build(null);
    assertThat(s.has(Field.READ_BYTES)).isFalse();
    assertThat(s.readBytes()).isEmpty();
    assertThat(s.get(Field.READ_BYTES)).isNaN();
    assertThat(s.memoryResident()).hasValue(2000);
    assertThat(s.memoryPercent().getAsDouble()).isEqualTo(50.0);
    assertThat(s.openFds()).hasValue(20);
    assertThat(s.fdLimit()).hasValue(20);
    assertThat(s.worstFdRatio().getAsDouble()).isEqualTo(0.5);
    assertThat(s.startTime().orElseThrow().toEpochMilli()).isEqualTo(1_000);
    assertThat(s.processes()).hasValue(2);
    assertThat(s.threads(RunState.SLEEPING)).hasValue(4);
    assertThat(s.processes(RunState.SLEEPING)).hasValue(2);
    assertThat(s.get(Field.THREAD_STATES)).isEqualTo(6);
    assertThat(s.has(Field.SOCKETS)).isFalse();
    assertThat(s.memberPids()).containsExactly(1, 2);
  }

  @Test
  void unrequestedFieldsAreAbsent() {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.PROCESS, 1).request(EnumSet.of(Field.CPU_TOTAL));
    member(b, 1, 1_000, 5, true);
    ProcessSample s = b.build(null);
    assertThat(s.fields()).containsExactly(Field.CPU_TOTAL);
  }

  @Test
  void cpuPercentCountsSurvivorsDeltasAndNewcomersWholeButNotAReusedRoot() {
    ProcessSampleBuilder b = new ProcessSampleBuilder().reset(Scope.TREE, 1, 10_000, 0).request(ALL);
    member(b, 1, 1_000, 1_000_000_000L, true);
    member(b, 2, 2_000, 500_000_000L, true);
    member(b, 3, 3_000, 700_000_000L, true);   // ends before the next sample
    ProcessSample first = b.build(null);
    assertThat(first.cpuPercent()).isEmpty();

    b.reset(Scope.TREE, 1, 12_000, 2_000_000_000L).request(ALL);
    member(b, 1, 1_000, 1_600_000_000L, true);  // +0.6 s
    member(b, 2, 2_000, 700_000_000L, true);    // +0.2 s
    member(b, 4, 11_000, 200_000_000L, true);   // new: +0.2 s
    ProcessSample second = b.build(first);
    assertThat(second.cpuPercent().getAsDouble()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-9));

    b.reset(Scope.TREE, 1, 14_000, 4_000_000_000L).request(ALL);
    member(b, 1, 13_000, 100, true);           // same pid, other start time: another process
    assertThat(b.build(second).cpuPercent()).isEmpty();
  }

  @Test
  void vanishedSampleHasNoFields() {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.PROCESS, 7).request(ALL);
    member(b, 7, 1, 1, true);
    ProcessSample s = b.vanished("/proc/7/stat: No such process").build(null);
    assertThat(s.vanished()).isTrue();
    assertThat(s.vanishedReason()).hasValue("/proc/7/stat: No such process");
    assertThat(s.fields()).isEmpty();
    assertThat(s.toString()).contains("vanished");
  }

  @Test
  void derivedFieldsCannotBeAddedDirectly() {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.PROCESS, 1).request(ALL).beginMember();
    assertThatThrownBy(() -> b.add(Field.CPU_PERCENT, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CPU_PERCENT");
  }
}
