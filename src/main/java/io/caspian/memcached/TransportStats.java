package io.caspian.memcached;

import io.caspian.memcached.security.ValueSigner;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the transport saw; shared by every cache of one client, read by the statistics beans. */
public final class TransportStats {
  final LongAdder casConflicts = new LongAdder();
  final LongAdder casRetries = new LongAdder();
  final LongAdder casGaveUp = new LongAdder();
  final LongAdder oversized = new LongAdder();
  final LongAdder rejectedClasses = new LongAdder();
  final LongAdder undecodable = new LongAdder();
  final LongAdder tampered = new LongAdder();
  final LongAdder failOpen = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder roundTrips = new LongAdder();
  final LongAdder backgroundRoundTrips = new LongAdder();
  /** Per server: its single-key waits (see {@link #serverWaits()}). */
  private final java.util.concurrent.ConcurrentMap<java.net.SocketAddress, ServerWaits> waits =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Per server, the requests waited for and the time waited (read live, for a latency timer per server; every server
   * of the pool is present from the start). A single-key request counts once, for its key's server. A multi-get
   * counts once for every server it asked, timed from the request to the moment its answer was taken (the answers
   * are taken in turn, so a server that answered while a slower one was awaited is charged up to the slower one's
   * time) - except {@code getBulk} over a pool of several servers: spymemcached does not tell which servers it asked,
   * and finding out would hash every key a second time; it counts in {@link #roundTrips()} only.
   */
  public java.util.Map<java.net.SocketAddress, ServerWaits> serverWaits() {
    return java.util.Collections.unmodifiableMap(waits);
  }

  void recordWait(java.net.SocketAddress server, long nanos) {
    ServerWaits w = waits.computeIfAbsent(server, s -> new ServerWaits());
    w.count.increment();
    w.nanos.add(nanos);
  }

  void trackServer(java.net.SocketAddress server) {
    waits.computeIfAbsent(server, s -> new ServerWaits());
  }

  /** One server's waits: how many, and the nanoseconds they took in total. */
  public static final class ServerWaits {
    private final LongAdder count = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    public long count() {
      return count.sum();
    }

    public long totalNanos() {
      return nanos.sum();
    }
  }

  /**
   * Times a caller waited for memcached: one per request, one per multi-get however many servers it asks in
   * parallel. Latency follows this count far more than bytes or CPU (a loopback round trip through the client's IO
   * thread costs tens of microseconds).
   */
  public long roundTrips() {
    return roundTrips.sum();
  }

  /**
   * The part of {@link #roundTrips()} waited for by background threads (see {@link Memcached#markBackgroundThread()}),
   * which no application thread waits for.
   */
  public long backgroundRoundTrips() {
    return backgroundRoundTrips.sum();
  }

  /** CAS or add attempts that lost to another writer. */
  public long casConflicts() {
    return casConflicts.sum();
  }

  /** Updates that went round the CAS loop again after a conflict. */
  public long casRetries() {
    return casRetries.sum();
  }

  /** Updates abandoned after the configured number of attempts. */
  public long casGaveUp() {
    return casGaveUp.sum();
  }

  /** Values not cached because they exceed the item size; the key was removed instead. */
  public long oversized() {
    return oversized.sum();
  }

  /** Stored values whose class the allow-list rejected; read as misses. */
  public long rejectedClasses() {
    return rejectedClasses.sum();
  }

  /** Stored values that could not be decoded (tampered, foreign, or of an incompatible class); read as misses. */
  public long undecodable() {
    return undecodable.sum();
  }

  /**
   * Stored values that failed authentication ({@link ValueSigner}): unsigned, altered, copied from another key or
   * signed with an unknown secret; read as misses, never decoded.
   */
  public long tamperedValues() {
    return tampered.sum();
  }

  /** Operations that timed out or hit a node that is down. */
  public long failures() {
    return failures.sum();
  }

  /** The part of {@link #failures()} that timed out: the server did not answer within the operation timeout. */
  public long timeouts() {
    return timeouts.sum();
  }

  /** Reads answered as misses and writes skipped because a server could not be reached ({@code caspian.fail-open}). */
  public long failOpen() {
    return failOpen.sum();
  }

  public void recordFailOpen() {
    failOpen.increment();
  }

  public void recordRejectedClass() {
    rejectedClasses.increment();
  }

  public void recordUndecodable() {
    undecodable.increment();
  }

  @Override
  public String toString() {
    return "TransportStats[casConflicts=" + casConflicts() + ", casRetries=" + casRetries() + ", casGaveUp="
        + casGaveUp() + ", oversized=" + oversized() + ", rejectedClasses=" + rejectedClasses() + ", undecodable="
         + undecodable() + ", tampered=" + tamperedValues() + ", failures=" + failures() + ", timeouts=" + timeouts()
        + ", failOpen=" + failOpen() + "]";
  }
}
