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
        .warmupIterations(2).warmupTime(TimeValue.seconds(1))
        .measurementIterations(3).measurementTime(TimeValue.seconds(1))
        .threads(1)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
      scores.put(name, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
    }
    String table = table(scores) + "\n" + hibernateTable(scores);
    System.out.println(table);
    Path out = Path.of("target", "bench", "results.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  private static String table(Map<String, double[]> s) {
    StringBuilder sb = new StringBuilder();
    sb.append("| operation | Caspian (µs/op) | raw spymemcached (µs/op) | ratio | goal |\n");
    sb.append("|---|---|---|---|---|\n");
    row(sb, s, "get (hit)", "caspianGet", "rawGet", "get", "≤ 1.2×");
    row(sb, s, "put", "caspianPut", "rawSet", "set", "—");
    row(sb, s, "invoke (uncontended)", "caspianInvoke", "rawGet", "one get", "≤ 2.2×");
    row(sb, s, "invoke (uncontended)", "caspianInvoke", "rawGetsCas", "gets+cas", "—");
    row(sb, s, "getAll(20)", "caspianGetAll20", "rawGetBulk20", "getBulk(20)", "one round trip");
    row(sb, s, "getAll(20)", "caspianGetAll20", "rawGet", "one get", "—");
    return sb.toString();
  }

  private static String hibernateTable(Map<String, double[]> s) {
    StringBuilder sb = new StringBuilder();
    sb.append("| Hibernate operation | Caspian (µs/op) | baseline (µs/op) | ratio | goal |\n");
    sb.append("|---|---|---|---|---|\n");
    row(sb, s, "find by id, cache hit", "findCaspian", "rawGet", "raw spymemcached get", "≤ 1.1×");
    row(sb, s, "find by id, cache hit", "findCaspian", "findStockJcache", "stock jcache hit", "—");
    row(sb, s, "find by id, cache hit", "findCaspian", "findNoSecondLevelCache", "no 2LC (H2 in-memory)", "—");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "rawGet", "raw spymemcached get", "≤ 1.1×");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "findInTxCaspianClockReadPerTx",
        "clock read per tx (max_lag=0)", "—");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "findInTxStockJcache", "stock jcache hit", "—");
    row(sb, s, "find in a transaction, hit", "findInTxCaspian", "findInTxNoSecondLevelCache",
        "no 2LC (H2 in-memory)", "—");
    row(sb, s, "read-write update tx", "updateCaspian", "updateStockJcache", "stock jcache (unsafe)", "≤ 1.3×");
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
