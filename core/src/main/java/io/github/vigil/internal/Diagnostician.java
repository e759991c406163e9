package io.github.vigil.internal;

import io.github.vigil.Dependency;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.Termination;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.DiagnosisSpec;
import io.github.vigil.diagnosis.Finding;
import io.github.vigil.diagnosis.Finding.Certainty;
import io.github.vigil.diagnosis.Finding.Check;
import io.github.vigil.spi.ListeningSockets;
import io.github.vigil.spi.ProcessInspector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes diagnoses on its own small pool (two daemon threads, 32 waiting at most: more are refused,
 * never queued without bound), never on the supervision thread. Every check is a few file reads, a
 * look at the socket tables, or the user's configuration check bounded by its timeout (killed with its
 * descendants after it); the whole never holds a lock of the engine.
 *
 * <p>Thread-safe.
 */
final class Diagnostician implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Diagnostician.class);

  static final Pattern ADDRESS_IN_USE = Pattern.compile("(?i)address already in use|EADDRINUSE|errno 98\\b|bind\\(\\) .*failed");
  private static final Pattern PORT_IN_LINE = Pattern.compile("(?:[:\\]]|\\bport\\s+)(\\d{1,5})\\b");
  private static final Pattern MISSING_LIBRARY =
      Pattern.compile("error while loading shared libraries: ([^:\\s]+): cannot open shared object file");
  // the last alternative: an exception's name, as Python's traceback ends (json.decoder.JSONDecodeError: ...,
  // MemoryError) and Java's stack trace starts (java.lang.IllegalStateException: ...); capitalised, so not "terror"
  private static final Pattern ERROR_LINE = Pattern.compile(
      "(?i)\\b(error|errno|fatal|fail(ed|ure)?|exception|traceback|panic|emerg|crit(ical)?|cannot|can't|could not|unable|denied|refused"
          + "|not found|no such|invalid|unknown directive|too many open files|out of memory|killed|[\\w.$]*(?-i:Error|Exception))\\b");
  /** How glibc's dynamic loader starts a line of its own: {@code ERROR: ld.so: object '/x.so' from LD_PRELOAD cannot be preloaded ...}. */
  private static final String LOADER_LINE = "ERROR: ld.so: ";
  private static final Pattern PERMISSION_DENIED = Pattern.compile("(?i)permission denied|EACCES");
  private static final Pattern NO_SPACE = Pattern.compile("(?i)no space left on device|ENOSPC|read-only file system|EROFS");
  private static final int MAX_OUTPUT_LINES = 8;
  private static final long LOW_SPACE_BYTES = 16L << 20;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final String supervisor;
  private final OnDemandPool pool;
  private final @Nullable ListeningSockets sockets;
  private final @Nullable ProcessInspector inspector;
  private final boolean hostChecks;

  /**
   * @param hostChecks whether runs start on this machine ({@code ProcessBackend.hostStartChecks()}): a backend that
   *     spawns elsewhere (a container, a remote host, a fake) gets no checks of this machine's files and sockets
   */
  Diagnostician(String supervisor, @Nullable ListeningSockets sockets, @Nullable ProcessInspector inspector, boolean hostChecks) {
    this.supervisor = supervisor;
    this.hostChecks = hostChecks;
    this.sockets = sockets;
    this.inspector = inspector;
    this.pool = new OnDemandPool("vigil-" + supervisor + "-diagnosis-", 2, 30, new ArrayBlockingQueue<>(32));
  }

  /** What a diagnosis is about, read on the supervision thread (cheap copies) before it is handed over. */
  record Subject(ProcessSpec spec, int run, long pid, @Nullable ExitInfo exit, List<String> stderr, List<String> stdout,
      Diagnosis.Trigger trigger, Map<String, DependencyStatus> dependencies) {}

  /** How a dependency is now: read on the diagnosis thread (status() and health() are snapshots). */
  interface DependencyStatus {
    ProcessStatus status();
  }

  /** Diagnoses {@code subject} on the pool; completes exceptionally when the pool refuses (too many at once, or closed). */
  CompletableFuture<Diagnosis> submit(Subject subject) {
    CompletableFuture<Diagnosis> done = new CompletableFuture<>();
    try {
      pool.execute(() -> {
        try {
          done.complete(diagnose(subject));
        } catch (RuntimeException | Error e) {
          log.atWarn().addKeyValue("process", subject.spec().name()).log("Diagnosis of {} failed", subject.spec().name(), e);
          done.completeExceptionally(e);
          if (e instanceof VirtualMachineError) {
            throw e;
          }
        }
      });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("diagnosis of " + subject.spec().name() + " refused: "
          + (pool.isShutdown() ? "supervisor " + supervisor + " is closed" : "32 diagnoses are already waiting"), e));
    }
    return done;
  }

  @Override
  public void close() {
    pool.shutdownNow(); // a configuration check in flight is interrupted, and killed in its finally
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("Diagnoses of supervisor {} still running 5 s after close", supervisor);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- the checks (a diagnosis thread) ------------------------------------------------------------

  Diagnosis diagnose(Subject s) {
    long t0 = System.nanoTime();
    ProcessSpec spec = s.spec();
    List<Finding> findings = new ArrayList<>();
    Path dir = spec.workingDirectory().orElse(null);
    if (!hostChecks) {
      findings.add(Finding.unknown(Check.PROGRAM, "the backend starts runs elsewhere: the program, working directory, files, disk and "
          + "ports on this machine say nothing about them and were not checked", List.of()));
    }
    findings.add(!hostChecks ? null : guard(Check.PROGRAM, () -> program(spec, s)));
    Finding lib = guard(Check.SHARED_LIBRARY, () -> sharedLibraries(spec, s));
    if (lib != null) {
      findings.add(lib);
    }
    if (hostChecks) {
      findings.add(guard(Check.WORKING_DIRECTORY, () -> workingDirectory(dir)));
      findings.addAll(guardAll(Check.FILES, () -> files(spec.diagnosis(), s)));
    }
    Finding config = guard(Check.CONFIGURATION, () -> configCheck(spec, dir));
    if (config != null) {
      findings.add(config);
    }
    if (hostChecks) {
      findings.addAll(guardAll(Check.PORTS, () -> ports(spec, s)));
    }
    findings.addAll(guardAll(Check.DEPENDENCIES, () -> dependencies(spec, s)));
    List<Finding> backend = inspector == null ? List.of() : guardAll(Check.LIMITS, () -> inspector.inspect(new ProcessInspector.Subject(
        spec.name(), spec.command(), spec.labels(), dir, s.pid(), s.exit(), s.stderr(), s.stdout())));
    findings.addAll(backend);
    // the backend names limits with their values; the portable reading of the output and exit fills in
    boolean backendProblem = backend.stream().anyMatch(f -> f.check() == Check.LIMITS && f.isProblem());
    boolean backendSaid = backend.stream().anyMatch(f -> f.check() == Check.LIMITS);
    if (!backendProblem) {
      List<Finding> portable = limits(spec, s);
      if (portable.stream().anyMatch(Finding::isProblem)) {
        findings.removeIf(f -> f.check() == Check.LIMITS && !f.isProblem());
        findings.addAll(portable);
      } else if (!backendSaid) {
        findings.addAll(portable);
      }
    }
    if (hostChecks) {
      findings.add(guard(Check.DISK, () -> disk(dir, s)));
    }
    // the process's own words before its exit code: of two possible causes, the line that says why heads the diagnosis
    findings.add(output(s));
    Finding exit = exit(s);
    findings.removeIf(java.util.Objects::isNull);
    if (exit != null && !foldedIntoStartCause(findings, s)) {
      findings.add(exit);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    return new Diagnosis(spec.name(), s.run(), s.trigger(), Instant.now(), took, s.exit(), findings);
  }

  /**
   * Whether a start that failed is already explained by a problem of the program or the working directory, the two things
   * a start needs before the process exists: its "could not be started" would only restate that finding as a second
   * problem (found by a black-box run), so the start failure's message goes into that finding's evidence instead. A start
   * failure no such finding explains (a fork refused, a limit the backend could not set) keeps its own exit finding.
   */
  private static boolean foldedIntoStartCause(List<Finding> findings, Subject s) {
    ExitInfo x = s.exit();
    if (x == null || x.cause() != ExitCause.START_FAILED) {
      return false;
    }
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.isProblem() && (f.check() == Check.PROGRAM || f.check() == Check.WORKING_DIRECTORY)
          && (f.certainty() == Certainty.CONFIRMED || f.certainty() == Certainty.LIKELY)) {
        findings.set(i, new Finding(f.check(), f.status(), f.certainty(), f.summary(),
            concat(f.evidence(), List.of("the start failed: " + x.message())), f.fix()));
        return true;
      }
    }
    return false;
  }

  private interface CheckBody {
    @Nullable Finding run() throws Exception;
  }

  private interface CheckAll {
    List<Finding> run() throws Exception;
  }

  private static @Nullable Finding guard(Check check, CheckBody body) {
    try {
      return body.run();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // the supervisor is closing: the remaining checks are quick file reads
      }
      return Finding.unknown(check, "the check itself failed: " + e, List.of());
    }
  }

  private static List<Finding> guardAll(Check check, CheckAll body) {
    try {
      return body.run();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // the supervisor is closing: the remaining checks are quick file reads
      }
      return List.of(Finding.unknown(check, "the check itself failed: " + e, List.of()));
    }
  }

  // --- program ---

  private Finding program(ProcessSpec spec, Subject s) throws IOException {
    String program = spec.command().get(0);
    Path dir = spec.workingDirectory().orElse(null);
    Map<String, String> env = spec.environment().resolve(System.getenv());
    Path exe;
    if (program.indexOf('/') >= 0) {
      Path p = Path.of(program);
      exe = p.isAbsolute() ? p : (dir != null ? dir : Path.of("")).toAbsolutePath().resolve(p).normalize();
    } else {
      String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      exe = null;
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isEmpty() && Files.isRegularFile(Path.of(entry, program))) {
          exe = Path.of(entry, program).toAbsolutePath();
          break;
        }
      }
      if (exe == null) {
        return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program '" + program + "' is not found on PATH",
            List.of("PATH=" + path), "install '" + program + "', or name it by its absolute path in the command of " + spec.name());
      }
    }
    if (!Files.exists(exe, LinkOption.NOFOLLOW_LINKS) || !Files.exists(exe)) {
      Path parent = exe.getParent();
      List<String> ev = new ArrayList<>();
      if (Files.isSymbolicLink(exe)) {
        Path target = Files.readSymbolicLink(exe);
        Path resolved = parent == null ? target : parent.resolve(target).normalize();
        ev.add(exe + " is a symbolic link to " + target + ", which does not exist");
        // installing "at" the link would mean replacing it: what is missing is what it points to
        return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program " + exe + " is a symbolic link to " + resolved
            + ", which does not exist", ev, "install it at " + resolved + ", or correct the link " + exe + " or the path in the command of "
            + spec.name());
      } else if (parent != null) {
        ev.add(Files.isDirectory(parent) ? "directory " + parent + " exists" : "directory " + parent + " does not exist either");
      }
      return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program " + exe + " does not exist", ev,
          "install it at " + exe + ", or correct the path in the command of " + spec.name());
    }
    if (Files.isDirectory(exe)) {
      return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program " + exe + " is a directory", List.of(),
          "name the program inside " + exe + " in the command of " + spec.name());
    }
    String mode = mode(exe);
    if (!Files.isExecutable(exe)) {
      boolean modeAllows = false;
      try {
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(exe);
        modeAllows = p.contains(PosixFilePermission.OWNER_EXECUTE) || p.contains(PosixFilePermission.GROUP_EXECUTE)
            || p.contains(PosixFilePermission.OTHERS_EXECUTE);
      } catch (IOException | UnsupportedOperationException e) {
        // no POSIX modes: the access check alone decides
      }
      if (modeAllows) { // the mode allows it, something else does not: a noexec mount (the Linux backend names it) or an ACL
        return Finding.problem(Check.PROGRAM, Certainty.LIKELY, "program " + exe + " cannot be executed here although its mode allows it ("
            + mode + ")", List.of(mode), "check the mount of " + exe + " for noexec (findmnt -T " + exe + ") and its ACL (getfacl " + exe + ")");
      }
      return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program " + exe + " is not executable (" + mode + ")", List.of(mode),
          "make it executable: chmod +x " + exe);
    }
    byte[] head = new byte[256];
    int n;
    try (java.io.InputStream in = Files.newInputStream(exe)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return Finding.unknown(Check.PROGRAM, "program " + exe + " is executable but cannot be read here (" + mode + ")", List.of(e.toString()));
    }
    if (n >= 2 && head[0] == '#' && head[1] == '!') {
      int end = 2;
      while (end < n && head[end] != '\n') {
        end++;
      }
      // as the kernel reads it: spaces and tabs around the line and between words, nothing else (a \r stays)
      String line = stripBlanks(new String(head, 2, end - 2, StandardCharsets.UTF_8));
      String[] words = line.split("[ \t]+");
      String shown = "#!" + line.replace("\r", "\\r");
      if (line.endsWith("\r")) {
        String last = words[words.length - 1].replace("\r", "\\r");
        return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "script " + exe + " has Windows line endings: its #! line ends in a "
            + "carriage return, which the kernel keeps: " + (words.length == 1 ? "it looks for the interpreter '" + last + "'"
                : "the interpreter is given '" + last + "'") + ", which does not exist",
            List.of(shown), "convert " + exe + " to Unix line endings: sed -i 's/\\r$//' " + exe + " (or dos2unix)");
      }
      Path interpreter = Path.of(words[0]);
      if (!Files.isRegularFile(interpreter) || !Files.isExecutable(interpreter)) {
        boolean exists = Files.exists(interpreter);
        return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "script " + exe + " names the interpreter " + interpreter + " in its #! line, which "
            + (!exists ? "does not exist" : Files.isDirectory(interpreter) ? "is a directory" : "is not an executable file"), List.of(shown),
            !exists ? "install " + interpreter + ", or change the #! line of " + exe + " to an interpreter that exists"
                : "change the #! line of " + exe + " to an interpreter (a program, executable)");
      }
      if (interpreter.getFileName() != null && interpreter.getFileName().toString().equals("env") && words.length > 1
          && !words[1].startsWith("-")) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        boolean found = false;
        for (String entry : path.split(java.io.File.pathSeparator)) {
          found |= !entry.isEmpty() && Files.isExecutable(Path.of(entry, words[1])) && Files.isRegularFile(Path.of(entry, words[1]));
        }
        if (!found) {
          return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "script " + exe + " runs the interpreter '" + words[1]
              + "' through env, and it is not on PATH", List.of("#!" + line, "PATH=" + path),
              "install '" + words[1] + "', or add its directory to PATH in the environment of " + spec.name());
        }
      }
      return Finding.ok(Check.PROGRAM, "script " + exe + " is executable (" + mode + "); its interpreter " + interpreter + " exists", List.of("#!" + line));
    }
    if (n >= 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
      int machine = (head[18] & 0xff) | (head[19] & 0xff) << 8; // little-endian e_machine
      int expected = expectedMachine();
      if (expected > 0 && machine != expected) {
        return Finding.problem(Check.PROGRAM, Certainty.CONFIRMED, "program " + exe + " is an ELF binary for another architecture (e_machine "
            + machine + ", this machine needs " + expected + " for " + System.getProperty("os.arch") + ")", List.of(mode),
            "install the " + System.getProperty("os.arch") + " build of " + exe.getFileName());
      }
      return Finding.ok(Check.PROGRAM, "program " + exe + " is an executable ELF binary (" + mode + ")", List.of());
    }
    // it ran: its run ended after it started, or (on demand) it is running now
    boolean ran = s.exit() != null ? s.exit().cause() != ExitCause.START_FAILED : s.pid() > 0;
    if (!ran || binary(head, n)) { // a wrapper's shell runs what the kernel will not as a script: binary bytes are no script
      return Finding.problem(Check.PROGRAM, Certainty.LIKELY, "program " + exe + " is neither an ELF binary nor a #! script (exec format error)"
          + (ran ? "; a shell ran it as a script" : ""),
          List.of(mode, "first bytes: " + printable(head, Math.min(n, 16))), "add a #! line to " + exe + ", or run it through its interpreter in the command");
    }
    return Finding.ok(Check.PROGRAM, "program " + exe + " is executable (" + mode + ")", List.of());
  }

  /** Spaces and tabs off both ends, as the kernel strips a #! line (not \r, which is part of the name). */
  private static String stripBlanks(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && (s.charAt(b) == ' ' || s.charAt(b) == '\t')) {
      b++;
    }
    while (e > b && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
      e--;
    }
    return s.substring(b, e);
  }

  /** Whether the head of a file has bytes no text (no script) has: NUL, or control characters but tab, newline, CR, form feed. */
  private static boolean binary(byte[] head, int n) {
    for (int i = 0; i < n; i++) {
      int c = head[i] & 0xff;
      if (c == 0 || c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) {
        return true;
      }
    }
    return false;
  }

  private static int expectedMachine() {
    String arch = System.getProperty("os.arch", "");
    return switch (arch) {
      case "amd64", "x86_64" -> 62;
      case "aarch64", "arm64" -> 183;
      default -> -1;
    };
  }

  private static String printable(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\x%02x", c));
    }
    return sb.toString();
  }

  static String mode(Path p) {
    try {
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
      return "mode " + PosixFilePermissions.toString(a.permissions()) + ", owner " + a.owner().getName() + ":" + a.group().getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "mode unknown";
    }
  }

  // --- shared libraries ---

  private static final List<String> LIBRARY_DIRS = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib",
      "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu");

  private @Nullable Finding sharedLibraries(ProcessSpec spec, Subject s) {
    for (String line : concat(s.stderr(), s.stdout())) {
      Matcher m = MISSING_LIBRARY.matcher(line);
      if (m.find()) {
        String lib = m.group(1);
        Map<String, String> env = spec.environment().resolve(System.getenv());
        List<String> dirs = new ArrayList<>();
        String ld = env.getOrDefault("LD_LIBRARY_PATH", "");
        for (String d : ld.split(":")) {
          if (!d.isEmpty()) {
            dirs.add(d);
          }
        }
        dirs.addAll(LIBRARY_DIRS);
        Optional<String> found = dirs.stream().filter(d -> Files.exists(Path.of(d, lib))).findFirst();
        List<String> ev = new ArrayList<>();
        ev.add(line.trim());
        ev.add(found.map(d -> lib + " exists in " + d + ", which the loader did not search").orElse(lib + " is in none of " + dirs));
        String fix = found.map(d -> "add " + d + " to LD_LIBRARY_PATH in the environment of " + spec.name())
            .orElse("install the package that provides " + lib + " (or point LD_LIBRARY_PATH of " + spec.name() + " at its directory)");
        return Finding.problem(Check.SHARED_LIBRARY, Certainty.CONFIRMED, "the dynamic loader cannot find " + lib + ", needed by "
            + spec.command().get(0), ev, fix);
      }
    }
    return null;
  }

  // --- working directory and disk ---

  private static Finding workingDirectory(@Nullable Path dir) {
    if (dir == null) {
      return Finding.ok(Check.WORKING_DIRECTORY, "runs in the JVM's working directory " + Path.of("").toAbsolutePath(), List.of());
    }
    if (!Files.exists(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      return Finding.problem(Check.WORKING_DIRECTORY, Certainty.CONFIRMED, "working directory " + dir + " does not exist",
          parent == null ? List.of() : List.of(Files.isDirectory(parent) ? "its parent " + parent + " exists" : "its parent " + parent + " does not exist either"),
          "create it (mkdir -p " + dir + "), or correct the working directory of the process");
    }
    if (!Files.isDirectory(dir)) {
      return Finding.problem(Check.WORKING_DIRECTORY, Certainty.CONFIRMED, "working directory " + dir + " is not a directory", List.of(mode(dir)),
          "point the working directory at a directory, not the file " + dir);
    }
    if (!Files.isExecutable(dir)) {
      return Finding.problem(Check.WORKING_DIRECTORY, Certainty.CONFIRMED, "working directory " + dir + " cannot be entered", List.of(mode(dir)),
          "allow entering it: chmod a+x " + dir);
    }
    return Finding.ok(Check.WORKING_DIRECTORY, "working directory " + dir + " exists (" + mode(dir) + ")", List.of());
  }

  private static Finding disk(@Nullable Path dir, Subject s) throws IOException {
    Path where = dir != null && Files.isDirectory(dir) ? dir : Path.of("").toAbsolutePath();
    FileStore store = Files.getFileStore(where);
    List<String> said = matching(concat(s.stderr(), s.stdout()), NO_SPACE);
    long usable = store.getUsableSpace();
    long total = store.getTotalSpace();
    String space = HumanFormat.bytes(usable) + " free of " + HumanFormat.bytes(total) + " on " + store.name() + " (" + store.type() + ")";
    if (store.isReadOnly()) {
      return Finding.problem(Check.DISK, said.isEmpty() ? Certainty.LIKELY : Certainty.CONFIRMED, "the filesystem under " + where + " is read-only",
          concat(List.of(space), said), "remount " + store.name() + " read-write, or move the working directory of " + s.spec().name());
    }
    if (total > 0 && usable < LOW_SPACE_BYTES) {
      return Finding.problem(Check.DISK, said.isEmpty() ? Certainty.LIKELY : Certainty.CONFIRMED, "the filesystem under " + where + " is full: " + space,
          said, "free space on " + store.name() + " (at least " + HumanFormat.bytes(LOW_SPACE_BYTES) + ")");
    }
    return Finding.ok(Check.DISK, space, List.of());
  }

  // --- declared files ---

  private static List<Finding> files(DiagnosisSpec d, Subject s) {
    List<Finding> out = new ArrayList<>();
    List<String> output = concat(s.stderr(), s.stdout());
    for (Path declared : d.configFiles()) {
      Path f = asTheProcessSeesIt(s.spec(), declared);
      List<String> mentions = output.stream().filter(l -> l.contains(declared.toString()) || (f.getFileName() != null && l.contains(f.getFileName().toString())))
          .map(String::trim).limit(3).toList();
      boolean deniedSaid = mentions.stream().anyMatch(l -> PERMISSION_DENIED.matcher(l).find());
      if (!Files.exists(f)) {
        out.add(Finding.problem(Check.FILES, Certainty.CONFIRMED, "configuration file " + f + " does not exist", mentions,
            "create " + f + ", or correct the path " + s.spec().name() + " is given"));
        continue;
      }
      if (!Files.isRegularFile(f)) {
        out.add(Finding.problem(Check.FILES, Certainty.CONFIRMED, "configuration file " + f + " is not a regular file", concat(List.of(mode(f)), mentions),
            "point " + s.spec().name() + " at the file, not at " + f));
        continue;
      }
      boolean readableHere = Files.isReadable(f);
      boolean anyRead = true;
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
        anyRead = perms.contains(PosixFilePermission.OWNER_READ) || perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ);
      } catch (IOException | UnsupportedOperationException e) {
        // no POSIX modes here: the JVM's own access decides
      }
      if (!readableHere || !anyRead || deniedSaid) {
        String who = !readableHere ? "not readable by this JVM's user" : !anyRead ? "readable by no user but root" : "not readable by the process's user";
        out.add(Finding.problem(Check.FILES, !readableHere || deniedSaid ? Certainty.CONFIRMED : Certainty.LIKELY,
            "configuration file " + f + " is " + who + " (" + mode(f) + ")", concat(List.of(mode(f)), mentions),
            "make it readable by the user " + s.spec().name() + " runs as: chmod a+r " + f + " (or chown it to that user)"));
        continue;
      }
      out.add(Finding.ok(Check.FILES, "configuration file " + f + " is readable (" + mode(f) + ")", List.of()));
    }
    for (Path declared : d.writableDirectories()) {
      Path dir = asTheProcessSeesIt(s.spec(), declared);
      if (!Files.isDirectory(dir)) {
        out.add(Finding.problem(Check.FILES, Certainty.CONFIRMED, "directory " + dir + " does not exist", List.of(),
            "create it: mkdir -p " + dir));
      } else if (!Files.isWritable(dir)) {
        out.add(Finding.problem(Check.FILES, Certainty.CONFIRMED, "directory " + dir + " is not writable (" + mode(dir) + ")", List.of(mode(dir)),
            "make it writable by the user " + s.spec().name() + " runs as: chmod u+w " + dir + " (or chown it)"));
      } else {
        out.add(Finding.ok(Check.FILES, "directory " + dir + " is writable (" + mode(dir) + ")", List.of()));
      }
    }
    return out;
  }

  /**
   * A declared path as the process resolves it: a relative one against the process's working directory, or, when it
   * has none, against this JVM's (which the process inherits). Never judged against this JVM's silently.
   */
  static Path asTheProcessSeesIt(ProcessSpec spec, Path declared) {
    if (declared.isAbsolute()) {
      return declared;
    }
    return spec.workingDirectory().orElse(Path.of("")).toAbsolutePath().resolve(declared).normalize();
  }

  // --- configuration check ---

  private @Nullable Finding configCheck(ProcessSpec spec, @Nullable Path dir) throws IOException, InterruptedException {
    DiagnosisSpec d = spec.diagnosis();
    if (d.configCheck().isEmpty()) {
      return null;
    }
    String cmd = String.join(" ", d.configCheck());
    Path out = Files.createTempFile("vigil-configcheck-", ".out");
    CheckCommand check = null;
    Process p = null;
    try {
      ProcessBuilder pb = new ProcessBuilder(d.configCheck()).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (dir != null && Files.isDirectory(dir)) {
        pb.directory(dir.toFile());
      }
      pb.environment().clear();
      pb.environment().putAll(spec.environment().resolve(System.getenv()));
      try {
        check = CheckCommand.start(pb, null); // in a session of its own: what it leaves running is killed when it ends
        p = check.process();
      } catch (IOException e) {
        return Finding.problem(Check.CONFIGURATION, Certainty.LIKELY, "configuration check `" + cmd + "` could not be started", List.of(e.getMessage()),
            "correct the configuration check of " + spec.name() + ": " + d.configCheck().get(0) + " must be an executable program");
      }
      long t0 = System.nanoTime();
      boolean done = p.waitFor(d.configCheckTimeout().toNanos(), TimeUnit.NANOSECONDS);
      if (!done) {
        check.killTree();
        p.waitFor(5, TimeUnit.SECONDS);
        return Finding.unknown(Check.CONFIGURATION, "configuration check `" + cmd + "` did not finish within "
            + HumanFormat.duration(d.configCheckTimeout()) + "; it was killed (pid " + p.pid() + ")", tail(out));
      }
      List<String> lines = tail(out);
      String took = HumanFormat.duration(Duration.ofNanos(System.nanoTime() - t0));
      if (p.exitValue() == 0) {
        return Finding.ok(Check.CONFIGURATION, "configuration check `" + cmd + "` passed in " + took, lines);
      }
      // the check's own first error: the dynamic loader's warning of a library it cannot preload (LD_PRELOAD in the
      // process's environment) comes first in its output, and is the loader's, not the configuration's
      List<String> own = lines.stream().filter(l -> !l.startsWith(LOADER_LINE)).toList();
      List<String> said = own.isEmpty() ? lines : own;
      String first = said.stream().filter(l -> ERROR_LINE.matcher(l).find()).findFirst().orElse(said.isEmpty() ? "" : said.get(0));
      return Finding.problem(Check.CONFIGURATION, Certainty.CONFIRMED, "configuration check `" + cmd + "` failed (exit code " + p.exitValue() + ")"
          + (first.isEmpty() ? "" : ": " + first), lines, "fix the configuration" + (first.isEmpty() ? "" : " where it says: " + first)
          + ", then run `" + cmd + "` again");
    } finally {
      if (check != null) {
        // what it started in the background, wherever it was re-parented (a pass over /proc: a diagnosis is rare),
        // and the check itself if this thread was interrupted (the supervisor closed)
        check.killTree();
      }
      Files.deleteIfExists(out);
    }
  }

  private static List<String> tail(Path out) throws IOException {
    List<String> all = new ArrayList<>();
    byte[] bytes = Files.readAllBytes(out);
    for (String l : new String(bytes, 0, Math.min(bytes.length, 64 * 1024), StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        all.add(l.strip());
      }
    }
    return all.size() <= MAX_OUTPUT_LINES ? all : all.subList(all.size() - MAX_OUTPUT_LINES, all.size());
  }

  // --- ports ---

  private List<Finding> ports(ProcessSpec spec, Subject s) {
    List<String> inUseLines = matching(concat(s.stderr(), s.stdout()), ADDRESS_IN_USE);
    Set<Integer> named = new LinkedHashSet<>();
    for (String l : inUseLines) {
      Matcher m = PORT_IN_LINE.matcher(l);
      while (m.find()) {
        int port = Integer.parseInt(m.group(1));
        if (port > 0 && port < 65_536) {
          named.add(port);
        }
      }
    }
    Set<Integer> declared = new LinkedHashSet<>(spec.diagnosis().ports());
    for (HealthCheck c : spec.healthChecks()) {
      if (c.probe() instanceof HealthCheck.Probe.Tcp t && isLocalHost(t.host())) {
        declared.add(t.port());
      } else if (c.probe() instanceof HealthCheck.Probe.Http h && isLocalHost(h.uri().getHost())) {
        declared.add(port(h.uri()));
      }
    }
    Set<Integer> all = new LinkedHashSet<>(named);
    all.addAll(declared);
    List<Finding> out = new ArrayList<>();
    if (all.isEmpty()) {
      if (!inUseLines.isEmpty()) {
        out.add(Finding.problem(Check.PORTS, Certainty.LIKELY, "the output says an address was already in use, without naming the port",
            inUseLines, "declare the port of " + spec.name() + " (DiagnosisSpec.port) to have its holder named, or find it with `ss -ltnp`"));
      }
      return out;
    }
    Set<Long> ours = new LinkedHashSet<>();
    if (s.pid() > 0) {
      ours.add(s.pid());
      ProcessHandle.of(s.pid()).ifPresent(h -> h.descendants().forEach(d -> ours.add(d.pid())));
    }
    for (int port : all) {
      boolean saidInUse = named.contains(port) || (!inUseLines.isEmpty() && named.isEmpty());
      out.add(port(spec, port, saidInUse, inUseLines, ours, s));
    }
    return out;
  }

  /**
   * Nothing listens on {@code port} although the output said it was in use: sockets bound to it that do not listen
   * (connections in {@code TIME_WAIT} after an earlier listener closed or was killed with clients connected, or
   * connections a process still holds) keep a bind without {@code SO_REUSEADDR} from taking it. Null when there is none.
   */
  private @Nullable Finding lingering(ProcessSpec spec, int port, List<String> said) {
    List<ListeningSockets.Connection> conns;
    try {
      conns = sockets.connections(port);
    } catch (IOException e) {
      return null;
    }
    if (conns.isEmpty()) {
      return null;
    }
    List<String> ev = new ArrayList<>();
    conns.stream().limit(5).forEach(c -> ev.add(c.toString()));
    if (conns.size() > 5) {
      ev.add("and " + (conns.size() - 5) + " more");
    }
    Set<Long> inodes = new LinkedHashSet<>();
    conns.forEach(c -> {
      if (c.inode() != 0) {
        inodes.add(c.inode());
      }
    });
    Map<Long, ListeningSockets.Holder> holders = new LinkedHashMap<>();
    if (!inodes.isEmpty()) {
      for (ListeningSockets.Holder h : sockets.holders(inodes)) {
        holders.putIfAbsent(h.pid(), h);
      }
    }
    long timeWait = conns.stream().filter(c -> c.state().equals("TIME_WAIT")).count();
    String reuse = "set SO_REUSEADDR on the listening socket of " + spec.name() + " before its bind (most servers do)";
    ev.addAll(said);
    if (holders.isEmpty()) {
      String what = timeWait == conns.size() ? plural(conns.size(), "connection") + " in TIME_WAIT"
          : plural(conns.size(), "connection") + " (" + timeWait + " in TIME_WAIT)";
      return Finding.problem(Check.PORTS, Certainty.CONFIRMED, "nothing listens on port " + port + ", but " + what
          + " left on it by an earlier listener that closed or died with clients connected " + (conns.size() == 1 ? "keeps" : "keep")
          + " a bind without SO_REUSEADDR from"
          + " taking it, for up to 60 s after the close", ev,
          reuse + ", or make its restart wait longer than 60 s (its backoff)");
    }
    ListeningSockets.Holder h = holders.values().iterator().next();
    String cmd = abbreviate(io.github.vigil.HumanFormat.commandLine(h.commandLine()), 80);
    holders.values().forEach(o -> ev.add("held by pid " + o.pid() + " (" + io.github.vigil.HumanFormat.commandLine(o.commandLine()) + ")"));
    return Finding.problem(Check.PORTS, Certainty.CONFIRMED, "nothing listens on port " + port + ", but " + plural(conns.size(), "connection")
        + " on it, held by pid " + h.pid() + " (`" + cmd + "`), " + (conns.size() == 1 ? "keeps" : "keep")
        + " a bind without SO_REUSEADDR from taking it", ev,
        "stop it (kill " + h.pid() + "), or " + reuse);
  }

  private static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  private Finding port(ProcessSpec spec, int port, boolean saidInUse, List<String> inUseLines, Set<Long> ours, Subject s) {
    List<String> said = saidInUse ? inUseLines : List.of();
    if (sockets == null) {
      // a connect, never a bind: a bind could take the port from the process's own restart under way
      boolean free;
      try (java.net.Socket probe = new java.net.Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        free = false;
      } catch (IOException e) {
        free = true;
      }
      if (free) {
        return saidInUse ? Finding.unknown(Check.PORTS, "port " + port + " was in use when " + spec.name() + " started; nothing accepts connections on it now"
            + " (connections left in TIME_WAIT by an earlier listener keep a bind without SO_REUSEADDR from taking it for up to 60 s)", said)
            : Finding.ok(Check.PORTS, "port " + port + ": nothing accepts connections on 127.0.0.1", List.of());
      }
      if (s.pid() > 0 && !saidInUse) {
        return Finding.unknown(Check.PORTS, "port " + port + " accepts connections, from " + spec.name() + " or another process: this backend cannot tell which", List.of());
      }
      return Finding.problem(Check.PORTS, saidInUse ? Certainty.CONFIRMED : Certainty.LIKELY, "port " + port
          + " is in use by another process (this backend cannot tell which)", said,
          "find its holder (ss -ltnp 'sport = :" + port + "') and stop it, or change the port of " + spec.name());
    }
    List<ListeningSockets.Listener> listeners;
    try {
      listeners = sockets.listeners(port);
    } catch (IOException e) {
      return Finding.unknown(Check.PORTS, "port " + port + ": the socket tables cannot be read", List.of(e.toString()));
    }
    if (listeners.isEmpty()) {
      if (saidInUse) {
        Finding lingering = lingering(spec, port, said);
        if (lingering != null) {
          return lingering;
        }
      }
      return saidInUse ? Finding.unknown(Check.PORTS, "port " + port + " was in use when " + spec.name() + " started, and is free now: start it again", said)
          : Finding.ok(Check.PORTS, "port " + port + " is free", List.of());
    }
    Set<Long> inodes = new LinkedHashSet<>();
    listeners.forEach(l -> inodes.add(l.inode()));
    List<String> bound = listeners.stream().map(l -> l.local().getAddress().getHostAddress() + ":" + port).distinct().toList();
    if (!ours.isEmpty() && sockets.holderAmong(ours, inodes).isPresent()) {
      return Finding.ok(Check.PORTS, "port " + port + " is held by " + spec.name() + " itself (pid " + s.pid() + " or a descendant)", bound);
    }
    Map<Long, ListeningSockets.Holder> holders = new LinkedHashMap<>();
    for (ListeningSockets.Holder h : sockets.holders(inodes)) {
      holders.putIfAbsent(h.pid(), h);
    }
    Certainty certainty = saidInUse ? Certainty.CONFIRMED : Certainty.LIKELY;
    if (holders.isEmpty()) {
      return Finding.problem(Check.PORTS, certainty, "port " + port + " is held by a process whose descriptors cannot be read here",
          concat(bound, said), "find its holder (ss -ltnp 'sport = :" + port + "', as root) and stop it, or change the port of " + spec.name());
    }
    ListeningSockets.Holder h = holders.values().iterator().next();
    Optional<ProcessInspector.ProcessInfo> info = inspector == null ? Optional.empty() : inspector.process(h.pid());
    String cmd = info.map(ProcessInspector.ProcessInfo::commandLine).filter(c -> !c.isEmpty()).orElse(h.commandLine());
    String shown = io.github.vigil.HumanFormat.commandLine(cmd); // the finding's text is logged: a newline in an argument stays in its line
    StringBuilder who = new StringBuilder("pid ").append(h.pid()).append(" (`").append(abbreviate(shown, 80)).append('`');
    info.flatMap(ProcessInspector.ProcessInfo::started).ifPresent(t -> who.append(", since ").append(when(t)));
    info.map(ProcessInspector.ProcessInfo::user).filter(u -> !u.isEmpty()).ifPresent(u -> who.append(", user ").append(u));
    who.append(')');
    List<String> ev = new ArrayList<>(bound);
    ev.add("holder command line: " + shown);
    info.ifPresent(i -> ev.add("holder pid " + i.pid() + ", parent " + i.parentPid() + (i.supervisedAs().isPresent()
        ? ", a run of supervised process " + i.supervisedAs().get() : "")));
    holders.values().stream().skip(1).forEach(o -> ev.add("also held by pid " + o.pid() + " (" + io.github.vigil.HumanFormat.commandLine(o.commandLine()) + ")"));
    ev.addAll(said);
    // a run of this very process, by the backend's marker: an earlier run that outlived its supervisor
    boolean leftover = info.flatMap(ProcessInspector.ProcessInfo::supervisedAs).map(spec.name()::equals).orElse(false);
    if (leftover) {
      return Finding.problem(Check.PORTS, certainty, "port " + port + " is held by " + who + ", a leftover of an earlier run of " + spec.name(),
          ev, "kill the leftover (kill " + h.pid() + "): an earlier run of " + spec.name() + " outlived its supervisor, then start " + spec.name() + " again");
    }
    if (cmd.equals(String.join(" ", spec.command()))) { // the same command without the marker: a copy started elsewhere
      return Finding.problem(Check.PORTS, certainty, "port " + port + " is held by " + who + ", which runs the same command as " + spec.name()
          + " but was not started by a supervisor", ev, "stop the copy (kill " + h.pid() + ") and let the supervisor run " + spec.name()
          + ", or change the port of one of them");
    }
    return Finding.problem(Check.PORTS, certainty, "port " + port + " is held by " + who, ev,
        "stop it (kill " + h.pid() + ") or change the port of " + spec.name());
  }

  private static String when(Instant t) {
    java.time.ZonedDateTime z = t.atZone(ZoneId.systemDefault());
    return z.toLocalDate().equals(LocalDate.now(ZoneId.systemDefault())) ? TIME.format(z) : DATE_TIME.format(z);
  }

  private static boolean isLocalHost(@Nullable String host) {
    if (host == null) {
      return false;
    }
    if (host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]") || host.equals("0.0.0.0")) {
      return true;
    }
    try {
      return PortOwnership.isLocal(InetAddress.getByName(host));
    } catch (IOException e) {
      return false;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  // --- dependencies ---

  private static List<Finding> dependencies(ProcessSpec spec, Subject s) {
    List<Finding> out = new ArrayList<>();
    for (Dependency d : spec.dependencies()) {
      DependencyStatus sup = s.dependencies().get(d.name());
      if (sup == null) {
        out.add(Finding.problem(Check.DEPENDENCIES, Certainty.LIKELY, "dependency " + d.name() + " is not registered", List.of(),
            "register " + d.name() + " with the supervisor, or remove the dependency of " + spec.name() + " on it"));
        continue;
      }
      ProcessStatus st = sup.status();
      boolean up = st.state() == ProcessState.RUNNING;
      boolean healthy = st.health() == HealthState.HEALTHY;
      boolean met = d.condition() == Dependency.Condition.HEALTHY ? up && healthy : up;
      List<String> ev = new ArrayList<>();
      ev.add(d.name() + " is " + st.state() + (st.pid() > 0 ? " (pid " + st.pid() + ")" : "") + ", health " + st.health()
          + (st.detail().isEmpty() ? "" : ": " + st.detail()));
      st.lastExitInfo().ifPresent(x -> ev.add("its last run ended: " + x));
      if (met) {
        out.add(Finding.ok(Check.DEPENDENCIES, "dependency " + d.name() + " is " + st.state() + ", health " + st.health(), ev));
      } else {
        String what = up ? "RUNNING but " + st.health() : st.state().toString();
        // where the journal has the why: a start that failed is diagnosed; a run that ended has a crash report
        String why = st.lastExitInfo().map(x -> x.cause() == ExitCause.START_FAILED
            ? " (vigil diagnose " + d.name() + " says why it could not start)"
            : x.cause().isFailure() ? " (vigil crash " + d.name() + " --last says how its last run ended)" : "").orElse("");
        out.add(Finding.problem(Check.DEPENDENCIES, Certainty.LIKELY, "dependency " + d.name() + " is " + what + " (needs " + d.condition() + ")", ev,
            up ? "make " + d.name() + " healthy (see its health checks), or depend on it with condition STARTED"
                : "start " + d.name() + why + ", then " + spec.name()));
      }
    }
    return out;
  }

  // --- limits (portable part: the Linux inspector names the limits itself) ---

  private static final Pattern EMFILE = Pattern.compile("(?i)too many open files|EMFILE");
  private static final Pattern NO_MEMORY = Pattern.compile(
      "(?i)cannot allocate memory|\\bENOMEM\\b|out of memory|(?-i:\\bMemoryError\\b|OutOfMemoryError)|std::bad_alloc|memory allocation failed");
  // a JVM that cannot start a thread says OutOfMemoryError, but it hit a process or thread limit, not memory
  private static final Pattern EAGAIN_FORK = Pattern.compile(
      "(?i)(fork|clone|thread).*resource temporarily unavailable|cannot fork|EAGAIN.*fork|unable to create (new )?native thread");

  private static List<Finding> limits(ProcessSpec spec, Subject s) {
    List<Finding> out = new ArrayList<>();
    List<String> output = concat(s.stderr(), s.stdout());
    List<String> emfile = matching(output, EMFILE);
    if (!emfile.isEmpty()) {
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the descriptor limit (RLIMIT_NOFILE) was reached: the output says 'Too many open files'",
          emfile, "raise the descriptor limit of " + spec.name() + " (ulimit -n, LimitNOFILE of the service that starts this JVM)"));
    }
    if (s.exit() != null && s.exit().cause() == ExitCause.START_FAILED && EMFILE.matcher(s.exit().message()).find()) {
      // not the program's limit: this JVM could not get the descriptors of the start
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "this JVM's descriptor limit (RLIMIT_NOFILE) was reached: the start of "
          + spec.name() + " could not open its pipes ('Too many open files')", List.of("the start failed: " + s.exit().message()),
          "raise the descriptor limit of this JVM (LimitNOFILE of the service that starts it, ulimit -n), or find what holds its "
              + "descriptors (ls -l /proc/" + ProcessHandle.current().pid() + "/fd)"));
    }
    List<String> fork = matching(output, EAGAIN_FORK);
    if (!fork.isEmpty()) {
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the process limit was reached: the output says a fork failed", fork,
          "raise the process limit of " + spec.name() + " (ulimit -u, a cgroup's pids.max)"));
    }
    boolean oomKilled = s.exit() != null && s.exit().cause() == ExitCause.OOM_KILLED;
    List<String> noMemory = matching(output, NO_MEMORY).stream().filter(l -> !EAGAIN_FORK.matcher(l).find()).toList();
    if (!noMemory.isEmpty() && !oomKilled) {
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "memory could not be allocated: the output says '"
          + abbreviate(noMemory.get(noMemory.size() - 1), 80) + "'", noMemory, "raise the memory limit of " + spec.name()
          + " (ulimit -v where its command or what starts this JVM sets one, a cgroup's memory.max, -Xmx for a JVM), "
          + "or make it use less memory at start"));
    }
    if (s.exit() != null && s.exit().cause() == ExitCause.OOM_KILLED) {
      out.add(Finding.problem(Check.LIMITS, Certainty.CONFIRMED, "the kernel's out-of-memory killer killed it" + s.exit().memoryAtDeath().stream()
          .mapToObj(b -> " at " + HumanFormat.bytes(b) + " resident").findFirst().orElse(""), List.of(s.exit().toString()),
          "raise the memory limit of " + spec.name() + ", or make it use less memory"));
    }
    if (out.isEmpty()) {
      out.add(Finding.ok(Check.LIMITS, "no limit hit shows in its exit or output", List.of()));
    }
    return out;
  }

  // --- exit and output ---

  private static @Nullable Finding exit(Subject s) {
    ExitInfo x = s.exit();
    if (x == null || x.cause() == ExitCause.START_FAILED) {
      return x == null ? null : Finding.problem(Check.EXIT, Certainty.POSSIBLE, "the run could not be started: " + x.message(), List.of(x.toString()),
          "act on what the start failure says: " + x.message());
    }
    String meaning = "";
    if (x.termination() instanceof Termination.Exited e) {
      meaning = switch (e.code()) {
        case 126 -> "126 usually means the program was found but could not be executed (permission, format)";
        case 127 -> "127 usually means a program or a shared library was not found";
        case 2 -> "2 usually means a usage or configuration error";
        default -> "";
      };
    }
    if (!x.cause().isFailure()) {
      return Finding.ok(Check.EXIT, "the run ended " + x, List.of());
    }
    String fix = x.cause() == ExitCause.OOM_KILLED // killed before it could print why: the limits finding names the limit
        ? "raise the memory limit of " + s.spec().name() + ", or make it use less memory: the kernel's OOM killer ended it"
        : s.stderr().isEmpty() && s.stdout().isEmpty()
        ? "it printed nothing: run its command by hand, as the same user and in the same directory, to see why"
        : "read the highlighted output lines; they usually say why";
    return Finding.problem(Check.EXIT, Certainty.POSSIBLE, "the run ended " + x, meaning.isEmpty() ? List.of() : List.of(meaning), fix);
  }

  private static Finding output(Subject s) {
    List<String> lines = new ArrayList<>();
    for (String l : s.stderr()) {
      if (ERROR_LINE.matcher(l).find()) {
        lines.add("stderr: " + l.strip());
      }
    }
    for (String l : s.stdout()) {
      if (ERROR_LINE.matcher(l).find()) {
        lines.add("stdout: " + l.strip());
      }
    }
    if (lines.isEmpty() && !s.stderr().isEmpty() && s.exit() != null && s.exit().cause() != ExitCause.START_FAILED
        && s.exit().cause().isFailure()) {
      // a failed run that says why in words no pattern knows ("API_KEY: parameter not set"): its last words on stderr
      List<String> tail = s.stderr().subList(Math.max(0, s.stderr().size() - MAX_OUTPUT_LINES), s.stderr().size());
      List<String> shown = tail.stream().map(l -> "stderr: " + l.strip()).toList();
      return Finding.problem(Check.OUTPUT, Certainty.POSSIBLE, "no line of its output looks like an error; the last: "
          + shown.get(shown.size() - 1), shown, "read these lines: the last one may name what " + s.spec().name() + " could not do");
    }
    if (lines.isEmpty()) {
      return Finding.ok(Check.OUTPUT, "no line of its output looks like an error (" + s.stderr().size() + " stderr, " + s.stdout().size()
          + " stdout lines kept)", List.of());
    }
    List<String> last = lines.size() <= MAX_OUTPUT_LINES ? lines : lines.subList(lines.size() - MAX_OUTPUT_LINES, lines.size());
    return Finding.problem(Check.OUTPUT, Certainty.POSSIBLE, (lines.size() == 1 ? "1 line of its output looks like an error: " : lines.size() + " lines of its output look like errors; the last: ")
        + last.get(last.size() - 1), last, "read these lines: the last one usually names what " + s.spec().name() + " could not do");
  }

  private static List<String> matching(List<String> lines, Pattern p) {
    return lines.stream().filter(l -> p.matcher(l).find()).map(String::strip).distinct().toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String abbreviate(String s, int max) {
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max - 1) + "\u2026";
  }
}
