package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No text for people in the main code of any module says {@code 1 process(es)} or {@code 2 restart(s)}: counts go
 * through {@link HumanFormat#count}. Reads the string literals of every module's {@code src/main/java} (the benchmarks'
 * aside).
 */
class NoParenthesisedPluralsTest {
  /** A string literal (found from the line's start on, one after the other, so a match is a literal, not what is between two). */
  private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  /** A word directly followed by {@code (s)} or {@code (es)}. */
  private static final Pattern PLURAL = Pattern.compile("[a-z]\\(e?s\\)");

  @Test
  void countsInTextSayOneOrMany() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent(); // the module's directory is where its tests run
    assertThat(root.resolve("core/src/main/java/io/github/vigil/HumanFormat.java")).exists();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      // the benchmarks' text is for their authors, and names code ("VigilMetrics.of(s)")
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
          && !root.relativize(p).startsWith("bench")).toList()) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = LITERAL.matcher(lines.get(i).replace("'\"'", "'?'")); // a quote as a char is no literal's start
          while (m.find()) {
            if (PLURAL.matcher(m.group()).find()) {
              found.add(root.relativize(f) + ":" + (i + 1) + ": " + m.group());
            }
          }
        }
      }
    }
    assertThat(found).as("say HumanFormat.count(n, \"process\", \"processes\") instead").isEmpty();
  }
}
