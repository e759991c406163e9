package io.github.vigil;

/** The core acceptance tests on the portable JDK backend. */
class JdkBackendContractTest extends BackendContractTest {
  @Override
  protected String backendName() {
    return "jdk";
  }
}
