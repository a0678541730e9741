package io.caspian.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the reads of a {@link History} that saw a state older than one whose commit had been acknowledged before the
 * read was sent. Pure: no clock, no I/O.
 *
 * <p>The rule: let B be the acknowledged commit with the largest seq, on the read's key, whose call returned before
 * the read's call was sent. The read must observe the value of some commit of that key with seq &ge; B's (one that
 * committed concurrently with the read included, one whose outcome is unknown included). Anything else (an older
 * value, a deleted row present, a committed row absent, a value never committed such as a rolled-back one) is a
 * violation. Because B's answer was received before the read was sent, B's commit is in the database before the
 * read starts in any JVM, whatever the clocks: no false positive from overlap.
 */
public final class Checker {
  /** A read that broke the rule; {@code newer} is the commit it should have seen, or a newer one. */
  public record Violation(String kind, History.Read read, History.Commit newer) {
    /** How long before the read was sent the newer commit had returned. */
    public double msSinceCommit() {
      return (read.startNanos() - newer.endNanos()) / 1e6;
    }

    @Override
    public String toString() {
      return String.format("%s: %s read %s on node %d, committed seq %d value %s returned %.1f ms before",
          kind, read.key(), read.value(), read.node(), newer.seq(), newer.value(), msSinceCommit());
    }
  }

  private Checker() {
  }

  public static List<Violation> check(History history) {
    Map<String, KeyHistory> keys = new HashMap<>();
    for (History.Commit c : history.commits()) {
      keys.computeIfAbsent(c.key(), k -> new KeyHistory()).add(c);
    }
    keys.values().forEach(KeyHistory::seal);
    List<Violation> violations = new ArrayList<>();
    for (History.Read r : history.reads()) {
      if (r.value().startsWith(History.GONE)) {
        KeyHistory child = keys.get(r.value().substring(History.GONE.length()));
        History.Commit last = child == null ? null : child.latestBefore(r.startNanos());
        if (last != null && last.value().equals("-")) {
          violations.add(new Violation(prefix(r) + "collection holds a deleted child", r, last));
        }
        continue;
      }
      KeyHistory key = keys.get(r.key());
      if (key == null) {
        continue;
      }
      History.Commit bound = key.latestBefore(r.startNanos());
      if (bound == null || key.seen(r, bound) || key.unsettled(r, bound)) {
        continue;
      }
      violations.add(new Violation(classify(r, bound, keys), r, bound));
    }
    return violations;
  }

  private static String classify(History.Read r, History.Commit bound, Map<String, KeyHistory> keys) {
    String prefix = prefix(r);
    if (r.value().startsWith("{")) {
      for (String id : r.value().substring(1, r.value().length() - 1).split(",")) {
        KeyHistory child = id.isEmpty() ? null : keys.get("C" + id);
        History.Commit last = child == null ? null : child.latestBefore(r.startNanos());
        if (last != null && last.value().equals("-")) {
          return prefix + "collection holds a deleted child";
        }
      }
      return prefix + "stale collection";
    }
    if (bound.value().equals("-")) {
      return prefix + "deleted row read as present";
    }
    if (r.value().equals("-")) {
      return prefix + "committed row read as absent";
    }
    return prefix + "stale state";
  }

  /**
   * A deleted parent's collections are empty: a read that loads them after the delete committed (its owner still
   * seen, from before) sees {@code {}}, as a query over the children of a deleted parent does.
   */
  private static String canonical(String key, String value) {
    return key.contains(".") && value.equals("-") ? "{}" : value;
  }

  private static String prefix(History.Read r) {
    return (r.control() ? "control " : "") + r.kind() + ": ";
  }

  /** One key's commits: the acknowledged ones by end time, and the largest seq each value was committed with. */
  private static final class KeyHistory {
    private final List<History.Commit> acknowledged = new ArrayList<>();
    private final Map<String, Long> latestSeqOfValue = new HashMap<>();
    private final List<History.Commit> unknown = new ArrayList<>();
    private long[] ends;
    private History.Commit[] maxUpTo;

    void add(History.Commit c) {
      if (c.value().equals(History.ANY)) {
        unknown.add(c);
        return;
      }
      if (c.acknowledged()) {
        acknowledged.add(c);
      }
      latestSeqOfValue.merge(canonical(c.key(), c.value()), c.seq(), Math::max);
    }

    void seal() {
      acknowledged.sort(Comparator.comparingLong(History.Commit::endNanos));
      ends = new long[acknowledged.size()];
      maxUpTo = new History.Commit[acknowledged.size()];
      History.Commit max = null;
      for (int i = 0; i < ends.length; i++) {
        History.Commit c = acknowledged.get(i);
        ends[i] = c.endNanos();
        max = max == null || c.seq() > max.seq() ? c : max;
        maxUpTo[i] = max;
      }
    }

    /** The acknowledged commit with the largest seq among those that returned strictly before {@code nanos}. */
    History.Commit latestBefore(long nanos) {
      int lo = 0;
      int hi = ends.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ends[mid] < nanos) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo == 0 ? null : maxUpTo[lo - 1];
    }

    /**
     * Whether a write of unknown outcome may explain the read: it began before the read ended, and no acknowledged
     * commit that began after it ended (and so read back its effect) returned before the read began.
     */
    boolean unsettled(History.Read r, History.Commit bound) {
      return unknown.stream().anyMatch(w -> w.startNanos() < r.endNanos() && bound.startNanos() <= w.endNanos());
    }

    boolean seen(History.Read r, History.Commit bound) {
      return latestSeqOfValue.getOrDefault(canonical(r.key(), r.value()), Long.MIN_VALUE) >= bound.seq();
    }
  }
}
