package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Supervisor#awaitDelivered}: waits for the one listener's queue, not for the others; refuses on a listener's
 * thread; true at once for a listener not subscribed and after the close.
 */
@Timeout(60)
class AwaitDeliveredTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void waitsUntilThatListenerHeardWhatWasPublishedAndNotForTheOthers() throws Exception {
    ExecutorService listenerThreads = Executors.newFixedThreadPool(2);
    CountDownLatch slowGoesOn = new CountDownLatch(1);
    CountDownLatch otherGoesOn = new CountDownLatch(1);
    try (Supervisor sup = Supervisor.builder().name("delivered").backend("jdk").listenerExecutor(listenerThreads).build()) {
      List<SupervisorEvent> heard = new CopyOnWriteArrayList<>();
      SupervisorListener slow = e -> {
        await(slowGoesOn);
        heard.add(e);
      };
      sup.subscribe(slow);
      sup.subscribe(e -> await(otherGoesOn)); // held until the end: awaitDelivered(slow) does not wait for it
      sup.register(ProcessSpec.builder("a").command("sleep", "600").build());

      Thread waiter = Thread.currentThread();
      Thread releaser = new Thread(() -> { // once the caller waits, as late as can be
        while (slowGoesOn.getCount() > 0 && !waitsInAwaitDelivered(waiter)) {
          try {
            Thread.sleep(5);
          } catch (InterruptedException x) {
            return;
          }
        }
        slowGoesOn.countDown();
      });
      releaser.setDaemon(true);
      releaser.start();
      try {
        assertThat(sup.awaitDelivered(slow, WAIT)).isTrue();
        assertThat(heard).as("what the listener heard when awaitDelivered returned")
            .extracting(e -> e.getClass().getSimpleName()).containsExactly("Registered");
      } finally {
        slowGoesOn.countDown();
        otherGoesOn.countDown();
        releaser.join(WAIT.toMillis());
      }
    } finally {
      listenerThreads.shutdownNow();
    }
  }

  @Test
  void refusesOnAListenersThreadAndIsTrueForAListenerNotSubscribedAndAfterTheClose() throws Exception {
    Supervisor sup = Supervisor.builder().name("delivered").backend("jdk").build();
    SupervisorListener subscribed;
    try {
      CompletableFuture<Throwable> inListener = new CompletableFuture<>();
      subscribed = e -> {
        try {
          sup.awaitDelivered(e2 -> {}, WAIT);
          inListener.complete(null);
        } catch (Throwable t) {
          inListener.complete(t);
        }
      };
      sup.subscribe(subscribed);
      sup.register(ProcessSpec.builder("a").command("sleep", "600").build());
      assertThat(inListener.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("awaitDelivered() would wait for itself");
      assertThat(sup.awaitDelivered(e -> {}, Duration.ZERO)).as("a listener not subscribed").isTrue();
      assertThat(sup.awaitDelivered(subscribed, WAIT)).isTrue();
    } finally {
      sup.close();
    }
    assertThat(sup.awaitDelivered(subscribed, Duration.ZERO)).as("after the close").isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean waitsInAwaitDelivered(Thread t) {
    return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("awaitDelivered"))
        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
  }
}
