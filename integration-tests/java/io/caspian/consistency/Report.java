package io.caspian.consistency;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Text reports of {@link RunResult}s: one run in detail, and the verdict table of several. */
final class Report {
  private static final int EXAMPLES = 3;

  private Report() {
  }

  static String describe(RunResult r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("== %s%n", r.knobs()));
    out.append(String.format("   %.1f s, %d operations (%.0f/s), %d commits, %d observations checked%n",
        r.seconds(), r.totalOperations(), r.totalOperations() / Math.max(r.seconds(), 0.001), r.commits(),
        r.reads()));
    out.append("   operations: ").append(join(r.operations())).append('\n');
    out.append("   outcomes:   ").append(join(r.outcomes())).append('\n');
    Map<String, List<Checker.Violation>> byKind = r.violations().stream()
        .collect(Collectors.groupingBy(Checker.Violation::kind, TreeMap::new, Collectors.toList()));
    out.append(String.format("   violations: %d (%d through the cache, %d control)%n", r.violations().size(),
        r.staleReads(), r.controlViolations()));
    byKind.forEach((kind, list) -> {
      out.append(String.format("     %-60s %d%n", kind, list.size()));
      list.stream().limit(EXAMPLES).forEach(v -> out.append(String.format(
          "       %s seen %s on node %d, seq %d (%s, by %s) had returned %.1f ms before the read was sent%n",
          v.read().key(), v.read().value(), v.read().node(), v.newer().seq(), v.newer().value(), v.newer().kind(),
          v.msSinceCommit())));
    });
    if (!r.violations().isEmpty()) {
      // which write's effect the stale reads missed: the path to look at first
      out.append("     missed commits by operation: ").append(join(r.violations().stream().collect(
          Collectors.groupingBy(v -> v.newer().kind(), TreeMap::new, Collectors.counting())))).append('\n');
    }
    out.append(String.format("   quiescent mismatches: %d%n", r.mismatches().size()));
    r.mismatches().stream().limit(10).forEach(m -> out.append("     ").append(m).append('\n'));
    if (!r.errors().isEmpty()) {
      out.append("   error samples:\n");
      r.errors().forEach(e -> out.append("     ").append(e.replace('\n', ' ')).append('\n'));
    }
    return out.toString();
  }

  static String verdicts(List<RunResult> runs) {
    StringBuilder out = new StringBuilder(String.format("%n%-8s %6s %6s %6s %-15s %8s %8s %9s %6s %8s %10s  %s%n",
        "cache", "seed", "evict", "secs", "fault", "ops", "commits", "obs", "stale", "control", "quiescent",
        "verdict"));
    for (RunResult r : runs) {
      out.append(String.format("%-8s %6d %6.2f %6.0f %-15s %8d %8d %9d %6d %8d %10d  %s%n", r.knobs().cache(),
          r.knobs().seed(), r.knobs().evict(), r.seconds(), r.knobs().fault(), r.totalOperations(), r.commits(),
          r.reads(), r.staleReads(), r.controlViolations(), r.mismatches().size(),
          r.clean() ? "CLEAN" : "STALE"));
    }
    return out.toString();
  }

  /**
   * The history of the rows the first violations are about (a parent with its collections, or a child or tag), in
   * order of call start, times in ms since {@code origin}: what to read when a violation needs explaining.
   */
  static String timeline(History history, List<Checker.Violation> violations, long origin) {
    java.util.Set<String> rows = violations.stream().limit(5).map(v -> row(v.read().key()))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    record Event(long start, String text) {
    }
    List<Event> events = new java.util.ArrayList<>();
    for (History.Commit c : history.commits()) {
      if (rows.contains(row(c.key()))) {
        events.add(new Event(c.startNanos(), String.format("%10.1f %10.1f  W %-8s seq %-6d %-12s %s%s",
            ms(c.startNanos(), origin), ms(c.endNanos(), origin), c.key(), c.seq(), c.value(), c.kind(),
            c.acknowledged() ? "" : " (unknown)")));
      }
    }
    for (History.Read r : history.reads()) {
      if (rows.contains(row(r.key()))) {
        events.add(new Event(r.startNanos(), String.format("%10.1f %10.1f  R %-8s %-12s %s node %d",
            ms(r.startNanos(), origin), ms(r.endNanos(), origin), r.key(), r.value(), r.kind(), r.node())));
      }
    }
    events.sort(java.util.Comparator.comparingLong(Event::start));
    return events.stream().map(Event::text).collect(Collectors.joining("\n", "  start ms   end ms\n", "\n"));
  }

  private static String row(String key) {
    int dot = key.indexOf('.');
    return dot < 0 ? key : key.substring(0, dot);
  }

  private static double ms(long nanos, long origin) {
    return (nanos - origin) / 1e6;
  }

  private static String join(Map<String, Long> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
