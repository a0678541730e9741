package io.caspian.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Three application JVMs with Caspian behind a round-robin balancer, one H2 database, two memcached servers, a hot
 * key space: no stale read, no stale entry at quiescence, no lost update. The same workload against stock
 * hibernate-jcache is run and reported (its violations depend on timing, so they are reported, not asserted).
 */
class ClusterIT {
  private static final int NODES = 3;
  private static final int THREADS = 6;
  private static final int REQUESTS = 120;

  @Test
  void caspianClusterServesNothingStaleAndLosesNothing() throws Exception {
    Workload.Result stock = runAndReport("stock");
    Workload.Result caspian = runAndReport("caspian");
    assertEquals(0, caspian.errors(), "every request answered");
    assertEquals(0, caspian.staleReads(), "no read saw a version older than one committed before it started");
    System.out.printf("stale reads: Caspian %d, stock %d%n", caspian.staleReads(), stock.staleReads());
  }

  @Test
  void memcachedNodeKilledMidRunAndRestartedEmpty() throws Exception {
    Workload.Result result = runAndReport("caspian", cluster -> {
      cluster.memcached(0).kill();
      Thread.sleep(1500);
      cluster.memcached(0).restart();
    });
    assertEquals(0, result.errors(), "the application kept answering from the database");
    assertEquals(0, result.staleReads());
  }

  @Test
  void memcachedNodeHungLongerThanTheTimeout() throws Exception {
    Workload.Result result = runAndReport("caspian", cluster -> {
      cluster.memcached(1).pause();
      Thread.sleep(1500);
      cluster.memcached(1).resume();
    });
    assertEquals(0, result.errors(), "the application kept answering from the database");
    assertEquals(0, result.staleReads());
  }

  /** A fault injected while the workload runs. */
  interface Fault {
    void inject(Cluster cluster) throws Exception;
  }

  private static Workload.Result runAndReport(String regionFactory) throws Exception {
    return runAndReport(regionFactory, null);
  }

  private static Workload.Result runAndReport(String regionFactory, Fault fault) throws Exception {
    try (Cluster cluster = new Cluster(NODES, 2, regionFactory)) {
      java.util.concurrent.CompletableFuture<Workload.Result> running = java.util.concurrent.CompletableFuture
          .supplyAsync(() -> {
            try {
              return Workload.run(cluster, THREADS, REQUESTS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      if (fault != null) {
        Thread.sleep(2000);
        fault.inject(cluster);
      }
      Workload.Result result = running.get(5, java.util.concurrent.TimeUnit.MINUTES);
      long lost = 0;
      for (int id = 1; id <= Cluster.ACCOUNTS; id++) {
        lost += result.perAccount()[id] - cluster.balance(id);
      }
      String ids = IntStream.rangeClosed(1, Cluster.ACCOUNTS).mapToObj(Integer::toString)
          .collect(Collectors.joining(","));
      int staleEntries = 0;
      for (int node = 0; node < cluster.size(); node++) {
        staleEntries += Integer.parseInt(cluster.call(node, "/stale?ids=" + ids).trim());
      }
      System.out.printf("%-8s fault=%s requests=%d increments=%d conflicts=%d staleReads=%d staleEntries=%d lostUpdates=%d "
              + "errors=%d %.1fs%n", regionFactory, fault != null, result.requests(), result.increments(), result.conflicts(),
          result.staleReads(), staleEntries, lost, result.errors(), result.seconds());
      if (regionFactory.equals("caspian")) {
        assertEquals(0, lost, "every acknowledged increment is in the database");
        assertEquals(0, staleEntries, "at quiescence every cached entry equals the database");
      }
      return result;
    }
  }
}
