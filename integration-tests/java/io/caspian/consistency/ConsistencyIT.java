package io.caspian.consistency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The short CI profile of the randomized consistency checker (issue 8): two seeds per profile, 10 s each, three
 * application JVMs, H2 in TCP mode, two memcached servers, every cache operation of the mix. Caspian must serve
 * nothing stale, with and without explicit evictions; stock hibernate-jcache over the same memcached must be caught
 * serving stale data, or the checker could not fail. {@code bin/check} runs the long profile.
 */
class ConsistencyIT {
  private static final int SECONDS = Integer.getInteger("consistency.seconds", 10);
  /** Widens the races (a load's read and put, a writer's flush and commit), so that a short run meets them. */
  private static final int LATENCY_MS = 20;
  /** Each Caspian profile runs once per seed; profiles offset them, so that no two runs share a workload. */
  private static final long[] SEEDS = java.util.Arrays.stream(System.getProperty("consistency.seeds", "1,2")
      .split(",")).mapToLong(Long::parseLong).toArray();
  private static final List<RunResult> RESULTS = new ArrayList<>();

  private static Knobs profile(String cache, long seed) {
    return Knobs.defaults().withCache(cache).withSeed(seed).withSeconds(SECONDS).withLatency(LATENCY_MS);
  }

  private static RunResult run(Knobs knobs) throws Exception {
    RunResult result = ConsistencyCheck.run(knobs, System.out);
    System.out.println(Report.describe(result));
    synchronized (RESULTS) {
      RESULTS.add(result);
    }
    return result;
  }

  @AfterAll
  static void verdicts() {
    System.out.println(Report.verdicts(RESULTS));
  }

  /** The reproducer, explicit evictions before half of the operations: stock must be caught. */
  @Test
  void stockHibernateJCacheIsCaughtServingStaleData() throws Exception {
    RunResult stock = run(profile("stock", 4).withSeconds(Math.max(SECONDS, 15)));
    assertEquals(0, stock.controlViolations(), "reads around the cache are never stale: " + stock.violations());
    assertTrue(stock.staleReads() + stock.mismatches().size() > 0,
        "the checker must find stock hibernate-jcache's stale reads with evictions on");
  }

  /** Writes through a Session only (no StatelessSession, bulk HQL or native SQL) and no explicit eviction. */
  @Test
  void caspianServesNothingStaleOnSessionWrites() throws Exception {
    assertClean(runSeeds(0, seed -> profile("caspian", seed).withoutEvictions().withMix("session")));
  }

  /** Every write path, StatelessSession, bulk HQL and native SQL included, but no explicit eviction. */
  @Test
  void caspianServesNothingStaleWithoutExplicitEvictions() throws Exception {
    assertClean(runSeeds(10, seed -> profile("caspian", seed).withoutEvictions()));
  }

  /** Explicit evictions as applications use them after native SQL: the paths issue 8 closes. */
  @Test
  void caspianServesNothingStaleWithExplicitEvictions() throws Exception {
    assertClean(runSeeds(20, seed -> profile("caspian", seed)));
  }

  /**
   * Faults, one seed each: a memcached server killed and restarted empty mid-run (soft locks, tombstones and one
   * epoch copy lost at once), and servers so small that LRU evicts locks and tombstones all the time.
   */
  @Test
  void caspianServesNothingStaleAcrossAMemcachedRestartAndUnderLru() throws Exception {
    assertClean(List.of(
        run(profile("caspian", SEEDS[0] + 30).withFault("memcached-kill").withSeconds(Math.max(SECONDS, 15))),
        run(profile("caspian", SEEDS[0] + 40).withMemcachedMb(2))));
  }

  /**
   * An application JVM killed (-9) mid-run, and one paused (SIGSTOP) for twice the node timeout: the others end its
   * locks by its heartbeat (2 s, below the 5 s lock timeout) and cache over them; the paused one, once resumed, must
   * lock its keys again before its transactions commit.
   */
  @Test
  void caspianServesNothingStaleWhenAnApplicationNodeDiesOrPauses() throws Exception {
    assertClean(List.of(
        run(profile("caspian", SEEDS[0] + 50).withFault("node-kill").withSeconds(Math.max(SECONDS, 15))),
        run(profile("caspian", SEEDS[0] + 60).withFault("node-pause").withSeconds(Math.max(SECONDS, 25)))));
  }

  private static List<RunResult> runSeeds(long offset, java.util.function.LongFunction<Knobs> knobs)
      throws Exception {
    List<RunResult> runs = new ArrayList<>();
    for (long seed : SEEDS) {
      runs.add(run(knobs.apply(seed + offset)));
    }
    return runs;
  }

  /** All runs of a profile, so that one failing seed does not hide what the others found. */
  private static void assertClean(List<RunResult> runs) {
    for (RunResult r : runs) {
      assertTrue(r.totalOperations() > 200, "the workload ran: " + r.totalOperations() + " operations");
    }
    List<String> stale = runs.stream().flatMap(r -> r.violations().stream().limit(5)
        .map(v -> "seed " + r.knobs().seed() + " " + v)).toList();
    assertEquals(List.of(), stale, runs.stream().mapToLong(r -> r.violations().size()).sum() + " stale reads");
    assertEquals(List.of(), runs.stream().flatMap(r -> r.mismatches().stream()).toList(), "quiescent mismatches");
  }
}
