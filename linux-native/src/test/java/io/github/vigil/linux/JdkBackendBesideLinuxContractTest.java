package io.github.vigil.linux;

import io.github.vigil.BackendContractTest;
import io.github.vigil.Supervisor;
import org.junit.jupiter.api.BeforeAll;

/**
 * The core acceptance tests on the JDK backend, in a JVM that the Linux backend has made a child
 * subreaper: orphans of JDK-backend children are then re-parented to this JVM and stay zombies
 * (nobody reaps them by pid), and stops and crashes must still not wait for them.
 */
class JdkBackendBesideLinuxContractTest extends BackendContractTest {

  @BeforeAll
  static void makeThisJvmASubreaper() {
    Supervisor.builder().name("subreaper").backend("linux").build().close();
  }

  @Override
  protected String backendName() {
    return "jdk";
  }
}
