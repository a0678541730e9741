package io.caspian.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link JCacheBenchmark} and {@link HibernateBenchmark} at 1 and at 8 threads (one fork per benchmark, short
 * iterations) on servers started once for the run (memcached, H2 in TCP server mode, a Hazelcast member in its own
 * JVM, redis-server), and prints one table per thread count: rows are operations, columns are raw spymemcached,
 * Caspian, stock hibernate-jcache over Caspian's JCache, Hazelcast, Redisson and no second-level cache; each cell is
 * the median of the iterations ± half their range, in µs/op, and its ratio to the raw spymemcached {@code get} of the
 * same run at the same thread count. Also writes them to {@code target/bench/results.md}.
 *
 * <p>Argument: {@code all} (default), {@code jcache}, {@code hibernate}, {@code caspian} (everything but the
 * peers) or {@code peers} (the peers' columns and the raw anchor). {@code BENCH_QUICK=1}: one warm-up and two
 * measured iterations of 0.5 s, no waiting for a quiet machine, for smoke tests; the numbers mean nothing then.
 */
public final class BenchRunner {
  private static final String J = JCacheBenchmark.class.getName() + ".";
  private static final String H = HibernateBenchmark.class.getName() + ".";
  /** The anchor of every ratio: a raw spymemcached get. */
  private static final String ANCHOR = "getRaw";
  /** Only at one thread: find without a transaction, and the clock read per transaction (issue 9's goals). */
  private static final String ONE_THREAD_ONLY =
      "(find(Caspian|Stock|Hazelcast|Redisson|NoCache)|findTxCaspianClockPerTx)";
  private static final int[] THREADS = {1, 8};

  private static final String[] PROVIDERS = {"Raw", "Caspian", "CaspianSigned", "Stock", "Hazelcast", "Redisson",
      "NoCache"};
  private static final String[] PROVIDER_HEADERS = {"raw spymemcached", "Caspian", "Caspian, signed values",
      "hibernate-jcache over Caspian",
      "Hazelcast", "Redisson", "no 2LC (H2 over TCP)"};

  private BenchRunner() {}

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "all" : args[0];
    boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
    long started = System.nanoTime();
    List<String> notes = new ArrayList<>();

    double load = quick ? load() : waitForQuiet();
    String machine = machine(load, quick);
    System.out.println(machine);

    List<BenchServers.Server> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    // interrupted (Ctrl-C), the run still stops the servers it started
    Thread stopServers = new Thread(() -> servers.forEach(BenchServers.Server::close));
    Runtime.getRuntime().addShutdownHook(stopServers);
    List<String> jvmArgs = new ArrayList<>(BenchServers.HAZELCAST_JVM_ARGS);
    Path logging = Path.of("src", "test", "resources", "logging.properties").toAbsolutePath();
    if (Files.exists(logging)) {
      jvmArgs.add("-Djava.util.logging.config.file=" + logging); // warnings only, as in the tests
    }
    List<String> skipped = new ArrayList<>();
    try {
      start(BenchServers.MEMCACHED, servers, jvmArgs, null, notes);
      if (!which.equals("jcache") && !which.equals("signed")) {
        start(BenchServers.H2, servers, jvmArgs, null, notes);
      }
      if (!which.equals("caspian") && !which.equals("signed")) {
        start(BenchServers.HAZELCAST, servers, jvmArgs, skipped, notes);
        start(BenchServers.REDIS, servers, jvmArgs, skipped, notes);
      }
      Map<Integer, Map<String, double[]>> scores = new LinkedHashMap<>();
      for (int threads : THREADS) {
        scores.put(threads, run(which, threads, quick, jvmArgs, skipped));
      }
      StringBuilder out = new StringBuilder(machine).append('\n');
      for (String note : notes) {
        out.append("- ").append(note).append('\n');
      }
      for (int threads : THREADS) {
        out.append('\n').append(table(scores.get(threads), threads));
      }
      out.append('\n').append(goals(scores.get(1)));
      out.append(String.format(Locale.ROOT, "%nWhole run: %.1f min.%n",
          (System.nanoTime() - started) / 60e9));
      System.out.println(out);
      Path file = Path.of("target", "bench", "results.md");
      Files.createDirectories(file.getParent());
      Files.writeString(file, out.toString());
      System.out.println("written to " + file);
    } finally {
      servers.forEach(BenchServers.Server::close);
      servers.clear();
    }
  }

  /** Starts a server for the run; a peer that cannot start is noted and its columns skipped, the run goes on. */
  private static void start(String name, List<BenchServers.Server> servers, List<String> jvmArgs,
      List<String> skipped, List<String> notes) {
    try {
      BenchServers.Server s = BenchServers.start(name);
      servers.add(s);
      jvmArgs.add("-Dcaspian.bench." + name + "=" + s.address());
      System.out.println("started " + name + " on " + s.address());
    } catch (RuntimeException e) {
      if (skipped == null) {
        throw e;
      }
      String provider = name.equals(BenchServers.HAZELCAST) ? "Hazelcast" : "Redisson";
      skipped.add(provider);
      String note = provider + " skipped: " + name + " did not start: " + e.getMessage()
          + (name.equals(BenchServers.REDIS) ? " (bin/ensure-prereqs bench installs redis-server as root)" : "");
      notes.add(note);
      System.out.println(note);
    }
  }

  private static Map<String, double[]> run(String which, int threads, boolean quick, List<String> jvmArgs,
      List<String> skipped) throws Exception {
    ChainedOptionsBuilder builder = new OptionsBuilder();
    String peers = "(Hazelcast|Redisson)$";
    switch (which) {
      case "jcache" -> builder.include("^" + J);
      case "hibernate" -> builder.include("^" + H).include("^" + J + ANCHOR + "$");
      case "caspian" -> builder.include("^" + J).include("^" + H).exclude(peers);
      case "peers" -> builder.include(peers).include("^" + J + ANCHOR + "$");
      case "all" -> builder.include("^" + J).include("^" + H);
      case "signed" -> builder.include("^" + J + "(get|put)(Raw|Caspian|CaspianSigned)$");
      default -> throw new IllegalArgumentException("jcache | hibernate | caspian | peers | signed | all, not "
          + which);
    }
    for (String provider : skipped) {
      builder.exclude(provider + "$");
    }
    if (threads > 1) {
      builder.exclude("\\." + ONE_THREAD_ONLY + "$");
    }
    builder.forks(1)
        .threads(threads)
        .jvmArgsAppend(jvmArgs.toArray(String[]::new))
        .shouldFailOnError(false);
    if (quick) {
      builder.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
    } else {
      builder.warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(5).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(builder.build()).run();
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
      // the median of the iterations, and half their spread: one noisy iteration on a shared machine moves a mean
      double[] iterations = r.getBenchmarkResults().stream()
          .flatMap(b -> b.getIterationResults().stream())
          .mapToDouble(i -> i.getPrimaryResult().getScore()).sorted().toArray();
      if (iterations.length == 0) {
        continue;
      }
      double median = iterations.length % 2 == 1
          ? iterations[iterations.length / 2]
          : (iterations[iterations.length / 2 - 1] + iterations[iterations.length / 2]) / 2;
      double spread = (iterations[iterations.length - 1] - iterations[0]) / 2;
      scores.put(name, new double[] {median, spread});
    }
    return scores;
  }

  /** One table: rows are operations, columns providers; µs/op (median ± half range) and the ratio to raw get. */
  static String table(Map<String, double[]> s, int threads) {
    double[] anchor = s.get(ANCHOR);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d thread%s: µs/op, median ± half range, and ratio to raw `get` (%s)%s%n%n",
        threads, threads == 1 ? "" : "s",
        anchor == null ? "not measured" : String.format(Locale.ROOT, "%.1f µs", anchor[0]),
        threads > 1 ? "; then all threads' operations per second" : ""));
    sb.append("| operation |");
    for (String h : PROVIDER_HEADERS) {
      sb.append(' ').append(h).append(" |");
    }
    sb.append('\n').append("|---|");
    sb.append("---|".repeat(PROVIDERS.length)).append('\n');
    row(sb, s, anchor, threads, "JCache `get` (hit)", "get", "raw `get`");
    row(sb, s, anchor, threads, "JCache `put`", "put", "raw `set`");
    row(sb, s, anchor, threads, "JCache `invoke` (uncontended)", "invoke", "raw `gets`+`cas`");
    row(sb, s, anchor, threads, "JCache `getAll(20)`", "getAll", "raw `getBulk(20)`");
    row(sb, s, anchor, threads, "Hibernate find hit, in a transaction", "findTx", null);
    row(sb, s, anchor, threads, "Hibernate find hit, no transaction", "find", null);
    row(sb, s, anchor, threads, "Hibernate read-write update transaction", "update", null);
    row(sb, s, anchor, threads, "Hibernate query-cache hit, 20 entities", "query", null);
    return sb.toString();
  }

  private static void row(StringBuilder sb, Map<String, double[]> s, double[] anchor, int threads, String op,
      String prefix, String rawName) {
    StringBuilder cells = new StringBuilder();
    boolean any = false;
    for (String provider : PROVIDERS) {
      double[] c = s.get(prefix + provider);
      if (c == null) {
        cells.append(" — |");
        continue;
      }
      any = true;
      cells.append(' ');
      if (provider.equals("Raw") && rawName != null && !prefix.equals("get")) {
        cells.append(rawName).append(": ");
      }
      cells.append(String.format(Locale.ROOT, "%.1f ± %.1f", c[0], c[1]));
      if (anchor != null) {
        cells.append(String.format(Locale.ROOT, " (%.2f×)", c[0] / anchor[0]));
      }
      if (threads > 1) {
        cells.append(" · ").append(opsPerSecond(threads * 1e6 / c[0]));
      }
      cells.append(" |");
    }
    if (any) {
      sb.append("| ").append(op).append(" |").append(cells).append('\n');
    }
  }

  private static String opsPerSecond(double ops) {
    return ops >= 1000 ? String.format(Locale.ROOT, "%.1fk/s", ops / 1000) : String.format(Locale.ROOT, "%.0f/s", ops);
  }

  /** Caspian against its own baselines at one thread, with the goals of issue 9. */
  static String goals(Map<String, double[]> s) {
    StringBuilder sb = new StringBuilder();
    goal(sb, s, "JCache `get` (hit)", "getCaspian", "getRaw", "raw `get`", "≤ 1.05×");
    goal(sb, s, "JCache `put`", "putCaspian", "putRaw", "raw `set`", "—");
    goal(sb, s, "JCache `invoke` (uncontended)", "invokeCaspian", "getRaw", "raw `get`", "≤ 2.2×");
    goal(sb, s, "JCache `invoke` (uncontended)", "invokeCaspian", "invokeRaw", "raw `gets`+`cas`", "—");
    goal(sb, s, "JCache `getAll(20)`", "getAllCaspian", "getAllRaw", "raw `getBulk(20)`", "≤ 1.3×");
    goal(sb, s, "Hibernate find hit, no transaction", "findCaspian", "getRaw", "raw `get`", "≤ 1.1×");
    goal(sb, s, "Hibernate find hit in a transaction", "findTxCaspian", "getRaw", "raw `get`", "≤ 1.1×");
    goal(sb, s, "Hibernate find hit in a transaction", "findTxCaspian", "findTxCaspianClockPerTx",
        "the same, clock read per transaction (`clock.max_lag=0`, as before issue 9)", "—");
    goal(sb, s, "Hibernate find hit in a transaction", "findTxCaspian", "findTxStock",
        "stock hibernate-jcache over Caspian's JCache (unsafe)", "—");
    goal(sb, s, "READ_WRITE update transaction", "updateCaspian", "getRaw", "raw `get`", "≤ 4×");
    goal(sb, s, "READ_WRITE update transaction", "updateCaspian", "updateStock", "stock hibernate-jcache (unsafe)",
        "—");
    return sb.isEmpty() ? "" : "1 thread, Caspian against its baselines (issue 9's goals)\n\n"
        + "| operation | Caspian (µs/op) | baseline (µs/op) | ratio | goal |\n"
        + "|---|---|---|---|---|\n" + sb;
  }

  private static void goal(StringBuilder sb, Map<String, double[]> s, String op, String caspian, String base,
      String baseName, String goal) {
    double[] c = s.get(caspian);
    double[] b = s.get(base);
    if (c == null || b == null) {
      return;
    }
    sb.append(String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %s %.1f ± %.1f | %.2f× | %s |%n",
        op, c[0], c[1], baseName, b[0], b[1], c[0] / b[0], goal));
  }

  /** The machine, for the README: when, what CPU, how many cores, how loaded, which JVM, how long the iterations. */
  private static String machine(double load, boolean quick) {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
    } catch (Exception ignored) {
      // not Linux
    }
    return String.format(Locale.ROOT,
        "Run %s: %s, %d cores, %.0f GiB, load %.2f at start, Java %s, %s%s.",
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now()),
        cpu, Runtime.getRuntime().availableProcessors(), totalMemoryGib(), load,
        System.getProperty("java.version"),
        quick ? "QUICK MODE (1 × 0.5 s warm-up, 2 × 0.5 s measured: smoke test, not a measurement)"
            : "one fork per case, 2 × 1 s warm-up, 5 × 1 s measured",
        "");
  }

  private static double totalMemoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
        }
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024);
  }

  private static double load() throws Exception {
    Path loadavg = Path.of("/proc/loadavg");
    return Files.exists(loadavg) ? Double.parseDouble(Files.readString(loadavg).split(" ")[0]) : -1;
  }

  /** Waits (at most five minutes) for the one-minute load average to fall below the core count minus one. */
  private static double waitForQuiet() throws Exception {
    double limit = Math.max(0.5, Runtime.getRuntime().availableProcessors() - 1.0);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    double load = load();
    while (load > limit && System.nanoTime() < deadline) {
      System.out.printf(Locale.ROOT, "load average %.2f above %.2f: waiting for a quieter machine%n", load, limit);
      Thread.sleep(10_000);
      load = load();
    }
    System.out.printf(Locale.ROOT, "load average %.2f at start%n", load);
    return load;
  }
}
