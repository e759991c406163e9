package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachState;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.HumanFormat;
import io.github.vigil.MatchedProcess;
import java.time.Duration;
import java.time.InstantSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one attachment ({@code vigil.attach}): {@code UP} while a matching process runs;
 * otherwise ({@code NOT_FOUND}, {@code STOPPED}, {@code ERROR}) {@code DOWN} when it is critical and
 * has been so for longer than {@code down-after}, {@code UNKNOWN} before that and whenever it is not
 * critical. The details carry the state, the matched pids, the message of the last look and how long
 * it has been in its state.
 *
 * <p>Thread-safe: reads the attachment's current status on each call.
 */
public final class AttachmentHealthIndicator implements HealthIndicator {

  private final AttachedProcess attachment;
  private final boolean critical;
  private final Duration downAfter;
  private final InstantSource clock;

  /**
   * @param attachment the attachment reported
   * @param critical whether it takes the application's health down
   * @param downAfter how long a critical attachment may match nothing before it is DOWN
   * @param clock the wall clock its status's {@code since} is compared with
   */
  public AttachmentHealthIndicator(AttachedProcess attachment, boolean critical, Duration downAfter, InstantSource clock) {
    this.attachment = requireNonNull(attachment, "attachment");
    this.critical = critical;
    this.downAfter = requireNonNull(downAfter, "downAfter");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Health health() {
    AttachStatus s = attachment.status();
    Duration inState = Duration.between(s.since(), clock.instant());
    if (inState.isNegative()) {
      inState = Duration.ZERO;
    }
    Health.Builder b = Health.status(status(s.state(), critical, inState, downAfter))
        .withDetail("attached", true)
        .withDetail("state", s.state().name())
        .withDetail("critical", critical)
        .withDetail("pids", s.processes().stream().map(MatchedProcess::pid).toList())
        .withDetail("inStateFor", HumanFormat.duration(inState))
        .withDetail("inStateForSeconds", ProcessHealthIndicator.seconds(inState));
    if (critical) {
      b.withDetail("downAfter", HumanFormat.duration(downAfter));
    }
    if (!s.message().isEmpty()) {
      b.withDetail("message", s.message());
    }
    return b.build();
  }

  static Status status(AttachState state, boolean critical, Duration inState, Duration downAfter) {
    if (state == AttachState.RUNNING) {
      return Status.UP;
    }
    return critical && inState.compareTo(downAfter) > 0 ? Status.DOWN : Status.UNKNOWN;
  }
}
