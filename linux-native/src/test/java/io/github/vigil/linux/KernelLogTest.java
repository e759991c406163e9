package io.github.vigil.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelLogTest {
  @Test
  void recordTimeStamp() {
    assertEquals(1481725624L, KernelLog.micros("3,2291,1481725624,-;Memory cgroup out of memory: Killed process 1 (x)"));
    assertEquals(5L, KernelLog.micros("6,1,5,c;text, with, commas"));
    assertEquals(-1L, KernelLog.micros("garbage"));
  }
}
