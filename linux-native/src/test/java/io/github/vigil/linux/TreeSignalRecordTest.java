package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Signal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link TreeSignalRecord}: whom a later look at a stopped tree owes the stop's signal. The stops themselves are in
 * {@code BackendContractTest} ({@code aDescendantForkedAfterTheStopSignalGetsItToo} and
 * {@code aDescendantThatCaughtTheSignalBeforeItsExecGetsItAgainAfter}).
 */
class TreeSignalRecordTest {
  private static byte[] line(String args) {
    return args.replace(' ', '\0').getBytes(StandardCharsets.UTF_8);
  }

  private static TreeSignalRecord.Member member(int pid, long startTicks, String args) {
    return new TreeSignalRecord.Member(pid, startTicks, 100, args == null ? null : line(args));
  }

  @Test
  void aMemberNotReachedIsOwedTheSignalAndOneReachedIsNot() {
    TreeSignalRecord r = new TreeSignalRecord();
    r.begin(Signal.SIGTERM);
    TreeSignalRecord.Member shell = member(101, 5000, "sh -c loop");
    r.reached(shell);
    assertThat(r.owes(shell)).isFalse();
    assertThat(r.owes(member(102, 5003, "sh -c loop"))).as("forked after the signal").isTrue();
    assertThat(r.owes(member(101, 5009, "sleep 5"))).as("another process that took over the pid").isTrue();
    assertThat(r.signal()).isEqualTo(Signal.SIGTERM);
  }

  @Test
  void aMemberReachedIsOwedItAgainOnceItRunsAnotherProgram() {
    TreeSignalRecord r = new TreeSignalRecord();
    r.begin(Signal.SIGTERM);
    r.reached(member(102, 5003, "sh -c loop")); // a trap's child between its fork and its exec
    assertThat(r.owes(member(102, 5003, "sleep 5"))).isTrue();
    r.reached(member(102, 5003, "sleep 5"));
    assertThat(r.owes(member(102, 5003, "sleep 5"))).as("reached as the sleep").isFalse();
    assertThat(r.owes(member(102, 5003, null))).as("its command line unread: no program to compare").isFalse();
  }

  @Test
  void aNewSignalForgetsWhoGotTheLastAndASigkillLeavesNothingOwed() {
    TreeSignalRecord r = new TreeSignalRecord();
    r.begin(Signal.SIGTERM);
    TreeSignalRecord.Member shell = member(101, 5000, "sh -c loop");
    r.reached(shell);
    r.begin(Signal.SIGINT);
    assertThat(r.owes(shell)).isTrue();
    r.forget();
    assertThat(r.signal()).isNull();
    assertThat(TreeSignalRecord.catchable(Signal.SIGTERM)).isTrue();
    assertThat(TreeSignalRecord.catchable(Signal.SIGKILL)).isFalse();
  }
}
