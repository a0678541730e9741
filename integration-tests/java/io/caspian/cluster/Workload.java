package io.caspian.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The load driver: threads send a mixed workload on a few hot accounts round-robin over the nodes (a load balancer
 * that skips nodes refusing connections), and check every read against what had been acknowledged before it
 * started. Every value it reads only ever grows (version, balance, the collection's min and max), so a read that
 * returns less than an acknowledged write is stale.
 *
 * <p>The mix: reads by id 30%, natural-id lookups 10%, query-cache reads 15%, collection reads 10%, increments
 * 25%, collection adds/removes 10%.
 */
final class Workload {
  /** How much load: threads, and a request count per thread or a duration, whichever ends first. */
  record Plan(int threads, int requestsPerThread, Duration duration) {
    static Plan requests(int threads, int requestsPerThread) {
      return new Plan(threads, requestsPerThread, Duration.ofMinutes(10));
    }

    static Plan lasting(int threads, Duration duration) {
      return new Plan(threads, Integer.MAX_VALUE, duration);
    }
  }

  /** What a run observed. */
  record Result(long requests, long writes, long conflicts, Map<String, Long> staleReads, long errors,
      long serverErrors, String firstError, long failovers, long[] acknowledgedIncrements, double seconds,
      Timeline timeline) {
    long staleReadCount() {
      return staleReads.values().stream().mapToLong(Long::longValue).sum();
    }

    double throughput() {
      return requests / seconds;
    }
  }

  private final Cluster cluster;
  private final int accounts = Cluster.ACCOUNTS;
  private final AtomicLongArray version = new AtomicLongArray(accounts + 1);
  private final AtomicLongArray increments = new AtomicLongArray(accounts + 1);
  private final AtomicLongArray minItem = new AtomicLongArray(accounts + 1);
  private final AtomicLongArray maxItem = new AtomicLongArray(accounts + 1);
  private final Map<String, LongAdder> stale = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder serverErrors = new LongAdder();
  private final Map<String, String> firstError = new ConcurrentHashMap<>();
  private final LongAdder failovers = new LongAdder();
  private final AtomicInteger balancer = new AtomicInteger();
  private final Timeline timeline = new Timeline();
  private final AtomicBoolean running = new AtomicBoolean(true);

  private Workload(Cluster cluster) {
    this.cluster = cluster;
    for (String kind : List.of("read", "byCode", "query", "items")) {
      stale.put(kind, new LongAdder());
    }
  }

  /** A run whose timeline can be marked by a fault injected meanwhile. */
  static Workload on(Cluster cluster) {
    return new Workload(cluster);
  }

  Timeline timeline() {
    return timeline;
  }

  Result run(Plan plan) throws Exception {
    return run(plan, null);
  }

  /** Runs the plan; {@code progress}, if given, hears a line about every second. */
  Result run(Plan plan, Consumer<String> progress) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(plan.threads() + 1);
    long start = System.nanoTime();
    long deadline = start + plan.duration().toNanos();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < plan.threads(); t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < plan.requestsPerThread() && System.nanoTime() < deadline; i++) {
          oneRequest();
        }
        return null;
      }));
    }
    Future<?> sampler = pool.submit(() -> sample(progress, start));
    for (Future<?> f : done) {
      f.get();
    }
    running.set(false);
    sampler.get();
    pool.shutdown();
    long[] acknowledged = new long[accounts + 1];
    for (int id = 1; id <= accounts; id++) {
      acknowledged[id] = increments.get(id);
    }
    Map<String, Long> staleReads = new TreeMap<>();
    stale.forEach((k, v) -> staleReads.put(k, v.sum()));
    return new Result(requests.sum(), writes.sum(), conflicts.sum(), staleReads, errors.sum(), serverErrors.sum(),
        firstError.get("first"), failovers.sum(),
        acknowledged, (System.nanoTime() - start) / 1e9, timeline);
  }

  private void oneRequest() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int id = 1 + random.nextInt(accounts);
    int dice = random.nextInt(100);
    long began = System.nanoTime();
    boolean failed = false;
    try {
      if (dice < 30) {
        checkEntity("read", "/read?id=" + id, id);
      } else if (dice < 40) {
        checkEntity("byCode", "/byCode?id=" + id, id);
      } else if (dice < 55) {
        long floor = increments.get(id);
        String answer = call("/query?id=" + id).trim();
        check("query", Long.parseLong(answer) < floor, () -> "query id=" + id + " got " + answer + " floor " + floor);
      } else if (dice < 65) {
        long minFloor = minItem.get(id);
        long maxFloor = maxItem.get(id);
        String[] answer = call("/items?id=" + id).split(" ");
        check("items", Long.parseLong(answer[0]) < minFloor || Long.parseLong(answer[1].trim()) < maxFloor,
            () -> "items id=" + id + " got " + String.join(" ", answer) + " floors " + minFloor + " " + maxFloor);
      } else if (dice < 90) {
        String[] answer = call("/increment?id=" + id).split(" ");
        version.accumulateAndGet(id, Long.parseLong(answer[0]), Math::max);
        increments.incrementAndGet(id);
        wrote(answer[1]);
      } else {
        String[] answer = call("/shift?id=" + id).split(" ");
        version.accumulateAndGet(id, Long.parseLong(answer[0]), Math::max);
        minItem.accumulateAndGet(id, Long.parseLong(answer[1]), Math::max);
        maxItem.accumulateAndGet(id, Long.parseLong(answer[2]), Math::max);
        wrote(answer[3]);
      }
    } catch (Exception e) {
      failed = true;
      errors.increment();
      if (e instanceof Cluster.ServerError) {
        serverErrors.increment();
      }
      firstError.putIfAbsent("first", e.toString());
    }
    requests.increment();
    timeline.request(System.nanoTime() - began, failed);
  }

  private void checkEntity(String kind, String path, int id) throws IOException, InterruptedException {
    long versionFloor = version.get(id);
    long balanceFloor = increments.get(id);
    String[] answer = call(path).split(" ");
    check(kind, Long.parseLong(answer[0]) < versionFloor || Long.parseLong(answer[1].trim()) < balanceFloor,
        () -> kind + " id=" + id + " got " + String.join(" ", answer) + " floors " + versionFloor + " " + balanceFloor);
  }

  private void check(String kind, boolean isStale, java.util.function.Supplier<String> detail) {
    if (isStale) {
      stale.get(kind).increment();
      System.out.println("stale read: " + System.currentTimeMillis() + " " + detail.get() + " at second " + timeline.seconds().size() + ", marks "
          + timeline.marks());
    }
  }

  private void wrote(String attempts) {
    writes.increment();
    conflicts.add(Long.parseLong(attempts.trim()) - 1);
  }

  /** Round robin; a node that refuses the connection is skipped, as a load balancer's health check would. */
  private String call(String path) throws IOException, InterruptedException {
    IOException last = null;
    for (int tries = 0; tries < cluster.size(); tries++) {
      int node = Math.floorMod(balancer.getAndIncrement(), cluster.size());
      try {
        return cluster.call(node, path);
      } catch (ConnectException e) {
        failovers.increment();
        last = e;
      }
    }
    throw last;
  }

  /** Once a second: the cluster's cache hits and misses since the last sample, and a progress line. */
  private Void sample(Consumer<String> progress, long start) throws InterruptedException {
    long[] lastHits = new long[cluster.size()];
    long[] lastMisses = new long[cluster.size()];
    long lastRequests = 0;
    while (running.get()) {
      Thread.sleep(1000);
      long hits = 0;
      long misses = 0;
      for (int node = 0; node < cluster.size(); node++) {
        try {
          String[] answer = cluster.call(node, "/hits").trim().split(" ");
          long h = Long.parseLong(answer[0]);
          long m = Long.parseLong(answer[1]);
          // a restarted node counts from zero again
          hits += h >= lastHits[node] ? h - lastHits[node] : h;
          misses += m >= lastMisses[node] ? m - lastMisses[node] : m;
          lastHits[node] = h;
          lastMisses[node] = m;
        } catch (IOException e) {
          // a node down: it serves nothing, so it adds nothing
        }
      }
      timeline.cache(hits, misses);
      if (progress != null) {
        long total = requests.sum();
        progress.accept(String.format("  %4.0fs  %6d requests  %5d/s  hit ratio %5.1f%%  errors %d  stale reads %d",
            (System.nanoTime() - start) / 1e9, total, total - lastRequests,
            hits + misses == 0 ? 0.0 : 100.0 * hits / (hits + misses), errors.sum(),
            stale.values().stream().mapToLong(LongAdder::sum).sum()));
        lastRequests = total;
      }
    }
    return null;
  }
}
