package io.github.vigil.linux;

import io.github.vigil.BackendContractTest;

/** The core acceptance tests (restart, tree stop, 10 MB output, start failures, close) on the Linux backend. */
class LinuxBackendContractTest extends BackendContractTest {
  @Override
  protected String backendName() {
    return "linux";
  }
}
