package io.caspian.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo: a cluster of application-server JVMs behind a round-robin balancer on one H2 database and a memcached
 * pool, the same mixed workload once with stock hibernate-jcache and once with Caspian, then the result table and
 * an HTML report with throughput and hit ratio over time.
 *
 * <p>Options: {@code --nodes N} (3), {@code --seconds S} per run (20), {@code --threads T} (6),
 * {@code --fault memcached-kill|memcached-stop|app-kill|none} (memcached-kill: strikes both runs, a third in),
 * {@code --caches stock,caspian} (which runs), {@code --scale} (Caspian alone at 1, 2, 3 and 6 nodes instead),
 * {@code --report FILE}.
 */
public final class ClusterDemo {
  private ClusterDemo() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.Logger.getLogger("net.spy").setLevel(java.util.logging.Level.WARNING);
    int nodes = 3;
    int seconds = 20;
    int threads = 6;
    String fault = "memcached-kill";
    boolean scale = false;
    List<String> caches = List.of("stock", "caspian");
    Path reportFile = Path.of("target", "caspian-demo", "report.html");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--fault" -> fault = args[++i];
        case "--scale" -> scale = true;
        case "--caches" -> caches = List.of(args[++i].split(","));
        case "--report" -> reportFile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see ClusterDemo javadoc)");
      }
    }
    Workload.Plan plan = Workload.Plan.lasting(threads, Duration.ofSeconds(seconds));
    List<Scenario.Report> reports = new ArrayList<>();
    if (scale) {
      for (int n : new int[] {1, 2, 3, 6}) {
        reports.add(runOne("caspian", n, plan, "none", seconds));
      }
    } else {
      for (String regionFactory : caches) {
        reports.add(runOne(regionFactory, nodes, plan, fault, seconds));
      }
    }
    String table = table(reports);
    System.out.println();
    System.out.println(table);
    HtmlReport.write(reportFile, "Caspian cluster demo", table, reports);
    System.out.println("HTML report: " + reportFile.toAbsolutePath());
  }

  private static Scenario.Report runOne(String regionFactory, int nodes, Workload.Plan plan, String fault,
      int seconds) throws Exception {
    System.out.printf("%n== %s: %d application JVMs, 2 memcached, H2 (TCP), %d threads, %d s, fault: %s ==%n",
        regionFactory.equals("stock") ? "stock hibernate-jcache" : "Caspian", nodes, plan.threads(), seconds, fault);
    long started = System.nanoTime();
    Scenario.Report report = Scenario.run(regionFactory, Scenario.Shape.standard(nodes), plan, fault,
        fault(fault, seconds), System.out::println);
    System.out.printf("   (%.0f s with start-up and audit)%n", (System.nanoTime() - started) / 1e9);
    return report;
  }

  /** The fault strikes about a third into the run (the scenario waits 3 s before calling it). */
  private static Scenario.Fault fault(String name, int seconds) {
    long delay = Math.max(0, seconds * 1000L / 3 - 3000);
    return switch (name) {
      case "none" -> null;
      case "memcached-kill" -> (cluster, timeline) -> {
        Thread.sleep(delay);
        cluster.memcached(0).kill();
        timeline.mark("memcached 1 killed");
        Thread.sleep(2000);
        cluster.memcached(0).restart();
        timeline.mark("restarted empty");
      };
      case "memcached-stop" -> (cluster, timeline) -> {
        Thread.sleep(delay);
        cluster.memcached(0).pause();
        timeline.mark("memcached 1 SIGSTOP");
        Thread.sleep(2000);
        cluster.memcached(0).resume();
        timeline.mark("resumed");
      };
      case "app-kill" -> (cluster, timeline) -> {
        Thread.sleep(delay);
        cluster.killNode(0);
        timeline.mark("node 1 killed");
        cluster.restartNode(0, "v1");
        timeline.mark("node 1 back");
      };
      default -> throw new IllegalArgumentException("unknown fault " + name);
    };
  }

  static String table(List<Scenario.Report> reports) {
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "%-8s %5s %-15s %8s %7s %6s %7s %9s %6s %11s %13s %12s %11s %10s %11s %7s%n", "cache", "nodes", "fault", "requests",
        "req/s", "hit%", "writes", "conflicts", "errors", "stale reads", "stale entries", "lost updates",
        "uncacheable", "mc ops/req", "mc RTs/req", "waited"));
    for (Scenario.Report r : reports) {
      Workload.Result l = r.load();
      t.append(String.format(Locale.ROOT,
          "%-8s %5d %-15s %8d %7.0f %6.1f %7d %9d %6d %11d %13d %12d %11d %10.1f %11.1f %7.1f%n",
          r.regionFactory(), r.nodes(), r.fault(), l.requests(), l.throughput(),
          100 * l.timeline().meanHitRatio(0, Integer.MAX_VALUE), l.writes(), l.conflicts(), l.errors(),
          l.staleReadCount(), r.audit().staleEntries(), r.audit().lostUpdates(), r.audit().uncacheable(),
          r.memcachedOpsPerRequest(), r.roundTripsPerRequest(), r.waitedRoundTripsPerRequest()));
    }
    return t.toString();
  }
}
