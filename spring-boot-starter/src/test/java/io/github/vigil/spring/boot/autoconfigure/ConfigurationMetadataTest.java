package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.vigil.OutputSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/**
 * The generated configuration metadata documents every property, and the defaults it shows for
 * {@code vigil.defaults.*} are the core's, so the IDE never tells users something the core does not do.
 */
class ConfigurationMetadataTest {

  private final String json = read("META-INF/spring-configuration-metadata.json");
  private final ProcessSpec core = ProcessSpec.builder("p").command("x").build();
  private final RestartPolicy policy = core.restartPolicy();
  private final OutputSpec output = core.output();

  @Test
  void everyPropertyHasADescription() {
    List<Map<String, Object>> properties = JsonPath.read(json, "$.properties[?(@.name =~ /vigil\\..*/)]");
    assertThat(properties).hasSizeGreaterThan(30);
    assertThat(properties).allSatisfy(p -> assertThat((String) p.get("description")).as("%s", p.get("name")).isNotBlank());
  }

  @Test
  void listsAndMapsOfSettingsAreDescribedWithTheirElementTypes() {
    // The processor does not descend into list and map elements; IDEs complete them from these types,
    // whose field javadoc documents each setting (HealthPropertiesTest and AttachPropertiesTest check
    // that their unset values are the core's defaults).
    Map<String, Class<?>> elements = Map.of(
        "vigil.defaults.health-checks", VigilProperties.HealthCheckProperties.class,
        "vigil.defaults.resource-rules", VigilProperties.ResourceRuleProperties.class,
        "vigil.attach", VigilProperties.AttachProperties.class,
        "vigil.groups", VigilGroupProperties.GroupProperties.class);
    elements.forEach((name, type) -> {
      List<Map<String, Object>> found = JsonPath.read(json, "$.properties[?(@.name == '" + name + "')]");
      assertThat(found).as(name).singleElement().satisfies(p -> {
        assertThat((String) p.get("type")).contains(type.getName());
        assertThat((String) p.get("description")).isNotBlank();
      });
    });
    List<Map<String, Object>> dependsOn = JsonPath.read(json, "$.properties[?(@.name == 'vigil.defaults.depends-on')]");
    assertThat((String) dependsOn.get(0).get("description")).contains("\"healthy\"");
  }

  @Test
  void defaultsAreTheCores() {
    assertThat(duration("restart.backoff.initial-delay")).isEqualTo(policy.backoff().initial().toString());
    assertThat(number("restart.backoff.multiplier")).isEqualTo(policy.backoff().multiplier());
    assertThat(duration("restart.backoff.max-delay")).isEqualTo(policy.backoff().cap().toString());
    assertThat(number("restart.backoff.jitter")).isEqualTo(policy.backoff().jitter());
    assertThat(number("restart.max-restarts")).isEqualTo((double) policy.maxRestarts());
    assertThat(duration("restart.window")).isEqualTo(policy.window().toString());
    assertThat(duration("restart.cooldown")).isEqualTo(policy.cooldown().toString());
    assertThat(duration("restart.stable-after")).isEqualTo(policy.stableAfter().toString());
    assertThat(value("restart.mode")).isEqualTo(policy.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    assertThat(value("restart.success-exit-codes")).isEqualTo(List.copyOf(policy.successExitCodes()));
    assertThat(value("stop.signal")).isEqualTo(core.stopSignal().name());
    assertThat(duration("stop.timeout")).isEqualTo(core.stopTimeout().toString());
    assertThat(duration("startup-grace")).isEqualTo(core.startupGrace().toString());
    assertThat(value("auto-start")).isEqualTo(core.autoStart());
    assertThat(value("inherit-environment")).isEqualTo(core.environment().inherit());
    assertThat(number("output.tail-lines")).isEqualTo((double) output.tailLines());
    assertThat(number("output.backups")).isEqualTo((double) output.backups());
    assertThat(DataSize.parse((String) value("output.max-file-size")).toBytes()).isEqualTo(output.maxFileBytes());
    assertThat(value("output.log-to-slf4j")).isEqualTo(output.logToSlf4j());
  }

  private Object value(String relative) {
    List<Object> found = JsonPath.read(json, "$.properties[?(@.name == 'vigil.defaults." + relative + "')].defaultValue");
    assertThat(found).as(relative).hasSize(1);
    return Objects.requireNonNull(found.get(0), relative);
  }

  private String duration(String relative) {
    return DurationStyle.detectAndParse(String.valueOf(value(relative))).toString();
  }

  private double number(String relative) {
    return ((Number) value(relative)).doubleValue();
  }

  private static String read(String resource) {
    try (InputStream in = ConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
