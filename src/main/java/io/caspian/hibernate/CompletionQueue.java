package io.caspian.hibernate;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the cache work of a transaction's completion (afterInsert, afterUpdate, unlockItem, the update-timestamps
 * commit) after the transaction has returned to the application, on background threads.
 *
 * <p>Why this is safe: until that work lands, what the transaction left before its commit still stands in
 * memcached — a soft lock on each written key and a writer lease on each written table — so every node reads those
 * keys as misses, refuses to cache loads of them, and treats query results over those tables as stale. The work
 * only replaces that protection by its outcome, and the outcome depends on nothing but a cluster stamp taken after
 * the commit, which a later stamp still is. A completion that never lands (the JVM dies) leaves the lock and the
 * lease to lapse at their deadlines, as a crash between commit and completion always did. What the application sees
 * is that other nodes miss on what it just wrote until the work lands (a few hundred microseconds); its own node
 * first settles a key's pending completion before touching the key again ({@link #settle}).
 *
 * <p>Bounded: when the queue is full the caller runs the work itself, so a slow memcached slows writers down
 * instead of piling up work. {@link #drain} runs what is queued when the region factory stops.
 */
final class CompletionQueue {
  private static final System.Logger LOG = System.getLogger(CompletionQueue.class.getName());
  private static final int CAPACITY = 4096;

  private final ThreadPoolExecutor executor;
  private final LongAdder failures = new LongAdder();
  /** The latest completion submitted per key and not yet finished. */
  private final java.util.concurrent.ConcurrentHashMap<Object, FutureTask<Void>> pending =
      new java.util.concurrent.ConcurrentHashMap<>();

  CompletionQueue(int threads) {
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(CAPACITY), runnable -> {
          Thread thread = new Thread(() -> {
            io.caspian.memcached.Memcached.markBackgroundThread();
            runnable.run();
          }, "caspian-completion");
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /**
   * Runs {@code work} in the background, or now when the queue is full or stopped. Until it has run, {@link #settle}
   * of the same key runs or waits for it, and a later completion of the same key runs after it.
   *
   * @param key what the work completes (equal keys: the same cache entry or table)
   */
  void submit(Object key, Runnable work) {
    FutureTask<Void>[] self = newTaskHolder();
    FutureTask<Void> earlier = pending.get(key);
    self[0] = new FutureTask<>(() -> {
      try {
        if (earlier != null) {
          settle(earlier);
        }
        work.run();
      } catch (RuntimeException e) {
        // the work itself evicts what it could not complete; anything else must not kill the thread
        failures.increment();
        LOG.log(System.Logger.Level.WARNING, "a transaction completion failed in the background", e);
      } finally {
        pending.remove(key, self[0]);
      }
    }, null);
    pending.put(key, self[0]);
    if (executor.isShutdown()) {
      self[0].run();
    } else {
      executor.execute(self[0]);
    }
  }

  @SuppressWarnings("unchecked")
  private static FutureTask<Void>[] newTaskHolder() {
    return new FutureTask[1];
  }

  /**
   * Brings {@code key}'s pending completion, if any, to memcached before the caller touches the key: this node's
   * next transaction then reads its own writes from the cache instead of missing on its own soft lock, and a lock
   * it takes does not find its predecessor's still held. Runs it here if no background thread has started it.
   */
  void settle(Object key) {
    FutureTask<Void> task = pending.get(key);
    if (task != null) {
      settle(task);
    }
  }

  private static void settle(FutureTask<Void> task) {
    task.run(); // a no-op when it already ran or runs elsewhere
    try {
      task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // reported by the task itself
    }
  }

  /**
   * Occupies every background thread until the returned action runs: for tests that look at the cluster while a
   * transaction's completion is still queued.
   */
  Runnable hold() {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(executor.getCorePoolSize());
    for (int i = 0; i < executor.getCorePoolSize(); i++) {
      executor.execute(() -> {
        held.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    try {
      held.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return release::countDown;
  }

  /** Completions queued or running now. */
  int pending() {
    return executor.getQueue().size() + executor.getActiveCount();
  }

  long failures() {
    return failures.sum();
  }

  /**
   * Waits until everything submitted so far has run (for tests and for a stopping region factory).
   *
   * @return false if {@code timeout} passed first
   */
  boolean awaitQuiet(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (executor.getQueue().size() + executor.getActiveCount() > 0 || executor.getCompletedTaskCount()
        < executor.getTaskCount()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  /** Stops taking work and runs what is queued, waiting at most {@code timeout}. */
  void drain(java.time.Duration timeout) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(System.Logger.Level.WARNING, () -> executor.getQueue().size() + " transaction completions were "
            + "not written to memcached at shutdown: their soft locks lapse after the lock timeout");
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
