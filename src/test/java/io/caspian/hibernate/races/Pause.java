package io.caspian.hibernate.races;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot pause inside a cache read-modify-write of one chosen thread: between the read and the write that
 * depends on it. The test thread waits until the paused thread is inside the window, does the other node's step,
 * then lets it go on.
 */
final class Pause {
  private volatile Thread armed;
  private int skip;
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch resume = new CountDownLatch(1);

  /** Arms the pause for the current thread's next read-modify-write. */
  void armForCurrentThread() {
    armForCurrentThread(0);
  }

  /** Arms the pause for the current thread, letting its first {@code windowsToSkip} windows pass. */
  void armForCurrentThread(int windowsToSkip) {
    skip = windowsToSkip;
    armed = Thread.currentThread();
  }

  /** Called by the cache wrapper inside the window; blocks the armed thread once. */
  void window() {
    if (armed == Thread.currentThread()) {
      if (skip > 0) {
        skip--;
        return;
      }
      armed = null;
      reached.countDown();
      await(resume);
    }
  }

  /** Blocks the test thread until the armed thread is inside the window. */
  void awaitReached() {
    await(reached);
  }

  void release() {
    resume.countDown();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the interleaving did not happen within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
