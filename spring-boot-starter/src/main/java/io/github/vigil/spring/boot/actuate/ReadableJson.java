package io.github.vigil.spring.boot.actuate;

import io.github.vigil.HumanFormat;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The journal's reports (records of records) as the {@code vigil} endpoint writes its own: each duration as a person
 * reads it ({@code "recovery": "1.08 s"}) with its seconds as a number beside ({@code "recoverySeconds": 1.082}), each
 * instant ISO-8601, each enum by its name. Jackson would write a {@link Duration} as {@code "PT1.082S"}.
 *
 * <p>Stateless; thread-safe.
 */
final class ReadableJson {
  private ReadableJson() {}

  /** {@code value} as maps, lists, strings, numbers and booleans, its durations written twice (see above). */
  static @Nullable Object of(@Nullable Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Optional<?> o) {
      return of(o.orElse(null));
    }
    if (value instanceof Duration d) {
      return HumanFormat.duration(d);
    }
    if (value instanceof Instant || value instanceof CharSequence) {
      return value.toString();
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> put(out, String.valueOf(k), v));
      return out;
    }
    if (value instanceof Iterable<?> items) {
      List<@Nullable Object> out = new ArrayList<>();
      items.forEach(i -> out.add(of(i)));
      return out;
    }
    if (value instanceof Record r) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object v = read(r, c);
        put(out, c.getName(), v);
        if (v == null && c.getType() == Duration.class) { // the same keys whether or not there is one
          out.put(c.getName() + "Seconds", null);
        }
      }
      return out;
    }
    return value.toString();
  }

  /** {@code key}: {@code value} into {@code out}, and {@code keySeconds} beside a duration. */
  private static void put(Map<String, @Nullable Object> out, String key, @Nullable Object value) {
    out.put(key, of(value));
    if (value instanceof Duration d) {
      out.put(key + "Seconds", d.toNanos() / 1e9);
    }
  }

  private static @Nullable Object read(Record r, RecordComponent c) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
    }
  }
}
