package io.caspian.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of the cluster: start it, drive the workload while an optional fault strikes, audit at quiescence, stop.
 * Shared by {@link ClusterIT} and {@link ClusterDemo}.
 */
final class Scenario {
  /** A fault injected while the workload runs; it marks the timeline when it strikes and when it ends. */
  interface Fault {
    void inject(Cluster cluster, Timeline timeline) throws Exception;
  }

  /** How the cluster is built. */
  record Shape(int nodes, int memcachedServers, int memcachedMb) {
    static Shape standard(int nodes) {
      return new Shape(nodes, 2, 64);
    }
  }

  /** The outcome of a run. */
  record Report(String regionFactory, int nodes, String fault, Workload.Result load, Cluster.Audit audit,
      double memcachedOpsPerRequest, double roundTripsPerRequest, double waitedRoundTripsPerRequest) {
    String line() {
      Timeline t = load.timeline();
      int mark = t.firstMark();
      String faultPart = mark < 0 ? "" : String.format(
          " faultMaxLatency=%.0fms hitRatioBefore=%.0f%% recovery=%ds", t.maxLatencyMillis(mark, mark + 5),
          100 * t.meanHitRatio(0, mark), t.recoverySeconds(mark, 0.8));
      return String.format("%-7s %-22s requests=%d (%.0f/s) writes=%d conflicts=%d staleReads=%s staleEntries="
              + "%d/%d/%d uncacheable=%d memcachedOpsPerRequest=%.1f roundTripsPerRequest=%.1f (waited %.1f) lostUpdates=%d unacknowledged=%d errors=%d (server %d) failovers=%d hitRatio=%.0f%%%s%s",
          regionFactory, fault, load.requests(), load.throughput(), load.writes(), load.conflicts(),
          load.staleReads(), audit.staleEntities(), audit.staleCollections(), audit.staleQueries(),
          audit.uncacheable(), memcachedOpsPerRequest, roundTripsPerRequest, waitedRoundTripsPerRequest,
          audit.lostUpdates(), audit.unacknowledgedCommits(), load.errors(), load.serverErrors(), load.failovers(),
          100 * t.meanHitRatio(0, Integer.MAX_VALUE), faultPart,
          load.firstError() == null ? "" : " firstError=" + load.firstError());
    }
  }

  private Scenario() {}

  static Report run(String regionFactory, Shape shape, Workload.Plan plan, String faultName, Fault fault,
      Consumer<String> progress) throws Exception {
    try (Cluster cluster = new Cluster(shape.nodes(), shape.memcachedServers(), shape.memcachedMb(), regionFactory)) {
      Workload workload = Workload.on(cluster);
      long opsBefore = cluster.memcachedOps();
      long[] tripsBefore = cluster.roundTrips();
      CompletableFuture<Workload.Result> running = CompletableFuture.supplyAsync(() -> {
        try {
          return workload.run(plan, progress);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      if (fault != null) {
        Thread.sleep(3000);
        fault.inject(cluster, workload.timeline());
      }
      Workload.Result result = running.get(10, TimeUnit.MINUTES);
      double opsPerRequest = (double) (cluster.memcachedOps() - opsBefore) / result.requests();
      // a node restarted by a fault starts counting from zero: the figure is then a lower bound
      long[] tripsAfter = cluster.roundTrips();
      long trips = Math.max(0, tripsAfter[0] - tripsBefore[0]);
      long waited = Math.max(0, trips - (tripsAfter[1] - tripsBefore[1]));
      Report report = new Report(regionFactory, shape.nodes(), faultName, result,
          cluster.audit(result.acknowledgedIncrements()), opsPerRequest, (double) trips / result.requests(),
          (double) waited / result.requests());
      System.out.println(report.line());
      return report;
    }
  }
}
