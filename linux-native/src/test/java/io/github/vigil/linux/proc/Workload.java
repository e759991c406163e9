package io.github.vigil.linux.proc;

import java.io.FileOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A child program with known resources: {@code Workload FILES THREADS}: opens FILES files, starts
 * THREADS parked threads, listens on a loopback TCP port and connects to it, then prints
 * {@code ready PORT} and waits for its standard input to close.
 */
public final class Workload {
  public static void main(String[] args) throws Exception {
    int files = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    List<AutoCloseable> keep = new ArrayList<>();
    Path dir = Path.of(System.getProperty("workload.dir")); // its parent's, which deletes it: this JVM ends by SIGKILL
    for (int i = 0; i < files; i++) {
      FileOutputStream out = new FileOutputStream(dir.resolve("f" + i).toFile());
      out.write(new byte[4096]);
      out.getFD().sync();
      keep.add(out);
    }
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "parked-" + i);
      t.setDaemon(true);
      t.start();
    }
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    Socket accepted = server.accept();
    keep.add(server);
    keep.add(client);
    keep.add(accepted);
    System.out.println("ready " + server.getLocalPort() + " " + client.getLocalPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to close our input
    }
    for (AutoCloseable c : keep) {
      c.close();
    }
  }
}
