package io.github.vigil.spring.boot.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The journal ({@code vigil-journal} on the class path): every event, run and a status snapshot per process
 * written to SQLite or PostgreSQL, and its reports under {@code /actuator/vigil/{name}/restarts} and
 * {@code /actuator/vigil/{name}/history}.
 */
@ConfigurationProperties("vigil.journal")
public class VigilJournalProperties {
  /** Whether to record the supervisor's events into a journal. */
  private boolean enabled;

  /**
   * JDBC URL of the journal: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB. By default journal.db in vigil.state-directory
   * (where the vigil command line looks for it), or vigil-journal.db in the working directory without one.
   */
  private @Nullable String url;

  /** Database user (PostgreSQL). */
  private @Nullable String user;

  /** Database password (PostgreSQL). */
  private @Nullable String password;

  /** Host column of every row; by default this machine's host name. */
  private @Nullable String host;

  /** How often each process's status is written. */
  private Duration snapshotInterval = Duration.ofMinutes(1);

  /** Longest an event waits in memory before it is written (what a killed JVM may lose). */
  private Duration batchInterval = Duration.ofSeconds(1);

  /** Days events are kept. */
  private int eventsDays = 90;

  /** Days runs are kept. */
  private int runsDays = 90;

  /** Days status snapshots are kept. */
  private int snapshotsDays = 14;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getUrl() {
    return url;
  }

  public void setUrl(@Nullable String url) {
    this.url = url;
  }

  public @Nullable String getUser() {
    return user;
  }

  public void setUser(@Nullable String user) {
    this.user = user;
  }

  public @Nullable String getPassword() {
    return password;
  }

  public void setPassword(@Nullable String password) {
    this.password = password;
  }

  public @Nullable String getHost() {
    return host;
  }

  public void setHost(@Nullable String host) {
    this.host = host;
  }

  public Duration getSnapshotInterval() {
    return snapshotInterval;
  }

  public void setSnapshotInterval(Duration snapshotInterval) {
    this.snapshotInterval = snapshotInterval;
  }

  public Duration getBatchInterval() {
    return batchInterval;
  }

  public void setBatchInterval(Duration batchInterval) {
    this.batchInterval = batchInterval;
  }

  public int getEventsDays() {
    return eventsDays;
  }

  public void setEventsDays(int eventsDays) {
    this.eventsDays = eventsDays;
  }

  public int getRunsDays() {
    return runsDays;
  }

  public void setRunsDays(int runsDays) {
    this.runsDays = runsDays;
  }

  public int getSnapshotsDays() {
    return snapshotsDays;
  }

  public void setSnapshotsDays(int snapshotsDays) {
    this.snapshotsDays = snapshotsDays;
  }
}
