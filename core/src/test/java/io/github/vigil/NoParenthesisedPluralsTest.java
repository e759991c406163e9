package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No text for people in the main code of any module says {@code 1 process(es)} or {@code 2 restart(s)}: counts go
 * through {@link HumanFormat#count}. Reads the string literals of every module's {@code src/main/java} (the benchmarks'
 * aside), and nothing under {@code .git} or a {@code target}.
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
    assertThat(plurals(root)).as("say HumanFormat.count(n, \"process\", \"processes\") instead").isEmpty();
  }

  @Test
  void readsTheSourcesOnly(@TempDir Path root) throws IOException {
    String offending = "class A { String s = \"1 process(es)\"; }\n";
    write(root.resolve("m/src/main/java/A.java"), offending);
    write(root.resolve(".git/worktrees/w/m/src/main/java/B.java"), offending); // a worktree's files, git's objects
    write(root.resolve("m/target/generated/src/main/java/C.java"), offending);
    write(root.resolve("bench/src/main/java/D.java"), offending);
    assertThat(plurals(root)).containsExactly("m/src/main/java/A.java:1: \"1 process(es)\"");
  }

  @Test
  void leavesGitTargetsAndTheBenchmarksOut() {
    assertThat(skipped(Path.of(".git"))).isTrue();
    assertThat(skipped(Path.of("core/target"))).isTrue();
    assertThat(skipped(Path.of("bench"))).isTrue();
    assertThat(skipped(Path.of("core/src/main/java"))).isFalse();
    assertThat(skipped(Path.of("core/src/main/java/io/github/vigil/bench"))).isFalse(); // a package named so is read
    assertThat(skipped(Path.of("examples/targets"))).isFalse();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /**
   * Each string literal with a parenthesised plural in the main code under {@code root}, as {@code path:line: literal}.
   * Neither {@code .git} (a worktree there holds a copy of the sources, of any branch) nor a build's {@code target} is
   * entered.
   */
  static List<String> plurals(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path f : sources(root)) {
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
    return found;
  }

  /** The {@code .java} files of every {@code src/main/java} under {@code root}, but those of {@link #skipped} directories. */
  private static List<Path> sources(Path root) throws IOException {
    List<Path> sources = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return dir.equals(root) || !skipped(root.relativize(dir)) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (file.toString().endsWith(".java") && file.toString().contains("/src/main/java/")) {
          sources.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return sources;
  }

  /**
   * Whether the directory {@code dir} (relative to the root) is left out with all it holds: git's ({@code .git}), a
   * build's output ({@code target}), and the benchmarks, whose text is for their authors and names code
   * ({@code "VigilMetrics.of(s)"}).
   */
  static boolean skipped(Path dir) {
    String name = dir.getFileName().toString();
    return name.equals(".git") || name.equals("target") || dir.equals(Path.of("bench"));
  }
}
