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
    /** Each request's latency this second, in ns (a hundred or so a second: kept whole for percentiles). */
    long[] latencies = new long[16];
    int samples;

    void addLatency(long nanos) {
      if (samples == latencies.length) {
        latencies = java.util.Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[samples++] = nanos;
    }

    /** The {@code p}-th percentile (0..100) of this second's latencies in ms, or 0 without requests. */
    double percentileMillis(double p) {
      if (samples == 0) {
        return 0;
      }
      long[] sorted = java.util.Arrays.copyOf(latencies, samples);
      java.util.Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    double hitRatio() {
      return hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses);
    }

    double meanLatencyMillis() {
      return requests == 0 ? 0 : latencyNanos / 1e6 / requests;
    }
  }

  private final long startNanos = System.nanoTime();

  /** A timeline made of given seconds and marks ({@code "second:event"}), for testing the report. */
  static Timeline of(List<Second> seconds, List<String> marks) {
    Timeline timeline = new Timeline();
    timeline.seconds.addAll(seconds);
    timeline.marks.addAll(marks);
    return timeline;
  }

  private final List<Second> seconds = new ArrayList<>();
  private final List<String> marks = new ArrayList<>();

  synchronized void request(long latencyNanos, boolean error) {
    Second s = now();
    s.requests++;
    s.addLatency(latencyNanos);
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
