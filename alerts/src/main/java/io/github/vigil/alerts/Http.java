package io.github.vigil.alerts;

import io.github.vigil.HumanFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POSTs JSON with {@link HttpClient}, a request timeout, and errors that never carry the URL (which
 * holds the robots' tokens). Sinks of one connect timeout share one client for the JVM's life: a client holds a
 * selector thread and pooled connections until it is garbage (JDK 17's has no {@code close()}), and a client per sink
 * left them behind every closed pipeline, one set per sink (a Spring context refreshed in tests, a pipeline rebuilt).
 * Thread-safe.
 */
final class Http {
  private static final java.util.concurrent.ConcurrentMap<Duration, HttpClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

  private static final Pattern CODE = Pattern.compile("\"(errcode|code|StatusCode)\"\\s*:\\s*(-?\\d+)");
  private static final Pattern MSG = Pattern.compile("\"(errmsg|msg|StatusMessage)\"\\s*:\\s*\"([^\"]*)\"");

  private final HttpClient client;
  private final Duration timeout;

  Http(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + HumanFormat.duration(timeout));
    }
    this.timeout = timeout;
    this.client = CLIENTS.computeIfAbsent(timeout,
        t -> HttpClient.newBuilder().connectTimeout(t).followRedirects(HttpClient.Redirect.NEVER).build());
  }

  /**
   * An I/O failure in words. The JDK's HttpClient throws a ConnectException without a message when nothing answers
   * (it read "ConnectException: null"), its causes without one either.
   */
  static String describe(IOException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e instanceof java.net.ConnectException ? "could not connect (refused, or the host unreachable)"
          : e instanceof java.net.http.HttpTimeoutException ? "timed out" : e.getClass().getSimpleName();
    }
    return e.getClass().getSimpleName() + ": " + m;
  }

  /** POSTs {@code json}; returns the body of a 2xx answer, throws otherwise. {@code what} names the target without secrets. */
  String post(URI uri, String json, Map<String, String> headers, String what) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    HttpResponse<String> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the JDK's messages name host and port at most, never the query with its token
      throw new IOException("POST to " + what + " failed: " + describe(e), null);
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException("POST to " + what + " answered HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
    }
    return r.body();
  }

  /** For chat robots that answer 200 with an error code in the body: throws unless the code is 0 (or absent). */
  static void checkCode(String body, String what) throws IOException {
    Matcher m = CODE.matcher(body);
    if (m.find() && !m.group(2).equals("0")) {
      Matcher msg = MSG.matcher(body);
      throw new IOException(what + " refused the message: " + m.group(1) + " " + m.group(2)
          + (msg.find() ? " (" + msg.group(2) + ")" : ""));
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  /** {@code scheme://host:port} of {@code uri}, which is what logs and errors may show of it. */
  static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  /**
   * Refuses {@code uri} unless it is {@code http://} or {@code https://} and names a host: a sink given one that is not
   * was built and failed every send (the JDK's refusal, {@code unsupported URI http:///services/...}, then logged the
   * whole URI with its secret). The message begins with {@code what} (e.g. {@code "webhook uri of sink w"}) and shows
   * the URI up to its path, without a password.
   *
   * @throws IllegalArgumentException naming {@code what}, what it got and what is wrong with it
   */
  static void checkHttpUri(URI uri, String what) {
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      // only what comes before the path: a webhook's path often holds its secret
      String raw = uri.toString();
      int cut = raw.indexOf('/', raw.indexOf("//") >= 0 ? raw.indexOf("//") + 2 : 0);
      String shown = withoutUserInfo(cut < 0 ? raw : raw.substring(0, cut) + "/...", uri); // nor a password
      throw new IllegalArgumentException(what + " must start with http:// or https://: '" + shown + "'"
          + (uri.getScheme() == null ? " has no scheme" : " has scheme " + uri.getScheme()));
    }
    if (uri.getHost() == null) {
      String raw = uri.toString();
      int cut = raw.indexOf('/', raw.indexOf("//") + 2);
      String authority = uri.getRawAuthority();
      String shown = withoutUserInfo(uri.getScheme() + "://" + (authority == null ? "" : authority), uri) + (cut < 0 ? "" : "/...");
      throw new IllegalArgumentException(what + " must name a host: '" + shown + "' has none");
    }
  }

  /**
   * Refuses a header a sink would send with every request but could not, or should not: a name the JDK's HTTP client
   * refuses (not a token, {@code X Token}; or restricted, {@code Host}, {@code Content-Length}, {@code Connection},
   * {@code Expect}, {@code Upgrade}) or a value it refuses (a line break), either of which failed every send;
   * {@code Content-Type}, which {@link #post} sets itself (a second one was sent beside it); a blank value, most likely a
   * variable that was not set ({@code ${API_KEY:}}), which the receiver refuses at every send. The message begins with
   * {@code what} (e.g. {@code "header of webhook sink w"}) and names the header, never its value.
   *
   * @throws IllegalArgumentException naming {@code what}, the header and what is wrong with it
   */
  static void checkHeader(String headerName, String value, String what) {
    java.util.Objects.requireNonNull(headerName, "headerName");
    java.util.Objects.requireNonNull(value, "value");
    if (headerName.equalsIgnoreCase("Content-Type")) {
      throw new IllegalArgumentException(what + " '" + headerName + "': the sink sets Content-Type itself (application/json; charset=utf-8)");
    }
    try {
      HttpRequest.newBuilder().header(headerName, "x");
    } catch (IllegalArgumentException e) { // "invalid header name: ..." or "restricted header name: ...": the name only
      throw new IllegalArgumentException(what + " '" + headerName + "' is refused by the JDK's HTTP client (" + e.getMessage() + ")");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " '" + headerName + "' must not have a blank value: it is "
          + (value.isEmpty() ? "empty" : value.length() + " whitespace character" + (value.length() == 1 ? "" : "s")));
    }
    try {
      HttpRequest.newBuilder().header(headerName, value);
    } catch (IllegalArgumentException e) { // its message shows the value, which may be a secret
      throw new IllegalArgumentException(what + " '" + headerName + "' has a value the JDK's HTTP client refuses (a line break or "
          + "another control character)");
    }
  }

  /**
   * Refuses a blank signing secret (empty or whitespace only): it would sign every message with an empty key, which a
   * robot that verifies signatures refuses, so a sink given one was built and failed every send. The message begins
   * with {@code what} (e.g. {@code "secret of DingTalk sink desk"}) and says which kind of blank it got ({@code it is
   * empty}, {@code it is 2 whitespace characters}), never the value.
   *
   * @return {@code secret}
   * @throws IllegalArgumentException naming {@code what} and the kind of blank, when {@code secret} is blank
   */
  static String checkSecret(String secret, String what) {
    if (secret.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank: it is "
          + (secret.isEmpty() ? "empty" : secret.length() + " whitespace character" + (secret.length() == 1 ? "" : "s"))
          + "; leave it out when the robot does not verify signatures");
    }
    return secret;
  }

  /**
   * {@code shown}, the text of {@code uri} or a part of it, with the user information of the URI's authority (a
   * password: {@code ops:s3cret@}) as {@code ...@}, for a message that names a URI it refuses.
   */
  static String withoutUserInfo(String shown, URI uri) {
    String authority = uri.getRawAuthority();
    if (authority == null || !authority.contains("@")) {
      return shown;
    }
    return shown.replace(authority, "..." + authority.substring(authority.lastIndexOf('@')));
  }

  /** Cuts {@code s} to at most {@code maxBytes} UTF-8 bytes, on a character boundary. */
  static String truncateUtf8(String s, int maxBytes) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= maxBytes) {
      return s;
    }
    int used = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + n > maxBytes - 3) {   // room for the ellipsis
        break;
      }
      used += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i) + "…";
  }

  static String hmacSha256Base64(byte[] key, byte[] data) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      return java.util.Base64.getEncoder().encodeToString(mac.doFinal(data));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
