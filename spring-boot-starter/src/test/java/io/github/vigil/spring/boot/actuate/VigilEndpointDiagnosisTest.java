package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.diagnosis.Diagnosis;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** The {@code vigil} endpoint's diagnosis and tree views on real processes. */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class VigilEndpointDiagnosisTest {

  @Test
  void diagnosisViewRunsADiagnosisAndTreeViewListsTheRun(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("bin/feed");
    try (Supervisor supervisor = Supervisor.builder().name("endpoint-diagnosis").build()) {
      supervisor.register(ProcessSpec.builder("broken").command(missing.toString()).restartPolicy(RestartPolicy.never()).autoStart(false).build());
      supervisor.register(ProcessSpec.builder("sleeper").command("/bin/sh", "-c", "exec sleep 600").startupGrace(Duration.ZERO).build());
      long sleeperPid = supervisor.controller("sleeper").orElseThrow().start(Duration.ofSeconds(30)).pid();
      // RUNNING comes with the spawn, while the wrappers in front may still be exec-ing (CI on 06e6dd9, JDK 25, read
      // an empty command line there): the tree view is asked once the run is sleep
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> Processes.runs(sleeperPid, "sleep")))
          .as("pid %d runs sleep", sleeperPid).isTrue();
      VigilEndpoint endpoint = new VigilEndpoint(supervisor, Set.of(), Duration.ofSeconds(30), 10);

      WebEndpointResponse<Object> diagnosis = endpoint.view("broken", "diagnosis");
      assertThat(diagnosis.getStatus()).isEqualTo(200);
      VigilEndpoint.DiagnosisDescriptor d = (VigilEndpoint.DiagnosisDescriptor) diagnosis.getBody();
      assertThat(d.trigger()).isEqualTo("ON_DEMAND");
      assertThat(d.findings().get(0).check()).isEqualTo("PROGRAM");
      assertThat(d.findings().get(0).status()).isEqualTo("PROBLEM");
      assertThat(d.headline()).contains(missing.toString());

      WebEndpointResponse<Object> tree = endpoint.view("sleeper", "tree");
      assertThat(tree.getStatus()).isEqualTo(200);
      @SuppressWarnings("unchecked")
      List<VigilEndpoint.TreeMemberDescriptor> members = (List<VigilEndpoint.TreeMemberDescriptor>) tree.getBody();
      assertThat(members).isNotEmpty();
      assertThat(members.get(0).pid()).isEqualTo(supervisor.controller("sleeper").orElseThrow().status().pid());
      assertThat(members.get(0).commandLine()).contains("sleep");

      assertThat(endpoint.view("nobody", "diagnosis").getStatus()).isEqualTo(404);
      assertThat(endpoint.view("broken", "nonsense").getStatus()).isEqualTo(404);
    }
  }

  /**
   * The failure's log line says the cause found and its fix, once (quiet logs: a missing binary is not said
   * again, the failed start's own line names it).
   */
  @Test
  void aFailedStartIsLoggedWithItsCauseAndFix() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("io.github.vigil");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (java.net.ServerSocket held = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Supervisor supervisor = Supervisor.builder().name("endpoint-log").build()) {
      int port = held.getLocalPort();
      CompletableFuture<Diagnosis> diagnosed = new CompletableFuture<>();
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Diagnosed d) {
          diagnosed.complete(d.diagnosis());
        }
      });
      supervisor.register(ProcessSpec.builder("web").command("/bin/sh", "-c", "echo \"bind() to 127.0.0.1:" + port
          + " failed (98: Address already in use)\" >&2; exit 1").restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30))
          .build()).start();
      Diagnosis d = diagnosed.get(30, TimeUnit.SECONDS);
      assertThat(d.trigger()).isEqualTo(Diagnosis.Trigger.EARLY_EXIT);
      assertThat(supervisor.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(lines.list).map(ILoggingEvent::getFormattedMessage).filteredOn(m -> m.startsWith("Process web could not start: "))
          .singleElement().satisfies(m -> assertThat(m).contains("port " + port, "change the port of web"));
    } finally {
      logger.detachAppender(lines);
    }
  }
}
