package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start checks with the program's {@code #!} line remembered between starts ({@link StartChecks.LastHead}):
 * whatever changed since the last start (the script rewritten in place or replaced, its interpreter removed) is
 * found as it is without the memory, on real files.
 */
class StartChecksTest {
  @TempDir Path dir;
  private Path interpreter;
  private final StartChecks.LastHead last = new StartChecks.LastHead();
  private final Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows"), "#! scripts are POSIX");
    interpreter = executable("interp", "#!/bin/sh\nexec /bin/sh \"$@\"\n");
  }

  private Path executable(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void anUnchangedScriptIsCheckedAgainstItsInterpreterEveryTime() throws Exception {
    Path script = executable("run.sh", "#!" + interpreter + "\necho hi\n");
    assertThat(StartChecks.resolveExecutable(script.toString(), null, env, last)).isEqualTo(script);
    assertThat(StartChecks.resolveExecutable(script.toString(), null, env, last)).isEqualTo(script);

    Files.delete(interpreter); // the script is the same file: its #! line is remembered, its interpreter looked for again
    assertThatThrownBy(() -> StartChecks.resolveExecutable(script.toString(), null, env, last))
        .isInstanceOf(StartChecks.Failure.class)
        .hasMessageContaining("names the interpreter " + interpreter)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aScriptRewrittenInPlaceIsReadAgain() throws Exception {
    Path script = executable("run.sh", "#!" + interpreter + "\necho hi\n");
    StartChecks.resolveExecutable(script.toString(), null, env, last);
    FileTime before = Files.getLastModifiedTime(script);

    // same inode, same size, another interpreter: only the modification time tells it changed
    String missing = dir.resolve("nosuch").toString();
    String text = "#!" + missing + "\n";
    text = text + "#".repeat((int) Files.size(script) - text.length() - 1) + "\n";
    Files.writeString(script, text);
    Files.setLastModifiedTime(script, FileTime.fromMillis(before.toMillis() + 2_000));
    assertThat(Files.size(script)).isEqualTo(("#!" + interpreter + "\necho hi\n").length());

    assertThatThrownBy(() -> StartChecks.resolveExecutable(script.toString(), null, env, last))
        .isInstanceOf(StartChecks.Failure.class)
        .hasMessageContaining("names the interpreter " + missing);
  }

  @Test
  void aScriptReplacedByRenameIsReadAgain() throws Exception {
    Path script = executable("run.sh", "#!" + interpreter + "\necho hi\n");
    StartChecks.resolveExecutable(script.toString(), null, env, last);
    FileTime before = Files.getLastModifiedTime(script);

    Path next = executable("run.sh.new", "#!/usr/bin/env vigil-no-such-interpreter\necho hi\n");
    Files.setLastModifiedTime(next, before); // a deploy that keeps times (cp -p, rsync -t): the inode still differs
    Files.move(next, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    assertThatThrownBy(() -> StartChecks.resolveExecutable(script.toString(), null, env, last))
        .isInstanceOf(StartChecks.Failure.class)
        .hasMessageContaining("runs the interpreter 'vigil-no-such-interpreter' through /usr/bin/env")
        .hasMessageContaining("not found on PATH");
  }

  @Test
  void aBinaryBecomingAScriptIsReadAgain() throws Exception {
    Path program = dir.resolve("feed");
    Files.copy(Path.of("/bin/true"), program);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(StartChecks.resolveExecutable(program.toString(), null, env, last)).isEqualTo(program);

    Files.writeString(program, "#!" + dir.resolve("gone") + "\n");
    assertThatThrownBy(() -> StartChecks.resolveExecutable(program.toString(), null, env, last))
        .isInstanceOf(StartChecks.Failure.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void whatIsNotAnExecutableIsSaidAsBefore() throws Exception {
    assertThatThrownBy(() -> StartChecks.resolveExecutable(dir.resolve("absent").toString(), null, env, last))
        .hasMessage("binary " + dir.resolve("absent") + " not found");
    assertThatThrownBy(() -> StartChecks.resolveExecutable(dir.toString(), null, env, last))
        .hasMessage("binary " + dir + " is a directory");
    Path plain = Files.writeString(dir.resolve("plain"), "data");
    assertThatThrownBy(() -> StartChecks.resolveExecutable(plain.toString(), null, env, last))
        .hasMessage("binary " + plain + " is not executable");
  }
}
