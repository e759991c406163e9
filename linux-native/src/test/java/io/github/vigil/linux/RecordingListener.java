package io.github.vigil.linux;

import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import io.github.vigil.spi.ProcessListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Records what a backend reports about one run: output per stream, the exit, and whether output came after it. */
final class RecordingListener implements ProcessListener {
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  final CompletableFuture<Termination> exit = new CompletableFuture<>();
  volatile boolean oomKilled;
  volatile long memoryAtDeath = -2;
  volatile int exitCalls;
  volatile Thread outputThread;
  volatile Thread exitThread;
  volatile long bytesAtExit = -1;

  @Override
  public synchronized void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
    outputThread = Thread.currentThread();
    (stream == StdStream.STDOUT ? stdout : stderr).write(buffer, offset, length);
  }

  @Override
  public synchronized void onExit(Termination termination) {
    exitCalls++;
    exitThread = Thread.currentThread();
    bytesAtExit = stdout.size() + stderr.size();
    exit.complete(termination);
  }

  @Override
  public synchronized void onOomKill(Termination termination, long memoryAtDeathBytes) {
    oomKilled = true;
    memoryAtDeath = memoryAtDeathBytes;
    onExit(termination);
  }

  Termination awaitExit(Duration timeout) throws Exception {
    return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  synchronized String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }
}
