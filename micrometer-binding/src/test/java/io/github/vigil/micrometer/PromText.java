package io.github.vigil.micrometer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A small parser of the Prometheus text exposition format, enough to compare two scrapes. */
final class PromText {

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {
    /** The name and labels, with {@code groupname}'s value replaced by {@code *}: what two scrapes share. */
    String shape() {
      Map<String, String> l = new TreeMap<>(labels);
      l.computeIfPresent("groupname", (k, v) -> "*");
      l.computeIfPresent("process", (k, v) -> "*");
      return name + l;
    }
  }

  final List<Sample> samples;
  final Map<String, String> types;

  private PromText(List<Sample> samples, Map<String, String> types) {
    this.samples = Collections.unmodifiableList(samples);
    this.types = Collections.unmodifiableMap(types);
  }

  static PromText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        types.put(f[2], f[3]);
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int end = line.lastIndexOf('}');
        parseLabels(line.substring(brace + 1, end), labels, line);
        space = line.indexOf(' ', end);
      } else {
        name = line.substring(0, line.indexOf(' '));
        space = line.indexOf(' ');
      }
      String[] rest = line.substring(space + 1).strip().split(" ");
      samples.add(new Sample(name, labels, parseValue(rest[0])));
    }
    return new PromText(samples, types);
  }

  private static void parseLabels(String s, Map<String, String> into, String line) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      String key = s.substring(i, eq).strip();
      if (s.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("label value not quoted in: " + line);
      }
      StringBuilder v = new StringBuilder();
      int j = eq + 2;
      for (; s.charAt(j) != '"'; j++) {
        char c = s.charAt(j);
        if (c == '\\') {
          char n = s.charAt(++j);
          v.append(n == 'n' ? '\n' : n);
        } else {
          v.append(c);
        }
      }
      into.put(key, v.toString());
      i = j + 1;
      while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
        i++;
      }
    }
  }

  private static double parseValue(String v) {
    switch (v) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(v);
    }
  }

  /** The samples of metrics whose name starts with {@code prefix}. */
  List<Sample> withPrefix(String prefix) {
    return samples.stream().filter(s -> s.name().startsWith(prefix)).toList();
  }

  /** The value of the one sample with this name and these labels (others may exist). */
  Optional<Double> value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .map(Sample::value).findFirst();
  }

  /** The TYPE of a sample's metric family: exact name, or the name less a counter's {@code _total}. */
  String typeOf(String sampleName) {
    String t = types.get(sampleName);
    if (t == null && sampleName.endsWith("_total")) {
      t = types.get(sampleName.substring(0, sampleName.length() - "_total".length()));
    }
    return t == null ? "untyped" : t;
  }
}
