package io.caspian.consistency;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The seeded random workload: {@code nodes × threads} driver threads, each with its own {@code Random(seed, thread)}
 * choosing operation, node, row, arguments and cache mode, recording every answer in a {@link History} with the
 * {@link System#nanoTime()} interval of its HTTP call. Thread interleaving, and with it the counters that hand out
 * seqs and ids, is not deterministic.
 */
final class Driver {
  private static final String[] READS = {"find", "find", "find", "naturalId", "naturalId", "querySeq", "querySeq",
      "queryChildren", "queryChildren", "children", "children", "children", "tags", "child", "child", "tag",
      "refresh", "lock", "statelessGet"};
  private static final String[] WRITES = {"update", "update", "update", "addChild", "addChild", "removeChild",
      "removeChild", "retag", "tagUpdate", "insert", "insert", "delete", "bulkDeleteParent", "bulkUpdate",
      "nativeUpdate", "bulkDeleteChild", "statelessUpdate", "statelessInsertChild", "statelessDeleteChild",
      "statelessBulkUpdate", "statelessNativeUpdate", "rollback"};
  private static final String[] EVICTIONS = {"evictRegion", "evictCollections", "evictNaturalIds", "evictQueries",
      "evictDefaultQuery", "evictAll"};
  private static final String[] MODES = {"NORMAL", "NORMAL", "NORMAL", "NORMAL", "NORMAL", "NORMAL", "NORMAL",
      "IGNORE", "PUT", "REFRESH"};

  private static final java.util.Set<String> BULK = java.util.Set.of("bulkUpdate", "nativeUpdate",
      "bulkDeleteChild", "bulkDeleteParent");

  private final String[] writes;
  private final ConsistencyCluster cluster;
  private final Knobs knobs;
  private final History history;
  private final AtomicLong seq = new AtomicLong(1);
  private final AtomicLong nextParent;
  private final AtomicLong nextChild;
  private final List<Long> live = new ArrayList<>();
  private final Map<Long, String> childrenOf = new ConcurrentHashMap<>();
  final Map<String, LongAdder> operations = new ConcurrentSkipListMap<>();
  final Map<String, LongAdder> outcomes = new ConcurrentSkipListMap<>();
  final List<String> errorSamples = new ArrayList<>();

  Driver(ConsistencyCluster cluster, Knobs knobs, History history) {
    this.cluster = cluster;
    this.knobs = knobs;
    this.history = history;
    writes = java.util.Arrays.stream(WRITES).filter(w -> knobs.mix().equals("all")
        || !w.startsWith("stateless") && (knobs.mix().equals("no-stateless") || !BULK.contains(w)))
        .toArray(String[]::new);
    nextParent = new AtomicLong(knobs.hot() + 1);
    nextChild = new AtomicLong(2L * knobs.hot() + 1);
    for (long p = 1; p <= knobs.hot(); p++) {
      live.add(p);
      childrenOf.put(p, History.set(List.of(2 * p - 1, 2 * p)));
    }
  }

  /** One operation as drawn; {@code other} is a child or tag id, or the first child id of an insert. */
  private record Op(String kind, boolean write, long id, long other, String mode, boolean evict, boolean sync) {
    String query(long seq) {
      return "k=" + kind + "&id=" + id + "&other=" + other + "&seq=" + seq + "&mode=" + mode
          + "&evict=" + (evict ? 1 : 0) + "&sync=" + (sync ? 1 : 0);
    }
  }

  /** Runs the workload for the configured seconds, with the configured fault mid-run and a progress line every 5 s. */
  void run(PrintStream progress) throws Exception {
    int threads = knobs.nodes() * knobs.threads();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long started = System.nanoTime();
    long deadline = started + knobs.seconds() * 1_000_000_000L;
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.submit(() -> loop(new Random(knobs.seed() * 1_000_003L + thread), deadline));
    }
    pool.shutdown();
    boolean faulted = knobs.fault().equals("none");
    long nextProgress = started + 5_000_000_000L;
    while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      if (!faulted && now > started + (deadline - started) / 2) {
        faulted = true;
        // on a thread of its own: a restarting node takes seconds, progress goes on meanwhile
        Thread fault = new Thread(() -> {
          try {
            Faults.inject(knobs.fault(), cluster, progress);
          } catch (Exception e) {
            progress.println("  fault failed: " + e);
          }
        }, "fault");
        fault.setDaemon(true);
        fault.start();
      }
      if (now > nextProgress) {
        nextProgress += 5_000_000_000L;
        progress.printf("  %s t=%ds ops=%d commits=%d conflicts=%d errors=%d%n", knobs.cache(),
            (now - started) / 1_000_000_000L, total(operations), count("commit"), count("conflict"),
            count("error") + count("lost"));
      }
    }
  }

  long total(Map<String, LongAdder> counts) {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  long count(String outcome) {
    LongAdder a = outcomes.get(outcome);
    return a == null ? 0 : a.sum();
  }

  /** Every parent and child id ever handed out (some never committed: their rows are absent, as they should be). */
  long parentIdsUntil() {
    return nextParent.get();
  }

  long childIdsUntil() {
    return nextChild.get();
  }

  private void loop(Random r, long deadline) {
    while (System.nanoTime() < deadline) {
      int node = r.nextInt(cluster.size());
      Op op = draw(r);
      if (cluster.isUp(node) && execute(node, op, op.kind()) && op.write() && cluster.size() > 1) {
        // where staleness shows: a read on another node right after a commit returned
        int other = (node + 1 + r.nextInt(cluster.size() - 1)) % cluster.size();
        if (cluster.isUp(other)) {
          execute(other, new Op("children", false, op.id(), 0, "NORMAL", false, false), "probe");
        }
      }
    }
  }

  private Op draw(Random r) {
    if (r.nextDouble() < knobs.regionEvict()) {
      return new Op(EVICTIONS[r.nextInt(EVICTIONS.length)], false, 1, 0, "NORMAL", false, false);
    }
    long id = pickParent(r);
    boolean evict = r.nextDouble() < knobs.evict();
    if (r.nextDouble() < knobs.reads()) {
      String kind = READS[r.nextInt(READS.length)];
      long other = kind.equals("child") ? 1 + (long) r.nextInt((int) nextChild.get() - 1)
          : 1 + r.nextInt(ConsistencyCluster.TAGS);
      return new Op(kind, false, id, other, MODES[r.nextInt(MODES.length)], evict, false);
    }
    String kind = balance(writes[r.nextInt(writes.length)]);
    long other = switch (kind) {
      case "insert" -> nextChild.getAndAdd(2);
      case "addChild", "statelessInsertChild", "rollback" -> nextChild.getAndIncrement();
      default -> 1 + r.nextInt(ConsistencyCluster.TAGS);
    };
    if (kind.equals("insert")) {
      id = nextParent.getAndIncrement();
    }
    return new Op(kind, true, id, other, "NORMAL", evict, r.nextBoolean());
  }

  /** Keeps the live rows near {@code hot}: the contention the knob asks for. */
  private String balance(String kind) {
    int size;
    synchronized (live) {
      size = live.size();
    }
    boolean deletes = kind.equals("delete") || kind.equals("bulkDeleteParent");
    if (deletes && size <= knobs.hot() / 2) {
      return "insert";
    }
    if (kind.equals("insert") && size >= knobs.hot() + knobs.hot() / 2) {
      return "delete";
    }
    return kind;
  }

  private long pickParent(Random r) {
    synchronized (live) {
      // mostly live rows; sometimes any row ever created, to read deleted ones
      if (!live.isEmpty() && r.nextDouble() < 0.95) {
        return live.get(r.nextInt(live.size()));
      }
    }
    return 1 + (long) r.nextInt((int) nextParent.get() - 1);
  }

  /** Runs {@code op}, counted as {@code label}; whether it committed. */
  private boolean execute(int node, Op op, String label) {
    operations.computeIfAbsent(label + (op.mode().equals("NORMAL") ? "" : "/" + op.mode()),
        k -> new LongAdder()).increment();
    long drawn = op.write() ? seq.getAndIncrement() : 0;
    long start = System.nanoTime();
    String answer;
    try {
      answer = cluster.call(node, "/op", op.query(drawn));
    } catch (ConsistencyCluster.ServerError e) {
      if (e.body.startsWith("maybe")) {
        record(node, op, e.body, start, System.nanoTime(), false);
        outcome("maybe");
      } else {
        outcome("error");
        sample(op.kind() + ": " + e.body);
      }
      return false;
    } catch (IOException e) {
      if (op.write()) {
        taint(op, start);
      }
      outcome("lost");
      sample(op.kind() + ": " + e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    long end = System.nanoTime();
    switch (answer) {
      case "conflict", "absent", "rolledback", "evicted" -> {
        outcome(answer);
        return false;
      }
      default -> {
        record(node, op, answer, start, end, true);
        outcome(op.write() ? "commit" : "read");
        return op.write();
      }
    }
  }

  private void record(int node, Op op, String answer, long start, long end, boolean acknowledged) {
    for (String line : answer.split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals("R")) {
        String kind = f[3] + (op.mode().equals("NORMAL") ? "" : "/" + op.mode());
        history.read(new History.Read(f[1], f[2], start, end, kind, f[4].equals("1"), node));
      } else if (f[0].equals("W")) {
        history.commit(new History.Commit(f[1], Long.parseLong(f[2]), f[3], start, end, acknowledged,
            op.kind()));
        if (acknowledged) {
          track(f[1], f[3]);
        }
      }
    }
  }

  /** Follows the live rows and their children, for drawing rows and for tainting after a lost answer. */
  private void track(String key, String value) {
    if (key.endsWith(".c")) {
      childrenOf.put(Long.parseLong(key.substring(1, key.length() - 2)), value);
    } else if (key.startsWith("P") && !key.contains(".")) {
      long id = Long.parseLong(key.substring(1));
      synchronized (live) {
        if (value.equals("-")) {
          live.remove(id);
        } else if (!live.contains(id)) {
          live.add(id);
        }
      }
    }
  }

  /**
   * A write whose answer was lost (its node killed) may or may not have committed: its keys accept any value until
   * a later acknowledged commit settles them.
   */
  private void taint(Op op, long start) {
    long end = System.nanoTime();
    List<String> keys = new ArrayList<>(List.of("P" + op.id(), "P" + op.id() + ".c", "P" + op.id() + ".t",
        "C" + op.other(), "C" + (op.other() + 1), "T" + op.other()));
    String children = childrenOf.getOrDefault(op.id(), "{}");
    for (String c : children.substring(1, children.length() - 1).split(",")) {
      if (!c.isEmpty()) {
        keys.add("C" + c);
      }
    }
    keys.forEach(k -> history.commit(new History.Commit(k, Long.MAX_VALUE, History.ANY, start, end, false,
        op.kind())));
  }

  private void outcome(String name) {
    outcomes.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  private void sample(String error) {
    synchronized (errorSamples) {
      if (errorSamples.size() < 10) {
        errorSamples.add(error.length() > 300 ? error.substring(0, 300) : error);
      }
    }
  }
}
