package io.caspian.hibernate;

import io.caspian.hibernate.protocol.ReadWriteState;
import io.caspian.hibernate.protocol.ReadWriteTransitions;
import io.caspian.hibernate.protocol.SoftLockState;
import io.caspian.hibernate.protocol.Stamped;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * One region's entries in one Caspian JCache cache, each stamped with the region epoch (see {@link Stamped}).
 * Serves Hibernate's stock READ_ONLY / NONSTRICT_READ_WRITE / query-results code as a {@link DomainDataStorageAccess},
 * and Caspian's READ_WRITE code through {@link #transition}. Never throws for memcached trouble: reads miss, writes
 * are skipped, and a lost invalidation makes the region owe an eviction ({@link #invalidationLost()}).
 */
public final class RegionStore implements DomainDataStorageAccess {
  /**
   * The key of the epoch's first copy (see {@link RegionEpoch}), unchanged since regions had one copy, so that
   * nodes of the previous release still see evictions made by this one on that copy.
   */
  enum EpochKey {
    EPOCH
  }

  private static final System.Logger LOG = System.getLogger(RegionStore.class.getName());

  private final String name;
  private final Cache<Object, Object> cache;
  private final ClusterClock clock;
  private final RegionEpoch epoch;
  private volatile boolean owesEviction;
  private final LongAdder mappingMismatches = new LongAdder();
  // always counted: one uncontended LongAdder add per operation, beside a memcached round trip of tens of microseconds
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final AtomicBoolean mismatchLogged = new AtomicBoolean();

  public RegionStore(String name, Cache<Object, Object> cache, ClusterClock clock) {
    this.name = name;
    this.cache = cache;
    this.clock = clock;
    this.epoch = new RegionEpoch(name, cache, clock);
  }

  public String name() {
    return name;
  }

  /** The live state under {@code key}, or null (absent, evicted, or memcached unreachable). */
  public Object read(Object key) {
    if (!settleDebt()) {
      return null;
    }
    try {
      RegionEpoch.Read read = epoch.readWith(key);
      if (read == null) {
        return null; // no epoch yet, every copy lost, or the key's server away: nothing of it is live here
      }
      return Stamped.visible((Stamped) read.value(), read.epoch());
    } catch (CacheException | ClassCastException e) {
      return null;
    }
  }

  /**
   * Applies {@code transition} to the live state of {@code key} atomically (one {@code Cache.invoke}).
   *
   * @param transition pure: old state (null = none) to outcome; may run more than once
   * @return the outcome, or null when memcached could not be reached (nothing was written)
   */
  public Outcome transition(Object key, Function<Object, Outcome> transition) {
    return apply(key, Long.MAX_VALUE, transition, false); // not a load: never predates an eviction
  }

  /**
   * Like {@link #transition}, for a value loaded by a transaction that began at cluster time {@code loadedAt}: if
   * the region was evicted after that (a bulk update, {@code evictAll}), the load may predate the change that caused
   * the eviction, so nothing is written and the answer is {@code false}. Epochs are cluster timestamps, which makes
   * this one comparison inside the same atomic step.
   */
  public Outcome load(Object key, long loadedAt, Function<Object, Outcome> transition) {
    return apply(key, loadedAt, transition, true);
  }

  /**
   * Like {@link #load}, for a writer completing its transaction (afterInsert, afterUpdate, unlock), which began at
   * cluster time {@code startedAt}: if the region was evicted since, the value it would publish may predate the
   * change behind the eviction (a bulk update that touched the same row after our write), so {@code ifEvicted} runs
   * instead (e.g. only release the lock). The transitions need a fresh cluster stamp
   * ({@link ClusterClock#advance()}), taken in the same round trip as the entry's read: the clock increment and the
   * entry's {@code gets} are in flight together, and the transition is chosen once both have answered. Equivalent to taking the stamp first, because the
   * {@code cas} that ends the step fails if the entry changed after its read. Also for transitions that never
   * publish ({@code startedAt = Long.MAX_VALUE}: evictions).
   *
   * @return the outcome, or null when memcached could not be reached (the stamp or the entry): nothing was written,
   *     and the caller must treat the write's invalidation as lost
   */
  public Outcome completeStamped(Object key, long startedAt, LongFunction<Function<Object, Outcome>> transition,
      LongFunction<Function<Object, Outcome>> ifEvicted) {
    if (!settleDebt()) {
      return null;
    }
    try {
      LongSupplier stamp = clock.advanceLater();
      return answered((Outcome) epoch.invoke(key, current -> {
        long now = stamp.getAsLong();
        return new Apply(current, startedAt, transition.apply(now), ifEvicted == null ? null : ifEvicted.apply(now),
            false);
      }));
    } catch (CacheException | ClassCastException e) {
      return null;
    }
  }

  private Outcome apply(Object key, long loadedAt, Function<Object, Outcome> transition, boolean isLoad) {
    if (!settleDebt()) {
      return null;
    }
    try {
      return answered((Outcome) epoch.invoke(key, current -> new Apply(current, loadedAt, transition, null, isLoad)));
    } catch (CacheException | ClassCastException e) {
      return null;
    }
  }

  /** The answer of a step refused because its transaction began before the region's epoch. */
  private record PredatesEpoch(long epoch) implements Serializable {
  }

  /**
   * An outcome as callers see it: a refusal for the epoch answers false. An epoch above every clock value this node
   * saw was stamped by a bound, not by the clock (an eviction while the clock was out of reach, see
   * {@link ClusterClock#stampOrBound()}): in a quiet cluster no transaction would ever begin after it, and every load
   * would be refused until some write moved the clock. Move it.
   */
  private Outcome answered(Outcome outcome) {
    if (outcome != null && outcome.answer() instanceof PredatesEpoch refused) {
      if (refused.epoch() > clock.seen()) {
        clock.moveOn();
      }
      return new Outcome(outcome.next(), Boolean.FALSE);
    }
    return outcome;
  }

  /** What a transition decided: the new state ({@code next == old} = write nothing, null = remove) and its answer. */
  public record Outcome(Object next, Object answer) implements Serializable {
  }

  /**
   * The entry processor: resolve the epoch, run the pure transition (or, when the caller's transaction predates the
   * epoch, {@code ifEvicted}; none = write nothing), store its result stamped. A load never replaces an item this
   * node cannot decode (another node's allow-list or release wrote it): it may be newer than the load, and reading
   * it as absent would let the load overwrite it. Writers' transitions (locks, releases, evictions) still replace it.
   */
  private record Apply(long epoch, long loadedAt, Function<Object, Outcome> transition,
      Function<Object, Outcome> ifEvicted, boolean isLoad)
      implements EntryProcessor<Object, Object, Object>, Serializable {
    @Override
    public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
      if (isLoad && holdsUnreadableValue(entry)) {
        return new Outcome(null, Boolean.FALSE);
      }
      Stamped stored = entry.exists() ? (Stamped) entry.getValue() : null;
      Stamped.View view = Stamped.resolve(stored, epoch);
      Function<Object, Outcome> step = loadedAt < view.epoch() ? ifEvicted : transition;
      if (step == null) {
        return new Outcome(view.state(), new PredatesEpoch(view.epoch()));
      }
      Outcome outcome = step.apply(view.state());
      if (outcome.next() != view.state()) {
        if (outcome.next() == null) {
          entry.remove();
        } else {
          entry.setValue(new Stamped(view.epoch(), outcome.next()));
        }
      }
      return outcome;
    }
  }

  /**
   * Creates the region's epoch now if memcached has none, so that the first transactions of a new region are not
   * refused as older than an epoch created lazily under them. A failure is left to the lazy path.
   */
  void ensureEpoch() {
    try {
      epoch.current();
    } catch (CacheException | ClassCastException e) {
      // memcached unreachable at start: the first use creates it
    }
  }

  private static boolean holdsUnreadableValue(MutableEntry<Object, Object> entry) {
    try {
      return entry.unwrap(io.caspian.jcache.CaspianMutableEntry.class).holdsUnreadableValue();
    } catch (IllegalArgumentException notCaspian) {
      return false;
    }
  }

  /**
   * Empties the region for every JVM: once this returns true, no node that reaches any copy of the epoch sees any
   * entry written before (see {@link RegionEpoch#bump()}). Returns false (and remembers the debt) when no copy could
   * be bumped.
   */
  public boolean evictAllEntries() {
    boolean bumped = epoch.bump();
    owesEviction = !bumped;
    return bumped;
  }

  /** Brings epoch copies that an eviction could not reach up to date (background retry). */
  void settleOwedCopies() {
    epoch.settleOwedCopies();
  }

  boolean owesCopies() {
    return epoch.owesCopies();
  }

  /**
   * A write could not record its invalidation: the entry it meant to lock or drop may still be in memcached (a
   * paused node keeps its data). Evict the whole region; if even that fails, owe it and stop reading the region
   * here until the eviction is done.
   */
  public void invalidationLost() {
    evictAllEntries();
  }

  /**
   * A memcached server came back, perhaps restarted empty: the soft locks and tombstones it held are gone while
   * this region's epoch (on another server) still vouches for loads begun before them. Owe an eviction, settled
   * before this node next reads or writes the region.
   */
  public void serverRestarted() {
    owesEviction = true;
  }

  /** Retries an owed eviction; false while the region still owes one (callers then neither read nor write). */
  public boolean settleDebt() {
    return !owesEviction || evictAllEntries();
  }

  public boolean owesEviction() {
    return owesEviction;
  }

  /**
   * The value Hibernate may assemble for {@code key} out of a stored one: unwrapped from its {@link MappedValue}, or
   * null (a miss, counted) when another mapping of the same role wrote it, e.g. a node of a rolling deploy.
   */
  public Object readableValue(Object key, Object stored) {
    if (!(stored instanceof MappedValue mapped)) {
      return stored; // query results, timestamps, or written with no known mapping
    }
    int reader = MappedValue.mappingOf(key);
    if (mapped.readableBy(reader)) {
      return mapped.value();
    }
    mappingMismatches.increment();
    if (mismatchLogged.compareAndSet(false, true)) {
      // once per region: during a rolling deploy every read of a shared entry would log otherwise
      LOG.log(System.Logger.Level.INFO, () -> "region " + name + " holds entries of another mapping of " + key
          + " (fingerprint " + mapped.mapping() + ", this node " + reader + "): read as misses until rewritten;"
          + " expected during a rolling deploy");
    }
    return null;
  }

  /** Reads of this region that found an entry written by another mapping and treated it as a miss. */
  public long mappingMismatches() {
    return mappingMismatches.sum();
  }

  /** Counts a read as Hibernate sees it (a value: a hit; null: a miss) and returns {@code answer}. */
  Object counted(Object answer) {
    (answer == null ? misses : hits).increment();
    return answer;
  }

  void countPut() {
    puts.increment();
  }

  void countRemoval() {
    removals.increment();
  }

  /**
   * Reads of this region by Hibernate, in this JVM, that returned a value. Unlike the JCache statistics of the cache
   * behind it, which would count the epoch copies each read also fetches and soft-locked entries as hits.
   */
  public long hits() {
    return hits.sum();
  }

  /** Reads of this region by Hibernate, in this JVM, that returned nothing (absent, locked, evicted, unreachable). */
  public long misses() {
    return misses.sum();
  }

  /**
   * Values this JVM cached in the region: loads ({@code putFromLoad}) and inserted or updated values published at
   * completion (also those completed in the background), each counted when it was written.
   */
  public long puts() {
    return puts.sum();
  }

  /** Keys this JVM removed or evicted one by one (not region evictions). */
  public long removals() {
    return removals.sum();
  }

  // ---- DomainDataStorageAccess, for Hibernate's stock access strategies and the query-results region ----

  @Override
  public Object getFromCache(Object key, SharedSessionContractImplementor session) {
    Object stored = read(key);
    return counted(stored instanceof SoftLockState ? null : readableValue(key, stored)); // a tombstone: a miss
  }

  /**
   * READ_ONLY / NONSTRICT_READ_WRITE values and query results (the READ_WRITE access wraps inside its CachedItem
   * instead). Refused, like READ_WRITE loads, when the session's transaction began before the region's last eviction
   * or before the last per-key eviction of {@code key}: the value may predate the change behind it.
   */
  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    Object stored = MappedValue.wrap(key, value);
    long loadedAt = cachingTimestamp(session);
    Outcome outcome = load(key, loadedAt, old -> old instanceof SoftLockState tombstone
        && loadedAt < tombstone.releasedAt() ? new Outcome(old, Boolean.FALSE) : new Outcome(stored, Boolean.TRUE));
    if (outcome != null && Boolean.FALSE.equals(outcome.answer())) {
      // perhaps refused for our lagging timestamp: the next transaction reads the clock (as READ_WRITE loads do)
      clock.forgetSeen();
    } else if (outcome != null) {
      countPut();
    }
  }

  /** When the session's transaction began on the cluster clock; without a session, a put is judged by epoch only. */
  static long cachingTimestamp(SharedSessionContractImplementor session) {
    return session == null ? Long.MAX_VALUE : session.getCacheTransactionSynchronization().getCachingTimestamp();
  }

  @Override
  public void removeFromCache(Object key, SharedSessionContractImplementor session) {
    evictData(key);
  }

  @Override
  public void clearCache(SharedSessionContractImplementor session) {
    evictData();
  }

  @Override
  public boolean contains(Object key) {
    // another mapping's entry does not count: a minimal put must replace it, not keep it forever; nor does a tombstone
    Object stored = read(key);
    return stored != null && !(stored instanceof SoftLockState) && !MappedValue.isForeign(key, stored);
  }

  @Override
  public void evictData() {
    evictAllEntries();
  }

  /**
   * Evicts one key for every node (explicit {@code evictEntityData(Class, id)}, natural-id removal, NONSTRICT
   * invalidation): not a delete, which would erase soft locks and let an older load in, but one atomic transition
   * to a tombstone stamped now ({@link ReadWriteTransitions#evict}).
   */
  @Override
  public void evictData(Object key) {
    Outcome outcome = completeStamped(key, Long.MAX_VALUE, stamp -> old -> new Outcome(
        ReadWriteTransitions.evict(old instanceof ReadWriteState state ? state : null, stamp), Boolean.TRUE), null);
    if (outcome == null) {
      // without the stamp or the transition the key may keep a value older than the eviction: evict the region
      invalidationLost();
    } else {
      countRemoval();
    }
  }

  @Override
  public void release() {
    // the cache belongs to the region factory's CacheManager, closed with it
  }
}
