package io.caspian.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Three application JVMs with Caspian behind a round-robin balancer, one H2 database, a memcached pool, a hot key
 * space and a mixed workload (entities, natural ids, collections, the query cache): no stale read, no stale entry
 * at quiescence, no lost update, every key cacheable again afterwards, under each fault. The same workload against
 * stock hibernate-jcache is run and reported (its violations depend on timing, so they are reported, not asserted).
 */
class ClusterIT {
  private static final int NODES = 3;
  private static final Workload.Plan PLAN = Workload.Plan.requests(6, 150);

  @Test
  void caspianClusterServesNothingStaleAndLosesNothing() throws Exception {
    Scenario.Report stock = Scenario.run("stock", Scenario.Shape.standard(NODES), PLAN, "none", null, null);
    Scenario.Report caspian = assertClean(run("none", null), 0);
    System.out.printf("stale reads: Caspian %d, stock %d; stale entries: Caspian %d, stock %d%n",
        caspian.load().staleReadCount(), stock.load().staleReadCount(), caspian.audit().staleEntries(),
        stock.audit().staleEntries());
  }

  /**
   * The nodes' clients reconnect to the restarted server at different moments (spymemcached backs off up to 2 s). A
   * node not yet reconnected cannot lock or invalidate keys on that server while the others already read and load
   * through it; it evicts the region instead, on the epoch copies it can reach (one per server, readers take the
   * highest), so nothing stale is served even in that window (issue 8, path 12; before: up to 0.6% of reads).
   */
  @Test
  void memcachedNodeKilledMidRunAndRestartedEmpty() throws Exception {
    Scenario.Report report = run("memcached kill -9", (cluster, timeline) -> {
      cluster.memcached(0).kill();
      timeline.mark("memcached killed");
      Thread.sleep(1500);
      cluster.memcached(0).restart();
      timeline.mark("memcached back, empty");
    });
    assertEquals(0, report.load().staleReadCount(),
        "no read older than a write acknowledged before it, even while clients reconnect: "
            + report.load().staleReads());
    assertQuiescentStateClean(report, 0);
  }

  @Test
  void memcachedNodeHungLongerThanTheTimeout() throws Exception {
    assertClean(run("memcached SIGSTOP", (cluster, timeline) -> {
      cluster.memcached(1).pause();
      timeline.mark("memcached paused");
      Thread.sleep(1500);
      cluster.memcached(1).resume();
      timeline.mark("memcached resumed");
    }), 0);
  }

  @Test
  void tinyMemcachedEvictsEntriesLocksAndTombstones() throws Exception {
    Scenario.Shape tiny = new Scenario.Shape(NODES, 2, 4);
    assertClean(Scenario.run("caspian", tiny, PLAN, "memory pressure", (cluster, timeline) -> {
      long evictionsBefore = cluster.memcachedEvictions();
      try (NoisyNeighbour neighbour = new NoisyNeighbour(cluster.servers())) {
        timeline.mark("noisy neighbour on");
        Thread.sleep(8000);
      }
      timeline.mark("noisy neighbour off");
      long evictions = cluster.memcachedEvictions() - evictionsBefore;
      System.out.println("memory pressure: memcached evicted " + evictions + " items");
      assertTrue(evictions > 1000, "the pool really was under LRU pressure: " + evictions + " evictions");
    }, null), 0);
  }

  @Test
  void applicationNodeKilledMidTransaction() throws Exception {
    Scenario.Report report = run("app JVM kill -9", (cluster, timeline) -> {
      // a write that holds its soft lock for 10 s: the kill lands while the lock is in memcached
      CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
        try {
          return cluster.call(0, "/increment?id=1&holdMs=10000");
        } catch (Exception e) {
          return e.toString();
        }
      });
      Thread.sleep(1000);
      cluster.killNode(0);
      timeline.mark("app node killed");
      held.join();
      Thread.sleep(1000);
      cluster.restartNode(0, "v1");
      timeline.mark("app node back");
    });
    // in-flight requests die with the node (a balancer answers 502 for them); nothing else may fail
    assertClean(report, PLAN.threads() + 1);
  }

  @Test
  void rollingDeployWithAChangedMapping() throws Exception {
    assertClean(run("rolling deploy v1->v2", (cluster, timeline) -> {
      for (int node = 0; node < NODES; node++) {
        cluster.restartNode(node, "v2");
        timeline.mark("node " + node + " on v2");
        Thread.sleep(1000);
      }
    }), NODES * (PLAN.threads() + 1));
  }

  private static Scenario.Report run(String faultName, Scenario.Fault fault) throws Exception {
    return Scenario.run("caspian", Scenario.Shape.standard(NODES), PLAN, faultName, fault, null);
  }

  private static Scenario.Report assertClean(Scenario.Report report, long maxTransportErrors) {
    assertEquals(0, report.load().staleReadCount(),
        "no read older than a write acknowledged before it: " + report.load().staleReads());
    return assertQuiescentStateClean(report, maxTransportErrors);
  }

  private static Scenario.Report assertQuiescentStateClean(Scenario.Report report, long maxTransportErrors) {
    Workload.Result load = report.load();
    assertEquals(0, load.serverErrors(), "no request failed inside the application: " + load.firstError());
    assertTrue(load.errors() <= maxTransportErrors, "requests lost with a dead node: " + load.errors());
    Cluster.Audit audit = report.audit();
    assertEquals(0, audit.staleEntries(), "at quiescence every cached entry equals the database: " + audit);
    assertEquals(0, audit.lostUpdates(), "every acknowledged increment is in the database");
    assertEquals(0, audit.uncacheable(), "every key is cacheable again: " + audit);
    assertTrue(load.writes() > 0 && load.requests() > 0, "the workload ran");
    return report;
  }
}
