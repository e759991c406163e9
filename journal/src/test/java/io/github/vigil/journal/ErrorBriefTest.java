package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The journal's warning that its database is unreachable says why in one line: PostgreSQL's batch failure quoted
 * every statement of the batch with its values, about 2.5 KB in one log line (found by a black-box run).
 */
class ErrorBriefTest {
  @Test
  void aBatchFailureIsItsCauseInOneShortLine() {
    String batch = "Batch entry 0 INSERT INTO events (host, process, ...) VALUES ('gw', 'feed', " + "x".repeat(3000) + ") was aborted";
    BatchUpdateException e = new BatchUpdateException(batch, new int[0], new SQLException("An I/O error occurred while sending to the backend.",
        "08006", new ConnectException("Connection refused")));
    assertThat(Writer.brief(e)).isEqualTo("java.sql.SQLException: An I/O error occurred while sending to the backend.");
    assertThat(Writer.brief(new SQLException("first line\nsecond line"))).isEqualTo("java.sql.SQLException: first line");
    assertThat(Writer.brief(new SQLException("y".repeat(1000)))).hasSize(303).endsWith("...");
  }
}
