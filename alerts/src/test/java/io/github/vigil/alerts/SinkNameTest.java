package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sink of the module refuses a blank name as it is made, naming the field and the value: {@code new Slf4jSink("")}
 * was taken and showed {@code Slf4jSink{}} (a black-box run), a name that tags no meter and no log line usefully.
 */
class SinkNameTest {

  /** Each sink type, made with {@code name} and otherwise good settings. */
  static Stream<Arguments> sinks() {
    Stream<Function<String, NotificationSink>> makers = Stream.of(
        Slf4jSink::new,
        n -> new SlackSink(n, URI.create("https://hooks.slack.example/services/x")),
        n -> new WeComSink(n, "key"),
        n -> new FeishuSink(n, URI.create("https://open.feishu.example/open-apis/bot/v2/hook/x"), null),
        n -> DingTalkSink.builder(n, "token").build(),
        n -> WebhookSink.builder(n, URI.create("http://localhost:8080/alerts")).build(),
        n -> AlertmanagerSink.builder(n, URI.create("http://localhost:9093")).build(),
        n -> EmailSink.builder(n, "smtp.desk.example", 587).from("vigil@desk.example").to("ops@desk.example").build());
    return makers.map(m -> Arguments.of(m.apply("probe").getClass().getSimpleName(), m));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sinks")
  void aBlankSinkNameIsRefusedNamingTheFieldAndTheValue(String type, Function<String, NotificationSink> maker) {
    for (String blank : new String[] {"", " ", "\t"}) {
      assertThatThrownBy(() -> maker.apply(blank)).as("%s named '%s'", type, blank)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("sink name must not be blank: '" + blank + "'");
    }
    assertThat(maker.apply("desk").name()).isEqualTo("desk");
  }

  /** The list above names every sink of the module: a new one is checked too. */
  @Test
  void everySinkOfTheModuleIsChecked() throws IOException {
    List<String> implementations;
    try (Stream<Path> files = Files.list(Path.of("src/main/java/io/github/vigil/alerts"))) {
      implementations = files.filter(f -> read(f).contains("implements NotificationSink"))
          .map(f -> f.getFileName().toString().replace(".java", "")).toList();
    }
    assertThat(sinks().map(a -> (String) a.get()[0])).containsExactlyInAnyOrderElementsOf(implementations);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
