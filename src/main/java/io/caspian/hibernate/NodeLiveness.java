package io.caspian.hibernate;

import io.caspian.hibernate.protocol.ClockTicks;
import io.caspian.hibernate.protocol.EndedNodes;
import io.caspian.hibernate.protocol.SoftLockState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;

/**
 * This node's heartbeat, and what it knows of other nodes' (see docs/hibernate-design.md, "Node liveness").
 *
 * <p>Every node stores under {@link NodeKey}(its id) the cluster time until which it promises to be alive, renewed
 * every quarter of the node timeout. Another node that finds that promise past (its own {@link ClusterClock#now()}
 * beyond it), and the very same promise still there half a node timeout later (so that a heartbeat put back once
 * is overwritten by its live owner first), knows the node ended then, and its soft locks and table leases stop
 * counting at that moment
 * ({@link EndedNodes}) instead of at their own, much later, lock-timeout deadlines. A missing heartbeat proves
 * nothing (never written, or memcached lost it): such a node's leases keep their own deadlines.
 *
 * <p>A node that was silent itself (a long pause, memcached unreachable for its heartbeat) may have been judged
 * ended while it still runs transactions. It trusts its own promise only for half the node timeout after the write
 * that made it; past that it takes a new id for every lock and lease from then on (an ended id is never used again,
 * since the other nodes remember it as ended for good), and the transactions that hold leases under the old id lock
 * their keys again under the new one before they commit ({@link CaspianTransactionSynchronization}).
 */
final class NodeLiveness {
  /** The heartbeat of one node (its current id). */
  record NodeKey(UUID node) implements Serializable {
  }

  /**
   * What this node knows of another: ended at {@code end}; or alive until {@code aliveUntil}; or found past that
   * promise at {@code checkedNanos} and not yet confirmed ({@code suspect}); or unknown ({@code aliveUntil} MIN).
   */
  private record Known(Long end, long aliveUntil, long checkedNanos, boolean suspect) {
  }

  private static final System.Logger LOG = System.getLogger(NodeLiveness.class.getName());
  /** How long a node whose heartbeat is missing is not asked about again. */
  private static final long UNKNOWN_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_KNOWN = 10_000;

  private final Cache<Object, Object> heartbeats;
  private final ClusterClock clock;
  private final long timeoutTicks;
  private final long selfTrustNanos;
  /**
   * How long a heartbeat found past its promise must stay the same before its node counts as ended: longer than the
   * node's renewal interval, so that an earlier heartbeat put back once (a replay) is overwritten by the live node
   * before anyone concludes from it; a crashed node is judged ended this much later.
   */
  private final long confirmNanos;
  private final Map<UUID, Known> known = new ConcurrentHashMap<>();
  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong identityChanges = new AtomicLong();
  private final AtomicLong endedLeases = new AtomicLong();
  private volatile EndedNodes ended = EndedNodes.NONE;
  private volatile UUID self = UUID.randomUUID();
  /** {@link System#nanoTime()} up to which our own latest promise holds for sure, if {@link #promised}. */
  private volatile long trustedUntilNanos;
  /** Whether the current id promised anything yet: until it did, nobody can judge it ended. */
  private volatile boolean promised;
  private volatile boolean stopped;

  /**
   * @param heartbeats a cache whose entries outlive the node timeout plus the lock timeout, so an ended node's
   *                   promise is still there while any of its leases could count
   * @param timeout    the node timeout: how long after its last heartbeat a node counts as ended
   */
  NodeLiveness(Cache<Object, Object> heartbeats, ClusterClock clock, java.time.Duration timeout) {
    this.heartbeats = heartbeats;
    this.clock = clock;
    this.timeoutTicks = ClockTicks.fromMillis(timeout.toMillis());
    this.selfTrustNanos = timeout.toNanos() / 2;
    this.confirmNanos = timeout.toNanos() / 2;
  }

  /** How often {@link #heartbeat} should run. */
  static java.time.Duration interval(java.time.Duration timeout) {
    return timeout.dividedBy(4);
  }

  /**
   * This node's id for a new lock or lease: a new one when our last promise may have run out, since the other nodes
   * may have judged the old one ended.
   */
  UUID self() {
    if (lapsed()) {
      return renewIdentity();
    }
    return self;
  }

  private boolean lapsed() {
    // nanoTime values are compared by difference only: their origin is arbitrary, and may be negative
    return promised && System.nanoTime() - trustedUntilNanos > 0;
  }

  /** Whether leases taken under {@code node} may have been judged ended by other nodes (it is not our id any more). */
  boolean mayHaveEnded(UUID node) {
    return !node.equals(self());
  }

  private synchronized UUID renewIdentity() {
    if (lapsed()) {
      UUID old = self;
      self = UUID.randomUUID();
      promised = false;
      identityChanges.incrementAndGet();
      LOG.log(System.Logger.Level.WARNING, () -> "this node renewed no heartbeat for more than half the node timeout"
          + " (a pause, or memcached out of reach): it may have been judged ended, so it goes on as a new node (" + old
          + " -> " + self + "); its transactions in flight lock their keys again before they commit");
    }
    return self;
  }

  /** Renews this node's promise; run every {@link #interval}. Never throws. */
  void heartbeat() {
    if (stopped) {
      return;
    }
    UUID id = self();
    long started = System.nanoTime();
    long until = clock.now() + timeoutTicks;
    try {
      heartbeats.put(new NodeKey(id), until);
    } catch (RuntimeException e) {
      return; // not renewed: past the trust window the next lock takes a new id
    }
    synchronized (this) {
      if (id.equals(self) && !stopped) {
        trustedUntilNanos = started + selfTrustNanos;
        promised = true;
        renewals.incrementAndGet();
      }
    }
  }

  /** A clean stop: our leases end now (none should be left, the completions have drained). */
  void stop() {
    stopped = true;
    try {
      heartbeats.put(new NodeKey(self), clock.now());
    } catch (RuntimeException e) {
      // the heartbeat lapses on its own
    }
  }

  /** The nodes known to have ended, without asking memcached. */
  EndedNodes known() {
    return ended;
  }

  /**
   * The nodes known to have ended, after asking memcached (one multi-get) about those of {@code nodes} whose
   * heartbeat this node has not judged recently: a node seen alive is not asked again until its promise runs out.
   */
  EndedNodes check(Collection<UUID> nodes) {
    long now = clock.now();
    long nowNanos = System.nanoTime();
    Set<UUID> ask = new LinkedHashSet<>();
    UUID me = self;
    for (UUID node : nodes) {
      if (node.equals(me) || node.equals(SoftLockState.LEGACY_HOLDER.node())) {
        continue;
      }
      Known k = known.get(node);
      if (k == null || k.end() == null && (k.suspect() ? nowNanos - k.checkedNanos() >= confirmNanos
          : k.aliveUntil() == Long.MIN_VALUE ? nowNanos - k.checkedNanos() > UNKNOWN_RECHECK_NANOS
              : now > k.aliveUntil())) {
        ask.add(node);
      }
    }
    if (ask.isEmpty()) {
      return ended;
    }
    List<Object> keys = new ArrayList<>(ask.size());
    ask.forEach(node -> keys.add(new NodeKey(node)));
    Map<Object, Object> answers;
    try {
      answers = heartbeats.getAll(new LinkedHashSet<>(keys));
    } catch (RuntimeException e) { // never the user's transaction's failure: the leases keep their deadlines
      return ended;
    }
    if (known.size() > MAX_KNOWN) {
      known.clear(); // forgetting is safe: an ended node is only asked about again
    }
    Map<UUID, Long> newlyEnded = new HashMap<>();
    for (UUID node : ask) {
      Object promise = answers.get(new NodeKey(node));
      Known before = known.get(node);
      if (!(promise instanceof Long until)) {
        known.put(node, new Known(null, Long.MIN_VALUE, nowNanos, false));
      } else if (now <= until) {
        known.put(node, new Known(null, until, nowNanos, false));
      } else if (before != null && before.suspect() && before.aliveUntil() == until
          && nowNanos - before.checkedNanos() >= confirmNanos) {
        known.put(node, new Known(until, until, nowNanos, false)); // still the same, long after: it has ended
        newlyEnded.put(node, until);
      } else {
        known.put(node, new Known(null, until, nowNanos, true)); // past its promise: ended, unless it renews
      }
    }
    if (!newlyEnded.isEmpty()) {
      synchronized (this) {
        ended = ended.endedAt().size() > MAX_KNOWN ? new EndedNodes(newlyEnded) : ended.plus(newlyEnded);
      }
      LOG.log(System.Logger.Level.INFO, () -> "nodes " + newlyEnded.keySet() + " renewed no heartbeat within the"
          + " node timeout: their soft locks and table leases no longer count");
    }
    return ended;
  }

  /** Records that a transition went ahead because leases of ended nodes stopped counting. */
  void countEndedLeases() {
    endedLeases.incrementAndGet();
  }

  long renewals() {
    return renewals.get();
  }

  long identityChanges() {
    return identityChanges.get();
  }

  long endedLeaseCount() {
    return endedLeases.get();
  }
}
