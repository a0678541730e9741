package io.caspian.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run looked like second by second: requests, errors, latency and the cluster's cache hit ratio. The demo
 * charts it; the fault tests read the error rate, the latency during a fault and the time the hit ratio took to
 * recover from it.
 */
final class Timeline {
  /** One second of the run. */
  static final class Second {
    long requests;
    long errors;
    long latencyNanos;
    long maxLatencyNanos;
    long hits;
    long misses;

    double hitRatio() {
      return hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses);
    }

    double meanLatencyMillis() {
      return requests == 0 ? 0 : latencyNanos / 1e6 / requests;
    }
  }

  private final long startNanos = System.nanoTime();
  private final List<Second> seconds = new ArrayList<>();
  private final List<String> marks = new ArrayList<>();

  synchronized void request(long latencyNanos, boolean error) {
    Second s = now();
    s.requests++;
    s.latencyNanos += latencyNanos;
    s.maxLatencyNanos = Math.max(s.maxLatencyNanos, latencyNanos);
    if (error) {
      s.errors++;
    }
  }

  synchronized void cache(long hits, long misses) {
    Second s = now();
    s.hits += hits;
    s.misses += misses;
  }

  /** Notes an event (a fault injected, a node back) at the current second. */
  synchronized void mark(String event) {
    now();
    marks.add(second() + ":" + event);
  }

  /** The second of the first mark, or -1. */
  synchronized int firstMark() {
    return marks.isEmpty() ? -1 : Integer.parseInt(marks.get(0).split(":", 2)[0]);
  }

  synchronized List<String> marks() {
    return List.copyOf(marks);
  }

  synchronized List<Second> seconds() {
    return List.copyOf(seconds);
  }

  /** Seconds from {@code from} until the hit ratio is back to {@code fraction} of its mean before {@code from}. */
  synchronized int recoverySeconds(int from, double fraction) {
    double before = meanHitRatio(0, from);
    if (Double.isNaN(before)) {
      return -1;
    }
    for (int i = from; i < seconds.size(); i++) {
      double ratio = seconds.get(i).hitRatio();
      if (!Double.isNaN(ratio) && ratio >= fraction * before && i > from) {
        return i - from;
      }
    }
    return -1;
  }

  synchronized double meanHitRatio(int from, int to) {
    long hits = 0;
    long all = 0;
    for (int i = Math.max(0, from); i < Math.min(to, seconds.size()); i++) {
      hits += seconds.get(i).hits;
      all += seconds.get(i).hits + seconds.get(i).misses;
    }
    return all == 0 ? Double.NaN : (double) hits / all;
  }

  /** The largest latency in ms in seconds [from, to). */
  synchronized double maxLatencyMillis(int from, int to) {
    long max = 0;
    for (int i = Math.max(0, from); i < Math.min(to, seconds.size()); i++) {
      max = Math.max(max, seconds.get(i).maxLatencyNanos);
    }
    return max / 1e6;
  }

  private int second() {
    return (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
  }

  private Second now() {
    int index = second();
    while (seconds.size() <= index) {
      seconds.add(new Second());
    }
    return seconds.get(index);
  }
}
