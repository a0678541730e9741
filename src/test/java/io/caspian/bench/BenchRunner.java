package io.caspian.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link JCacheBenchmark} and {@link HibernateBenchmark} (one fork each, short iterations) and prints each
 * Caspian operation's latency as a ratio of its baseline measured in the same run; also writes the tables to
 * {@code target/bench/results.md}. Argument: {@code jcache}, {@code hibernate} or nothing for both.
 */
public final class BenchRunner {
  private BenchRunner() {}

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "all" : args[0];
    OptionsBuilder builder = new OptionsBuilder();
    if (!which.equals("hibernate")) {
      builder.include(JCacheBenchmark.class.getName());
    }
    if (!which.equals("jcache")) {
      builder.include(HibernateBenchmark.class.getName());
    }
    Options options = builder
        .forks(1)
        .warmupIterations(3).warmupTime(TimeValue.seconds(2))
        .measurementIterations(5).measurementTime(TimeValue.seconds(2))
        .threads(1)
        .build();
    waitForQuiet();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
      // the median of the iterations, and half their spread: one noisy iteration on a shared machine moves a mean
      double[] iterations = r.getBenchmarkResults().stream()
          .flatMap(b -> b.getIterationResults().stream())
          .mapToDouble(i -> i.getPrimaryResult().getScore()).sorted().toArray();
      double median = iterations[iterations.length / 2];
      double spread = (iterations[iterations.length - 1] - iterations[0]) / 2;
      scores.put(name, new double[] {median, spread});
    }
    String table = table(scores) + "\n" + hibernateTable(scores);
    System.out.println(table);
    Path out = Path.of("target", "bench", "results.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  /** Waits (at most two minutes) for the one-minute load average to fall below the core count minus one. */
  private static void waitForQuiet() throws Exception {
    Path loadavg = Path.of("/proc/loadavg");
    if (!Files.exists(loadavg)) {
      return;
    }
    double limit = Math.max(0.5, Runtime.getRuntime().availableProcessors() - 1.0);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    double load = Double.parseDouble(Files.readString(loadavg).split(" ")[0]);
    while (load > limit && System.nanoTime() < deadline) {
      System.out.printf(Locale.ROOT, "load average %.2f above %.2f: waiting for a quieter machine%n", load, limit);
      Thread.sleep(10_000);
      load = Double.parseDouble(Files.readString(loadavg).split(" ")[0]);
    }
    System.out.printf(Locale.ROOT, "load average %.2f at start%n", load);
  }

  private static String table(Map<String, double[]> s) {
    StringBuilder sb = new StringBuilder();
    sb.append("| operation | Caspian (µs/op, median ± half range) | raw spymemcached (µs/op) | ratio | goal |\n");
    sb.append("|---|---|---|---|---|\n");
    row(sb, s, "get (hit)", "caspianGet", "rawGet", "get", "≤ 1.05×");
    row(sb, s, "put", "caspianPut", "rawSet", "set", "—");
    row(sb, s, "invoke (uncontended)", "caspianInvoke", "rawGet", "one get", "≤ 2.2×");
    row(sb, s, "invoke (uncontended)", "caspianInvoke", "rawGetsCas", "gets+cas", "—");
    row(sb, s, "getAll(20)", "caspianGetAll20", "rawGetBulk20", "getBulk(20)", "≤ 1.3×");
    row(sb, s, "getAll(20)", "caspianGetAll20", "rawGet", "one get", "—");
    return sb.toString();
  }

  private static String hibernateTable(Map<String, double[]> s) {
    StringBuilder sb = new StringBuilder();
    sb.append("| Hibernate operation | Caspian (µs/op, median ± half range) | baseline (µs/op) | ratio | goal |\n");
    sb.append("|---|---|---|---|---|\n");
    row(sb, s, "find by id, cache hit", "findCaspian", "rawGetHibernateRun", "raw spymemcached get", "≤ 1.1×");
    row(sb, s, "find by id, cache hit", "findCaspian", "findStockJcache", "stock jcache hit", "—");
    row(sb, s, "find by id, cache hit", "findCaspian", "findNoSecondLevelCache", "no 2LC (H2 in-memory)", "—");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "rawGetHibernateRun", "raw spymemcached get", "≤ 1.1×");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "findInTxCaspianClockReadPerTx",
        "clock read per tx (max_lag=0)", "—");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "findInTxStockJcache", "stock jcache hit", "—");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "findInTxNoSecondLevelCache",
        "no 2LC (H2 in-memory)", "—");
    row(sb, s, "read-write update tx", "updateCaspian", "rawGetHibernateRun", "raw spymemcached get", "≤ 4×");
    row(sb, s, "read-write update tx", "updateCaspian", "updateStockJcache", "stock jcache (unsafe)", "—");
    return sb.toString();
  }

  private static void row(StringBuilder sb, Map<String, double[]> s, String op, String caspian, String raw,
      String rawName, String goal) {
    double[] c = s.get(caspian);
    double[] r = s.get(raw);
    if (c == null || r == null) {
      return;
    }
    sb.append(String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %s %.1f ± %.1f | %.2f× | %s |%n",
        op, c[0], c[1], rawName, r[0], r[1], c[0] / r[0], goal));
  }
}
