package io.github.vigil.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this machine offers the Linux backend, found once per JVM: kernel, cgroup layout, the
 * {@code setpriv} that gives children a death signal, whether this JVM is a child subreaper.
 *
 * <p>System properties: {@code vigil.linux.setpriv} (a path, or {@code none} to run children without
 * a death signal), {@code vigil.linux.subreaper} ({@code false} to leave the JVM's orphan handling
 * alone), {@code vigil.linux.cgroups} ({@code false} to run without per-run cgroups),
 * {@code vigil.linux.odd-names-shell} (where a shell that keeps every environment name is looked for when
 * {@code /bin/sh} does not: colon-separated paths, {@code /bin/bash:/usr/bin/bash} by default, or {@code none}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param kernel the kernel release
 * @param cgroupLayout where this JVM's cgroups are
 * @param setpriv the util-linux {@code setpriv} with {@code --pdeathsig}, or null
 * @param shell {@code /bin/sh}, which runs the wrapper that joins cgroups and checks that the JVM lives, or null
 * @param subreaper whether this JVM adopts orphans, so that the backend must reap them: a child subreaper, or pid 1 of
 *     its pid namespace (a container's {@code java -jar app.jar}), which adopts every orphan there whatever
 *     {@code vigil.linux.subreaper} says
 * @param clockTicks clock ticks per second ({@code /proc} times)
 * @param notes what was missing and what the backend does instead
 */
record HostFacts(
    String kernel, CgroupLayout cgroupLayout, @Nullable String setpriv, @Nullable String shell, boolean subreaper, long clockTicks, String notes) {
  private static final Logger log = LoggerFactory.getLogger(HostFacts.class);
  private static @Nullable HostFacts detected;

  private static int openBackends; // guarded by HostFacts.class
  private static boolean subreaperAllowed = true; // guarded by HostFacts.class: false by vigil.linux.subreaper=false

  /**
   * A backend opened: the JVM is a child subreaper again if the last backend's close ended it. The reaping of adopted
   * orphans is the backends' event loops': with none open, orphans must go to init, not pile up as zombies here.
   */
  static synchronized void backendOpened(HostFacts facts) {
    if (openBackends++ == 0 && facts.subreaper() && subreaperAllowed && !Kernel.isChildSubreaper()) {
      Kernel.setChildSubreaper(true);
    }
  }

  /**
   * A backend closed: after the last, the JVM is no child subreaper any more, as nothing reaps what it adopts (a host
   * that built and closed 300 supervisors had 174 zombies: the orphans of exec health checks, adopted after the close).
   */
  static synchronized void backendClosed(HostFacts facts) {
    if (--openBackends == 0 && facts.subreaper() && subreaperAllowed) {
      try {
        Kernel.setChildSubreaper(false);
      } catch (NativeCallException e) {
        log.warn("Cannot stop being a child subreaper after the last Linux backend closed: {}", e.getMessage());
      }
    }
  }

  /** Backends open in this JVM now. */
  static synchronized int openBackends() {
    return openBackends;
  }

  /** Finds the facts (once per JVM) and makes this JVM a child subreaper unless told not to. */
  static synchronized HostFacts detect() {
    if (detected != null) {
      return detected;
    }
    StringBuilder notes = new StringBuilder();
    String setpriv = findSetpriv(notes);
    boolean subreaper = false;
    if (Boolean.parseBoolean(System.getProperty("vigil.linux.subreaper", "true"))) {
      try {
        Kernel.becomeChildSubreaper();
        subreaper = Kernel.isChildSubreaper();
      } catch (NativeCallException e) {
        subreaperAllowed = false; // refused: not tried again when a backend opens
        notes.append("; not a child subreaper (").append(e.getMessage()).append("): orphaned descendants go to init");
      }
    } else {
      subreaperAllowed = false;
      notes.append("; child subreaper off by vigil.linux.subreaper=false");
    }
    if (!subreaper && Kernel.pid() == 1) {
      // the init of its pid namespace (a container's JVM): every orphan there is re-parented to it all the same, and
      // nothing but the backend's sweep reaps one; taken for no reaper, the leftovers the backend kills stayed zombies
      subreaper = true;
      notes.append("; pid 1 of its pid namespace: adopts every orphan there all the same, and reaps them");
    }
    if (!Spawner.closesInheritedDescriptors()) {
      notes.append("; C library lacks posix_spawn_file_actions_addclosefrom_np: each start lists this JVM's open descriptors "
          + "for the child to close (one opened by another thread during a start is inherited)");
    }
    long coreSoft = Kernel.coreLimit()[0];
    notes.append("; core dumps ").append(coreSoft == 0 ? "off for children unless they raise RLIMIT_CORE (soft limit 0)"
        : coreSoft < 0 ? "allowed (RLIMIT_CORE unlimited)" : "up to " + coreSoft + " bytes (RLIMIT_CORE)");
    String shell = Files.isExecutable(Path.of("/bin/sh")) ? "/bin/sh" : null;
    CgroupLayout layout = CgroupLayout.detect();
    if (shell == null) {
      notes.append("; no /bin/sh: no per-run cgroups and no JVM check after setpriv");
      layout = new CgroupLayout(null, null, null);
    }
    detected = new HostFacts(System.getProperty("os.version", "?"), layout, setpriv, shell, subreaper,
        Kernel.clockTicksPerSecond(), notes.toString());
    return detected;
  }

  /** Per shell: whether it passes on a name that is not a shell identifier; absent where running it told nothing. */
  private static final java.util.Map<String, java.util.Optional<Boolean>> PASSES_ODD_NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Whether {@code shell} leaves out of the environment it passes on a variable whose name is not a shell identifier
   * ({@code my-var}, bash's exported functions {@code BASH_FUNC_f%%}): dash does, bash does not. Found once per shell
   * and JVM by running it (a few milliseconds), only when a run has such a name; false where that run failed.
   */
  static boolean shellDropsOddNames(String shell) {
    return passesOddNames(shell).map(passes -> !passes).orElse(false); // not known: no warning rather than a wrong one
  }

  /** The value of {@value #ODD_NAMES_SHELLS_PROPERTY}, or its default. */
  static String oddNamesShells() {
    return System.getProperty(ODD_NAMES_SHELLS_PROPERTY, ODD_NAMES_SHELLS_DEFAULT);
  }

  private static java.util.Optional<Boolean> passesOddNames(String shell) {
    return PASSES_ODD_NAMES.computeIfAbsent(shell, sh -> {
      try {
        ProcessBuilder pb = new ProcessBuilder(sh, "-c", "exec env").redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("vigil-probe", "1");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) { // its few lines fit in the pipe: read once it has ended
          p.destroyForcibly().waitFor();
          return java.util.Optional.empty();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.exitValue() == 0 ? java.util.Optional.of(out.contains("vigil-probe=1")) : java.util.Optional.empty();
      } catch (IOException | RuntimeException e) {
        return java.util.Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return java.util.Optional.empty();
      }
    });
  }

  /** Where a shell that keeps every environment name is looked for when {@code /bin/sh} does not (dash). */
  static final String ODD_NAMES_SHELLS_PROPERTY = "vigil.linux.odd-names-shell";
  private static final String ODD_NAMES_SHELLS_DEFAULT = "/bin/bash:/usr/bin/bash";

  /**
   * The shell to run a wrapper with for a run whose environment has a name that is not a shell identifier:
   * {@code shell} itself where it keeps such names, else the first executable of {@value #ODD_NAMES_SHELLS_PROPERTY}
   * (a colon-separated list of paths, {@code /bin/bash:/usr/bin/bash} by default, {@code none} for no other) that
   * keeps them; null where none does. Each shell is run once per JVM to know.
   */
  static @Nullable String shellKeepingOddNames(String shell) {
    if (!shellDropsOddNames(shell)) {
      return shell;
    }
    String candidates = oddNamesShells();
    if (candidates.equals("none")) {
      return null;
    }
    for (String candidate : candidates.split(":")) {
      if (!candidate.isEmpty() && Path.of(candidate).isAbsolute() && Files.isExecutable(Path.of(candidate))
          && passesOddNames(candidate).orElse(false)) {
        return candidate;
      }
    }
    return null;
  }

  private static @Nullable String findSetpriv(StringBuilder notes) {
    String configured = System.getProperty("vigil.linux.setpriv");
    if ("none".equals(configured)) {
      notes.append("; no death signal (vigil.linux.setpriv=none)");
      return null;
    }
    for (String candidate : configured != null ? new String[] {configured} : new String[] {"/usr/bin/setpriv", "/bin/setpriv"}) {
      if (Files.isExecutable(Path.of(candidate)) && supportsPdeathsig(candidate)) {
        return candidate;
      }
    }
    notes.append("; no setpriv with --pdeathsig (util-linux 2.33+): children outlive a crashed JVM until the next start on the same state directory");
    return null;
  }

  private static boolean supportsPdeathsig(String setpriv) {
    try {
      Process p = new ProcessBuilder(setpriv, "--help").redirectErrorStream(true).start();
      String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      return help.contains("--pdeathsig");
    } catch (IOException e) {
      log.debug("Cannot run {}: {}", setpriv, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** One line for the start-up log, for a backend without a guardian. */
  String describe() {
    return describe(false);
  }

  /**
   * One line for the start-up log.
   *
   * @param guarded whether a {@link Guardian} takes the death signal's place: then no run gets one, whatever
   *     {@code setpriv} this machine has
   */
  String describe(boolean guarded) {
    String deathSignal = guarded ? "none per run (a guardian kills the runs' cgroups"
        + (setpriv != null ? "; " + setpriv + " unused)" : ")")
        : setpriv != null ? "via " + setpriv + " --pdeathsig KILL" : "none";
    return "kernel " + kernel + ", pidfd yes (pidfd_open, pidfd_send_signal, waitid P_PIDFD), death signal "
        + deathSignal + ", child subreaper " + (subreaper ? "on" : "off") + ", cgroups " + cgroupLayout.describe() + notes;
  }
}
