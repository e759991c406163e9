package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 1, against a real nginx (Debian's, installed by .ci/install.d/nginx-redis): nginx
 * rewrites its environment block, so the {@code VIGIL_RUN_ID} marker is gone from its master and
 * workers. After {@code kill -9} of the master, its orphaned workers used to survive restart, stop and
 * close, and the new master failed with {@code bind() ... (98: Address already in use)} while the orphans
 * answered. The JDK backend now runs each child in a session of its own and finds descendants by
 * session.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkNginxTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  @TempDir
  Path dir;

  @Test
  void nginxWorkersOrphanedByAKilledMasterGoWithItAndTheNewMasterBinds() throws Exception {
    assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (.ci/install.d/nginx-redis installs it)");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, String.join("\n",
        "daemon off;", "master_process on;", "worker_processes 2;", "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " notice;", "events { worker_connections 64; }",
        "http {", "  access_log off;", "  client_body_temp_path " + dir.resolve("body") + ";", "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";", "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  server { listen 127.0.0.1:" + port + "; location / { return 200 \"ok\\n\"; } }", "}", ""));
    try (Supervisor sup = Supervisor.builder().name("nginx-jdk").backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController nginx = sup.register(ProcessSpec.builder("nginx")
          .command(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(), "-e", dir.resolve("error.log").toString())
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMillis(200))))
          .startupGrace(Duration.ofMillis(200)).build());
      nginx.start();
      rec.awaitState("nginx", ProcessState.RUNNING, 1, WAIT);
      long master = nginx.status().pid();
      List<Long> workers = awaitWorkers(master);
      assertThat(workers).hasSize(2);
      for (long w : workers) {
        byte[] env = Files.readAllBytes(Path.of("/proc/" + w + "/environ"));
        assumeTrue(!new String(env, StandardCharsets.ISO_8859_1).contains(JdkProcessBackend.RUN_ID_VARIABLE + "="),
            "this nginx kept its environment: the case under test (an erased marker) does not arise");
      }
      assertThat(get(port)).isEqualTo("ok\n");

      Processes.kill(master, "KILL");
      rec.awaitState("nginx", ProcessState.RUNNING, 2, WAIT);
      assertThat(Processes.eventually(WAIT, () -> workers.stream().noneMatch(w -> ProcessHandle.of(w).map(h -> h.isAlive() && !Processes.isZombie(w)).orElse(false))))
          .as("the orphaned workers %s are killed with their master", workers).isTrue();
      long newMaster = nginx.status().pid();
      assertThat(newMaster).isNotEqualTo(master);
      List<Long> newWorkers = awaitWorkers(newMaster);
      assertThat(newWorkers).as("the new master bound its port and forked workers").hasSize(2).doesNotContainAnyElementsOf(workers);
      assertThat(get(port)).isEqualTo("ok\n");
      assertThat(rec.of(SupervisorEvent.Exited.class, "nginx")).as("one exit: the kill, no bind failure after it").hasSize(1);
      assertThat(Files.readString(dir.resolve("error.log"))).doesNotContain("Address already in use");

      nginx.stop(WAIT);
      assertThat(Processes.eventually(WAIT, () -> Processes.withMarker(conf.toString()).isEmpty()))
          .as("nothing of nginx left after stop: %s", Processes.withMarker(conf.toString())).isTrue();
    } finally {
      for (ProcessHandle h : Processes.withMarker(conf.toString())) {
        h.destroyForcibly();
      }
    }
  }

  /** The master's two workers, once it has forked them. */
  private static List<Long> awaitWorkers(long master) throws InterruptedException {
    Processes.eventually(WAIT, () -> ProcessHandle.of(master).map(h -> h.children().count() >= 2).orElse(false));
    return ProcessHandle.of(master).map(h -> h.children().map(ProcessHandle::pid).toList()).orElse(List.of());
  }

  private static String get(int port) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try {
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }
}
