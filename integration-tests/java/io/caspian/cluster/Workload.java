package io.caspian.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load driver: threads send reads and increments of a few hot accounts round-robin over the nodes, and check
 * every read against what had committed before it started (no stale read).
 */
final class Workload {
  /** What a run observed. */
  record Result(long requests, long increments, long conflicts, long staleReads, long errors, long[] perAccount,
      double seconds) {}

  private Workload() {}

  static Result run(Cluster cluster, int threads, int requestsPerThread) throws Exception {
    int accounts = Cluster.ACCOUNTS;
    AtomicLongArray committedVersion = new AtomicLongArray(accounts + 1);
    AtomicLongArray increments = new AtomicLongArray(accounts + 1);
    AtomicLong conflicts = new AtomicLong();
    AtomicLong staleReads = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicInteger balancer = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < requestsPerThread; i++) {
          int id = 1 + ThreadLocalRandom.current().nextInt(accounts);
          int node = Math.floorMod(balancer.getAndIncrement(), cluster.size());
          try {
            if (ThreadLocalRandom.current().nextBoolean()) {
              long floor = committedVersion.get(id);
              long version = Long.parseLong(cluster.call(node, "/read?id=" + id).split(" ")[0]);
              if (version < floor) {
                staleReads.incrementAndGet();
              }
            } else {
              String[] answer = cluster.call(node, "/increment?id=" + id).split(" ");
              committedVersion.accumulateAndGet(id, Long.parseLong(answer[0]), Math::max);
              increments.incrementAndGet(id);
              conflicts.addAndGet(Long.parseLong(answer[1]) - 1);
            }
          } catch (Exception e) {
            errors.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    long[] perAccount = new long[accounts + 1];
    long total = 0;
    for (int id = 1; id <= accounts; id++) {
      perAccount[id] = increments.get(id);
      total += perAccount[id];
    }
    return new Result((long) threads * requestsPerThread, total, conflicts.get(), staleReads.get(), errors.get(),
        perAccount, (System.nanoTime() - start) / 1e9);
  }
}
