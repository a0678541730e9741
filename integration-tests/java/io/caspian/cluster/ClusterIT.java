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

  private static Workload.Result runAndReport(String regionFactory) throws Exception {
    try (Cluster cluster = new Cluster(NODES, 2, regionFactory)) {
      Workload.Result result = Workload.run(cluster, THREADS, REQUESTS);
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
      System.out.printf("%-8s requests=%d increments=%d conflicts=%d staleReads=%d staleEntries=%d lostUpdates=%d "
              + "errors=%d %.1fs%n", regionFactory, result.requests(), result.increments(), result.conflicts(),
          result.staleReads(), staleEntries, lost, result.errors(), result.seconds());
      if (regionFactory.equals("caspian")) {
        assertEquals(0, lost, "every acknowledged increment is in the database");
        assertEquals(0, staleEntries, "at quiescence every cached entry equals the database");
      }
      return result;
    }
  }
}
