package io.caspian.consistency;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The randomized multi-JVM consistency checker: starts a {@link ConsistencyCluster}, drives the seeded workload, then
 * checks the {@link History} with the {@link Checker} and audits every node's cached entries at quiescence.
 *
 * <p>From the command line ({@code bin/check}): {@code --cache caspian|stock|both}, {@code --seeds 1,2,3} and the
 * {@link Knobs} as {@code --name value}; prints progress, each run's report and a verdict table; exits 1 when a
 * Caspian run is not clean.
 */
public final class ConsistencyCheck {
  private ConsistencyCheck() {
  }

  public static RunResult run(Knobs knobs, PrintStream progress) throws Exception {
    History history = new History();
    progress.println("starting " + knobs);
    try (ConsistencyCluster cluster = new ConsistencyCluster(knobs.nodes(), 2, knobs.memcachedMb(), knobs.cache(),
        knobs.threads() + 4, knobs.latencyMs())) {
      cluster.seed(knobs.hot(), history);
      cluster.awaitNodes();
      Driver driver = new Driver(cluster, knobs, history);
      long started = System.nanoTime();
      driver.run(progress);
      double seconds = (System.nanoTime() - started) / 1e9;
      List<String> mismatches = audit(cluster, driver);
      List<Checker.Violation> violations = Checker.check(history);
      if (!violations.isEmpty()) {
        java.nio.file.Path file = java.nio.file.Path.of("target", "consistency", knobs.cache() + "-seed"
            + knobs.seed() + "-" + System.currentTimeMillis() + ".timeline");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, Report.timeline(history, violations, started));
        progress.println("  timeline of the first violations' rows: " + file);
      }
      return new RunResult(knobs, seconds, sums(driver.operations), sums(driver.outcomes), history.reads().size(),
          driver.count("commit"), violations, mismatches, List.copyOf(driver.errorSamples));
    }
  }

  /** At quiescence: every live node's served entries against the database, for every row ever created. */
  private static List<String> audit(ConsistencyCluster cluster, Driver driver) throws Exception {
    String body = "p=" + range(1, driver.parentIdsUntil()) + "&c=" + range(1, driver.childIdsUntil())
        + "&t=" + range(1, ConsistencyCluster.TAGS + 1);
    // every node at once: each reads every row once through its cache
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(cluster.size());
    List<java.util.concurrent.CompletableFuture<List<String>>> answers = new ArrayList<>();
    for (int node = 0; node < cluster.size(); node++) {
      int n = node;
      if (cluster.isUp(n)) {
        answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return java.util.Arrays.stream(cluster.call(n, "/audit", body, java.time.Duration.ofMinutes(10))
                .split("\n")).filter(l -> !l.isBlank()).map(l -> "node " + n + ": " + l).toList();
          } catch (Exception e) {
            throw new IllegalStateException("audit of node " + n + " failed", e);
          }
        }, pool));
      }
    }
    List<String> mismatches = new ArrayList<>();
    try {
      for (var answer : answers) {
        mismatches.addAll(answer.join());
      }
    } finally {
      pool.shutdownNow();
    }
    return mismatches;
  }

  private static String range(long from, long until) {
    return LongStream.range(from, until).mapToObj(Long::toString).collect(Collectors.joining(","));
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counts) {
    return counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum(),
        Long::sum, TreeMap::new));
  }

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>();
    List<String> caches = List.of("caspian");
    List<Long> seeds = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--cache") && i + 1 < args.length) {
        caches = args[++i].equals("both") ? List.of("stock", "caspian") : List.of(args[i]);
      } else if (args[i].equals("--seeds") && i + 1 < args.length) {
        seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
      } else {
        rest.add(args[i]);
      }
    }
    Knobs base = Knobs.parse(rest.toArray(String[]::new), Knobs.defaults().withSeconds(60));
    List<RunResult> results = new ArrayList<>();
    for (long seed : seeds == null ? List.of(base.seed()) : seeds) {
      for (String cache : caches) {
        RunResult r = run(base.withCache(cache).withSeed(seed), System.out);
        System.out.println(Report.describe(r));
        results.add(r);
      }
    }
    System.out.println(Report.verdicts(results));
    boolean caspianClean = results.stream().filter(r -> r.knobs().cache().equals("caspian"))
        .allMatch(RunResult::clean);
    System.exit(caspianClean ? 0 : 1);
  }
}
