package io.caspian.hibernate;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
  /** The latest completion submitted per key and not yet finished. */
  private final java.util.concurrent.ConcurrentHashMap<PendingKey, Completion> pending =
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
   * @param region the region (or table store) of {@code key}
   * @param key    what the work completes (equal keys: the same cache entry or table)
   */
  void submit(String region, Object key, Runnable work) {
    Completion completion = new Completion(new PendingKey(region, key), work);
    pending.compute(completion.key, (pendingKey, previous) -> {
      completion.earlier = previous; // before anyone can find (and run) the new one
      return completion;
    });
    if (executor.isShutdown()) {
      completion.run();
    } else {
      executor.execute(completion);
    }
  }

  /**
   * Brings {@code key}'s pending completion, if any, to memcached before the caller touches the key: this node's
   * next transaction then reads its own writes from the cache instead of missing on its own soft lock, and a lock
   * it takes does not find its predecessor's still held. Runs it here if no background thread has started it.
   */
  void settle(String region, Object key) {
    if (!pending.isEmpty()) { // the common case on a read: nothing pending, nothing allocated
      settle(pending.get(new PendingKey(region, key)));
    }
  }

  private static void settle(Completion completion) {
    if (completion == null) {
      return;
    }
    completion.run(); // a no-op when it already ran or runs elsewhere
    try {
      completion.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // logged by the completion itself
    }
  }

  private record PendingKey(String region, Object key) {
  }

  /** One key's completion, run after the completion of the same key submitted before it. */
  private final class Completion extends FutureTask<Void> {
    final PendingKey key;
    volatile Completion earlier;

    Completion(PendingKey key, Runnable work) {
      super(work, null);
      this.key = key;
    }

    @Override
    public void run() {
      settle(earlier);
      super.run();
    }

    @Override
    protected void done() {
      pending.remove(key, this);
      earlier = null; // a chain of finished completions must not stay reachable
    }

    @Override
    protected void setException(Throwable t) {
      // the work itself evicts what it could not complete; anything else must not go unnoticed
      LOG.log(System.Logger.Level.WARNING, "a transaction completion failed in the background", t);
      super.setException(t);
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
