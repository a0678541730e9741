package io.caspian.hibernate.protocol;

import io.caspian.hibernate.protocol.SoftLockState.Lease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Nodes known to have ended (their JVM crashed, stopped, or went silent past its node timeout), each with the cluster
 * time up to which it had promised to be alive: an immutable value applied to a state <em>before</em> a transition
 * runs on it, so the transitions themselves stay as they are.
 *
 * <p>A lease of an ended node counts until the earlier of its own deadline and the node's end, never longer: up to
 * that end the node may have committed (it was alive by its own promise), after it nothing of it runs any more under
 * that identity (a node that finds it went silent for too long takes a new one, see {@code NodeLiveness}). So a
 * crashed node's soft locks and table leases stop counting one node timeout after its last heartbeat instead of one
 * lock timeout after they were taken, and count as released (or committed) at that moment, exactly as a lease that
 * lapsed on its own does.
 */
public record EndedNodes(Map<UUID, Long> endedAt) {
  public static final EndedNodes NONE = new EndedNodes(Map.of());

  public EndedNodes {
    endedAt = Map.copyOf(endedAt);
  }

  public boolean isEmpty() {
    return endedAt.isEmpty();
  }

  /** These and {@code more}; for a node in both, the earlier end. */
  public EndedNodes plus(Map<UUID, Long> more) {
    if (more.isEmpty()) {
      return this;
    }
    Map<UUID, Long> merged = new HashMap<>(endedAt);
    more.forEach((node, end) -> merged.merge(node, end, Math::min));
    return new EndedNodes(merged);
  }

  /** {@code lease} cut at its node's end, or the same instance when its node has not ended or ended later. */
  public Lease applyTo(Lease lease) {
    Long end = endedAt.get(lease.id().node());
    return end == null || end >= lease.deadline() ? lease : new Lease(lease.id(), end);
  }

  /** A read-write state with every lease of an ended node cut at the node's end; items are returned as they are. */
  public ReadWriteState applyTo(ReadWriteState state) {
    if (endedAt.isEmpty() || !(state instanceof SoftLockState lock) || !lock.isHeld()) {
      return state;
    }
    List<Lease> leases = cut(lock.leases());
    return leases == lock.leases() ? lock
        : new SoftLockState(leases, lock.deadline(), lock.version(), lock.concurrent(), lock.unlockTimestamp());
  }

  /** A table state with every writer lease of an ended node cut at the node's end. */
  public TableState applyTo(TableState state) {
    if (endedAt.isEmpty() || state == null || state.leases().isEmpty()) {
      return state;
    }
    List<Lease> leases = cut(state.leases());
    return leases == state.leases() ? state
        : new TableState(state.writers(), state.writersDeadline(), state.lastCommit(), leases);
  }

  private List<Lease> cut(List<Lease> leases) {
    List<Lease> result = null;
    for (int i = 0; i < leases.size(); i++) {
      Lease lease = leases.get(i);
      Lease applied = applyTo(lease);
      if (applied != lease && result == null) {
        result = new ArrayList<>(leases.subList(0, i));
      }
      if (result != null) {
        result.add(applied);
      }
    }
    return result == null ? leases : result;
  }

  /** The nodes of the leases of {@code state} still live at {@code now} (a held lock's, or none). */
  public static List<UUID> liveNodesOf(Object state, long now) {
    if (!(state instanceof SoftLockState lock) || !lock.isHeld()) {
      return List.of();
    }
    return liveNodes(lock.leases(), now);
  }

  /** The nodes of the {@code leases} not expired at {@code now} (a lock's, or a table's writers). */
  public static List<UUID> liveNodes(List<Lease> leases, long now) {
    List<UUID> nodes = new ArrayList<>();
    for (Lease lease : leases) {
      if (!lease.isExpiredAt(now)) {
        nodes.add(lease.id().node());
      }
    }
    return nodes;
  }
}
