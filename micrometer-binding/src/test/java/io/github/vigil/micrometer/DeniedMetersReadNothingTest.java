package io.github.vigil.micrometer;

import static io.github.vigil.testing.Processes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 18: the binding asks the sampler only for the fields of the meters some registry keeps. A meter a
 * {@link MeterFilter} denied reads nothing, so the {@code /proc} files only it needed are not read at all: checked
 * on a real process through the files the Linux sampler keeps open (from a process's second sample on, each file
 * it reads stays open in this JVM).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class DeniedMetersReadNothingTest {

  /** Keeps CPU, the resident memory, threads and states; denies the meters of status, io, fd/ and limits. */
  private static final MeterFilter LEAN = MeterFilter.deny(id -> switch (id.getName()) {
    case "vigil.process.context.switches", "vigil.process.io", "vigil.process.files.open", "vigil.process.files.max",
        "vigil.process.files.worst.ratio" -> true;
    case "vigil.process.memory" -> !"resident".equals(id.getTag("memtype"));
    default -> false;
  });

  @Test
  void fieldsOfDeniedMetersAreNotSampledAndTheirFilesAreNotRead() throws Exception {
    try (Supervisor supervisor = LinuxSupervisors.linux("denied-meters")) {
      supervisor.register(ProcessSpec.builder("sleeper").command("sleep", "300").startupGrace(Duration.ZERO).build());
      ProcessController sleeper = supervisor.controller("sleeper").orElseThrow();
      assertThat(sleeper.start().toCompletableFuture().get(30, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.RUNNING);
      long pid = sleeper.status().pid();

      SimpleMeterRegistry lean = new SimpleMeterRegistry();
      lean.config().meterFilter(LEAN);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofMillis(20)).build()) {
        metrics.bindTo(lean);
        ProcessProbe probe = metrics.probe("sleeper");
        assertThat(probe).isNotNull();
        assertThat(probe.fields()).contains(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_PERCENT, Field.MEMORY_RESIDENT,
            Field.THREADS, Field.THREAD_STATES, Field.PROCESS_STATES, Field.START_TIME).doesNotContain(Field.VOLUNTARY_SWITCHES,
            Field.INVOLUNTARY_SWITCHES, Field.MEMORY_SWAPPED, Field.MEMORY_VIRTUAL, Field.MEMORY_PROPORTIONAL, Field.READ_BYTES,
            Field.WRITE_BYTES, Field.OPEN_FDS, Field.FD_LIMIT, Field.WORST_FD_RATIO, Field.USER);

        // a few intervals of readings: the sampler keeps open what it reads, and only that
        assertThat(eventually(Duration.ofSeconds(20), () -> {
          resident(lean);
          return heldOpen(pid).contains("statm");
        })).as("statm kept open; held: %s", heldOpen(pid)).isTrue();
        assertThat(heldOpen(pid)).as("the files of the kept meters only").containsExactlyInAnyOrder("stat", "statm",
            "task/" + pid + "/children");
        long vmRss = vmRssBytes(pid); // sleep's memory holds still
        assertThat(resident(lean)).as("the exact resident memory, from statm").isEqualTo(vmRss);
        assertThat(lean.find("vigil.process.context.switches").meters()).isEmpty();

        // a registry that keeps every meter adds their fields: status, io and fd/ are read from then on
        PrometheusMeterRegistry all = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bindTo(all);
        assertThat(probe.fields()).contains(Field.VOLUNTARY_SWITCHES, Field.MEMORY_SWAPPED, Field.READ_BYTES, Field.OPEN_FDS);
        assertThat(eventually(Duration.ofSeconds(20), () -> {
          all.scrape();
          return heldOpen(pid).containsAll(List.of("status", "io", "fd"));
        })).as("held: %s", heldOpen(pid)).isTrue();
        assertThat(all.get("vigil.process.context.switches").tags("process", "sleeper", "ctxswitchtype", "voluntary")
            .functionCounter().count()).as("read from status").isNotNaN();
      }
    }
  }

  /**
   * A reading loaded for the meters of one registry serves its interval; a registry bound within that interval keeps
   * meters that read more fields, and those must not read NaN until the interval ends (CI saw it: a scrape under
   * way while an attachment's meters were being registered cached a reading without the descriptor count).
   */
  @Test
  void metersRegisteredWithinAnIntervalReadTheirFieldsAtOnce() throws Exception {
    try (Supervisor supervisor = LinuxSupervisors.linux("late-meters")) {
      supervisor.register(ProcessSpec.builder("sleeper").command("sleep", "300").startupGrace(Duration.ZERO).build());
      ProcessController sleeper = supervisor.controller("sleeper").orElseThrow();
      long pid = sleeper.start().toCompletableFuture().get(30, TimeUnit.SECONDS).pid();
      // RUNNING comes with the spawn; the wrappers in front may still be exec-ing into sleep, at a few pages resident.
      // Its comm reads sleep from the exec on, before the loader has mapped its libraries (77,824 bytes resident, seen
      // on a loaded machine): the one reading of this hour must come once it has
      assertThat(eventually(Duration.ofSeconds(20), () -> Processes.runs(pid, "sleep") && residentAbove(pid, 100_000)))
          .as("pid %d runs sleep, its libraries loaded", pid).isTrue();

      SimpleMeterRegistry lean = new SimpleMeterRegistry();
      lean.config().meterFilter(LEAN);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofHours(1)).build()) {
        metrics.bindTo(lean);
        assertThat(resident(lean)).as("read for the lean meters; this reading serves an hour").isGreaterThan(100_000);

        PrometheusMeterRegistry all = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bindTo(all);
        assertThat(all.get("vigil.process.files.open").tags("process", "sleeper").gauge().value())
            .as("open descriptors, a field the lean reading did not ask for").isGreaterThanOrEqualTo(3);
        assertThat(all.get("vigil.process.context.switches").tags("process", "sleeper", "ctxswitchtype", "voluntary")
            .functionCounter().count()).isNotNaN();
        assertThat(resident(lean)).as("the lean registry reads the new reading too").isGreaterThan(100_000);
      }
    }
  }

  private static double resident(SimpleMeterRegistry registry) {
    return registry.get("vigil.process.memory").tags("process", "sleeper", "memtype", "resident").gauge().value();
  }

  /** The files of {@code /proc/PID/} this JVM holds open, relative to that directory. */
  private static List<String> heldOpen(long pid) {
    return io.github.vigil.testing.Processes.procFilesHeldOpen(pid);
  }

  private static boolean residentAbove(long pid, long bytes) {
    try {
      return vmRssBytes(pid) > bytes;
    } catch (IOException e) {
      return false;
    }
  }

  private static long vmRssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }
}
