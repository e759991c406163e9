package io.github.vigil.alerts;

/**
 * Where notifications go: a chat robot, a webhook, e-mail, Alertmanager, a log. The SPI of the
 * alerts module: an implementation delivers one {@link Notification} synchronously and throws when
 * delivery failed, so that the pipeline retries it with backoff and counts the failure.
 *
 * <p>{@link #send} runs on the pipeline's sender threads, never on the supervision thread, and may
 * block up to its own timeout (HTTP sinks: their request timeout; e-mail: SMTP timeouts).
 * Implementations must be thread-safe and must never log secrets (tokens, passwords, signed URLs).
 */
public interface NotificationSink {

  /**
   * A short name, unique within a pipeline and not blank; tags the meters and the logs ({@code slack-desk}). The module's
   * sinks refuse a blank one as they are made.
   */
  String name();

  /**
   * Delivers {@code notification}; returns when the receiver accepted it.
   *
   * @throws Exception when it was not accepted (the pipeline retries according to its retry policy)
   */
  void send(Notification notification) throws Exception;
}
