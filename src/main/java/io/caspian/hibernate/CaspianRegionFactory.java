package io.caspian.hibernate;

import io.caspian.hibernate.protocol.ClockTicks;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.memcached.codec.TypeAdapters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.CacheException;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.CacheTransactionSynchronization;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.cache.spi.support.RegionFactoryTemplate;
import org.hibernate.cache.spi.support.StorageAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * Hibernate ORM second-level cache on memcached whose state transitions are atomic across every JVM sharing it.
 *
 * <pre>
 * hibernate.cache.region.factory_class=caspian   (or io.caspian.hibernate.CaspianRegionFactory)
 * hibernate.cache.caspian.servers=host1:11211,host2:11211
 * </pre>
 *
 * See {@link CaspianSettings} for all settings and docs/hibernate-design.md for how it works.
 */
public class CaspianRegionFactory extends RegionFactoryTemplate {
  /** The short name registered with Hibernate's strategy selector. */
  public static final String SHORT_NAME = "caspian";
  static final String PROVIDER = "io.caspian.jcache.CaspianCachingProvider";
  static final String META_CACHE = "caspian.hibernate.meta";
  static final String NODES_CACHE = "caspian.hibernate.nodes";

  private final UUID node = UUID.randomUUID();
  private static final System.Logger LOG = System.getLogger(CaspianRegionFactory.class.getName());
  private final AtomicLong lockSequence = new AtomicLong();
  private final java.util.concurrent.atomic.LongAdder lostLocks = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder serverRestarts = new java.util.concurrent.atomic.LongAdder();
  private final List<RegionStore> stores = new CopyOnWriteArrayList<>();
  private final List<RegionStore> queryStores = new CopyOnWriteArrayList<>();

  private volatile CaspianSettings settings;
  private volatile CacheManager cacheManager;
  private volatile ClusterClock clock;
  private volatile ScheduledExecutorService debtCollector;
  /** Null when {@link CaspianSettings#NODE_TIMEOUT} is 0. */
  private volatile NodeLiveness liveness;
  private volatile ScheduledExecutorService heartbeat;
  private volatile TimestampsStore timestamps;
  /** Null when completions run in the caller ({@link CaspianSettings#ASYNC_COMPLETION} false). */
  private volatile CompletionQueue completions;

  /**
   * The URI of this factory's own CacheManager: the provider hands out one manager per URI, and a manager shared
   * with another SessionFactory of this JVM would carry that factory's settings (its signing secret among them) and
   * close under this one when that factory closes. The query part names the manager only; the namespace, and so the
   * entries, are shared as configured.
   */
  private static java.net.URI ownUri(CaspianSettings settings) {
    return java.net.URI.create(settings.cacheManagerUri() + "?factory=" + FACTORY_IDS.incrementAndGet());
  }

  private static final java.util.concurrent.atomic.AtomicLong FACTORY_IDS = new java.util.concurrent.atomic.AtomicLong();

  @Override
  protected void prepareForUse(SessionFactoryOptions options, Map<String, Object> configValues) {
    String versionWarning = HibernateVersions.check(org.hibernate.Version.getVersionString());
    if (versionWarning != null) {
      LOG.log(System.Logger.Level.WARNING, versionWarning);
    }
    CaspianSettings parsed = CaspianSettings.from(configValues);
    ClassLoader loader = CaspianRegionFactory.class.getClassLoader();
    CacheManager manager;
    try {
      manager = Caching.getCachingProvider(PROVIDER, loader)
          .getCacheManager(ownUri(parsed), loader, parsed.cacheManagerProperties());
    } catch (RuntimeException e) {
      // Hibernate keeps this as the cause of its own "Cache provider not started": say here what went wrong
      throw new CacheException("Caspian could not start its memcached CacheManager with " + parsed + ": "
          + e.getMessage(), e);
    }
    if (manager.getProperties().get(TypeAdapters.PROPERTY) != CaspianTypeAdapters.all()) {
      // the provider hands out one manager per URI and class loader: one made earlier by other code lacks them
      LOG.log(System.Logger.Level.WARNING, () -> "the JCache CacheManager " + parsed.cacheManagerUri()
          + " was created before this SessionFactory, without Caspian's type adapters: this node stores region"
          + " entries with Java serialization and reads entries other nodes stored compactly as misses");
    }
    this.settings = parsed;
    this.schemaRecreated = schemaRecreation(configValues);
    this.cacheManager = manager;
    this.clock = new ClusterClock(cache(META_CACHE, Duration.ZERO), settings.clockMaxLag(), settings.clockMaxSkew());
    watchRestarts(manager);
    ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "caspian-eviction-retry");
      thread.setDaemon(true);
      return thread;
    });
    // an eviction owed after a memcached failure is retried here too, not only on the region's next use
    collector.scheduleWithFixedDelay(this::settleDebts, 1, 1, TimeUnit.SECONDS);
    this.debtCollector = collector;
    startHeartbeat();
    this.completions = settings.asyncCompletion()
        ? new CompletionQueue(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()))) : null;
  }

  /**
   * Heartbeats on a thread of their own: an owed eviction retried against an unreachable server may block the
   * collector for a while, and a late heartbeat makes this node renew its identity for nothing.
   */
  private void startHeartbeat() {
    java.time.Duration timeout = settings.nodeTimeout();
    if (timeout.isZero()) {
      return;
    }
    // the promise must be there while any lease of this node could count: node timeout + lock timeout, and a minute
    java.time.Duration keep = timeout.plus(settings.lockTimeout()).plusSeconds(60);
    NodeLiveness nodes = new NodeLiveness(cache(NODES_CACHE, keep), clock, timeout);
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "caspian-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    long every = Math.max(1, NodeLiveness.interval(timeout).toMillis());
    beat.scheduleAtFixedRate(nodes::heartbeat, 0, every, TimeUnit.MILLISECONDS);
    this.liveness = nodes;
    this.heartbeat = beat;
  }

  /** See {@link TimestampsStore#handOver}. */
  void handOverWriter(String space, LockId from, LockId to) {
    TimestampsStore store = timestamps;
    if (store != null) {
      store.handOver(space, from, to);
    }
  }

  /** This node's heartbeat and what it knows of the others'; null when heartbeats are off. */
  NodeLiveness liveness() {
    return liveness;
  }

  /** Test hook: stops this node's heartbeats without the clean-stop record, as a crash or a pause would. */
  void silenceHeartbeat() {
    ScheduledExecutorService beat = heartbeat;
    if (beat != null) {
      beat.shutdownNow();
    }
  }

  /**
   * Times this node found its own heartbeat older than half the node timeout (a long pause, memcached out of reach)
   * and went on under a new identity, locking again what its transactions in flight held under the old one.
   */
  public long getNodeIdentityRenewalCount() {
    NodeLiveness nodes = liveness;
    return nodes == null ? 0 : nodes.identityChanges();
  }

  /**
   * Loads cached over a soft lock because its holders' nodes had ended (renewed no heartbeat within the node
   * timeout), instead of refused until the lock timeout.
   */
  public long getEndedNodeLockCount() {
    NodeLiveness nodes = liveness;
    return nodes == null ? 0 : nodes.endedLeaseCount();
  }

  /**
   * Runs a transaction's after-commit cache work: in the background when {@link CaspianSettings#ASYNC_COMPLETION}
   * is on (the default; see {@link CompletionQueue} for why that is safe), else now.
   */
  void complete(String region, Object key, Runnable work) {
    CompletionQueue queue = completions;
    if (queue == null) {
      work.run();
    } else {
      queue.submit(region, key, work);
    }
  }

  /** Test hook: holds the background completions until the returned action runs (see {@link CompletionQueue#hold}). */
  Runnable holdCompletions() {
    CompletionQueue queue = completions;
    return queue == null ? () -> { } : queue.hold();
  }

  /** Brings a completion of {@code key} still pending on this node to memcached first (see {@link CompletionQueue}). */
  void settle(String region, Object key) {
    CompletionQueue queue = completions;
    if (queue != null) {
      queue.settle(region, key);
    }
  }

  /**
   * Waits until every transaction completion handed to the background so far has reached memcached: for tests and
   * tools that must observe a node's writes in the cache right after its transactions return.
   *
   * @return false if {@code timeout} passed first
   */
  public boolean awaitCompletions(Duration timeout) throws InterruptedException {
    CompletionQueue queue = completions;
    return queue == null || queue.awaitQuiet(timeout);
  }

  /**
   * Hibernate swallows what {@link #prepareForUse} threw and reports "Cache provider not started" later, with it only
   * as the cause; put its message in that one (wrong SASL credentials, a malformed setting, ...).
   */
  @Override
  protected void verifyStarted() {
    try {
      super.verifyStarted();
    } catch (IllegalStateException e) {
      throw explained(e);
    }
  }

  @Override
  protected boolean verifiedStartStatus() {
    try {
      return super.verifiedStartStatus();
    } catch (IllegalStateException e) {
      throw explained(e);
    }
  }

  private static IllegalStateException explained(IllegalStateException notStarted) {
    Throwable cause = notStarted.getCause();
    return cause == null ? notStarted
        : new IllegalStateException(notStarted.getMessage() + ": " + cause.getMessage(), cause);
  }

  @Override
  protected void releaseFromUse() {
    CompletionQueue queue = completions;
    if (queue != null) {
      queue.drain(settings.timeout().multipliedBy(20)); // before the CacheManager closes under it
      completions = null;
    }
    ScheduledExecutorService collector = debtCollector;
    if (collector != null) {
      collector.shutdownNow();
    }
    ScheduledExecutorService beat = heartbeat;
    if (beat != null) {
      beat.shutdownNow();
      heartbeat = null;
    }
    NodeLiveness nodes = liveness;
    if (nodes != null) {
      nodes.stop(); // the completions have drained: no lease of ours is left to honour
      liveness = null;
    }
    CacheManager manager = cacheManager;
    if (manager != null) {
      manager.close();
    }
    stores.clear();
    queryStores.clear();
    regionWatchers.clear();
    cacheManager = null;
    debtCollector = null;
  }

  private void watchRestarts(CacheManager manager) {
    try {
      manager.unwrap(io.caspian.memcached.Memcached.class).onRestart(this::memcachedRestarted);
    } catch (IllegalArgumentException e) {
      // a decorated manager without the transport: nothing to watch
    }
  }

  /** Every region owes an eviction: see {@link RegionStore#serverRestarted()}. */
  private void memcachedRestarted(java.net.SocketAddress server) {
    LOG.log(System.Logger.Level.INFO, () -> "memcached " + server
        + " may have restarted empty: every region is evicted before its next use");
    serverRestarts.increment();
    stores.forEach(RegionStore::serverRestarted);
  }

  /** How often a memcached server came back or forgot what it held (each time every region was evicted). */
  public long getServerRestartCount() {
    return serverRestarts.sum();
  }

  /** A lock whose release could not reach memcached, released again by {@link #settleDebts} until its deadline. */
  private record OwedRelease(CaspianReadWriteAccess access, Object key, LockId lock, long until) {
  }

  /** Bounded: past it, further owed locks are left to their lock timeout. */
  private static final int MAX_OWED_RELEASES = 10_000;
  private final java.util.concurrent.ConcurrentLinkedQueue<OwedRelease> owedReleases =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger owedReleaseCount =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder releasesRetried = new java.util.concurrent.atomic.LongAdder();

  void oweRelease(CaspianReadWriteAccess access, Object key, LockId lock) {
    if (owedReleaseCount.incrementAndGet() > MAX_OWED_RELEASES) {
      owedReleaseCount.decrementAndGet();
      return;
    }
    owedReleases.add(new OwedRelease(access, key, lock, clock.now() + lockTimeoutTicks()));
  }

  /**
   * Releases of soft locks that could not reach memcached at their transaction's completion and landed later, from
   * the background (the key was uncacheable meanwhile, on every node; without the retry it stayed so until the lock
   * timeout).
   */
  public long getRetriedReleaseCount() {
    return releasesRetried.sum();
  }

  /** Locks whose release is still owed (memcached out of reach since their completion). */
  public int getOwedReleaseCount() {
    return owedReleaseCount.get();
  }

  private void retryOwedReleases() {
    int pending = owedReleaseCount.get();
    for (int i = 0; i < pending; i++) {
      OwedRelease owed = owedReleases.poll();
      if (owed == null) {
        return;
      }
      if (clock.now() > owed.until()) {
        owedReleaseCount.decrementAndGet(); // lapsed on its own meanwhile
      } else if (owed.access().retryRelease(owed.key(), owed.lock())) {
        owedReleaseCount.decrementAndGet();
        releasesRetried.increment();
      } else {
        owedReleases.add(owed);
        return; // memcached still away: the rest waits for the next round
      }
    }
  }

  private void settleDebts() {
    try {
      settleDebtsNow();
    } catch (RuntimeException e) {
      // an exception would end the scheduled task for good: log it, try again next round
      LOG.log(System.Logger.Level.WARNING, "retrying owed evictions and releases failed", e);
    }
  }

  private void settleDebtsNow() {
    retryOwedReleases();
    for (RegionStore store : stores) {
      if (store.owesEviction()) {
        store.settleDebt();
      }
      if (store.owesCopies()) {
        store.settleOwedCopies();
      }
    }
  }

  /** The URI of this factory's own JCache CacheManager, as text; null before start. */
  public String cacheManagerUri() {
    CacheManager manager = cacheManager;
    return manager == null ? null : manager.getURI().toString();
  }

  /** The parsed settings (after start). */
  public CaspianSettings settings() {
    return settings;
  }

  ClusterClock clock() {
    return clock;
  }

  long lockTimeoutTicks() {
    return ClockTicks.fromMillis(settings.lockTimeout().toMillis());
  }

  /**
   * Soft locks of this node found gone when their writer completed: memcached dropped them (LRU eviction under memory
   * pressure, a restart, expiry). Each is a window in which another node's stale load could have been cached; the
   * completion then writes a released lock stamped after the write, which ends the window.
   */
  public long getLostLockCount() {
    return lostLocks.sum();
  }

  /**
   * Soft locks this node's transactions took and Hibernate never handed back (an action whose statement failed,
   * e.g. a failed flush), released when their transaction completed instead of at the lock timeout.
   */
  public long getAbandonedLockCount() {
    return abandonedLocks.sum();
  }

  void recordAbandonedLock() {
    abandonedLocks.increment();
  }

  private final java.util.concurrent.atomic.LongAdder abandonedLocks = new java.util.concurrent.atomic.LongAdder();

  /**
   * The part of {@link #getMemcachedRoundTrips()} spent by background threads (transaction completions after the
   * transaction returned, see {@link CaspianSettings#ASYNC_COMPLETION}), which no application thread waits for.
   */
  public long getMemcachedBackgroundRoundTrips() {
    io.caspian.memcached.TransportStats stats = transportStats();
    return stats == null ? -1 : stats.backgroundRoundTrips();
  }

  /**
   * Times this node waited for memcached (one per request, one per multi-get however many servers it asks): the
   * number that decides a cache hit's latency. -1 when the cache manager is not Caspian's own.
   */
  public long getMemcachedRoundTrips() {
    io.caspian.memcached.TransportStats stats = transportStats();
    return stats == null ? -1 : stats.roundTrips();
  }

  /**
   * Region entries read as misses because they failed authentication (signed values, {@code
   * hibernate.cache.caspian.security.key}): planted, altered, copied between keys or signed with another secret.
   * -1 when the cache manager is not Caspian's own.
   */
  public long getTamperedValueCount() {
    io.caspian.memcached.TransportStats stats = transportStats();
    return stats == null ? -1 : stats.tamperedValues();
  }

  /**
   * The transport's counters (read by the Micrometer meters); null before start or when the cache
   * manager is not Caspian's own.
   */
  public io.caspian.memcached.TransportStats transportStats() {
    io.caspian.memcached.Memcached memcached = memcached();
    return memcached == null ? null : memcached.stats();
  }

  /**
   * The memcached client of this factory's CacheManager (its {@code settings()} name the servers really used); null
   * before start or when the cache manager is not Caspian's own.
   */
  public io.caspian.memcached.Memcached memcached() {
    CacheManager manager = cacheManager;
    try {
      return manager == null ? null : manager.unwrap(io.caspian.memcached.Memcached.class);
    } catch (IllegalArgumentException notCaspian) {
      return null;
    }
  }

  /**
   * Reads that found an entry cached by another mapping of the same entity, collection or natural id (a node of a
   * rolling deploy running other classes) and treated it as a miss; see {@link MappedValue}.
   */
  public long getMappingMismatchCount() {
    return stores.stream().mapToLong(RegionStore::mappingMismatches).sum();
  }

  void recordLostLock(String region, Object key) {
    lostLocks.increment();
    LOG.log(System.Logger.Level.WARNING, () -> "soft lock on " + key + " in region " + region
        + " was gone at completion (memcached evicted or lost it); see docs/hibernate.md, Limits");
  }

  LockId nextLockId() {
    NodeLiveness nodes = liveness;
    return new LockId(nodes == null ? node : nodes.self(), lockSequence.incrementAndGet());
  }

  /** The cluster clock as it stands: Hibernate's caching timestamp of a transaction. */
  @Override
  public long nextTimestamp() {
    ClusterClock current = clock;
    return current == null ? ClusterClock.UNAVAILABLE : current.current();
  }

  /**
   * Not a duration: Hibernate only adds this to {@link #nextTimestamp()} when pre-invalidating update timestamps,
   * so it is a flag bit that lets the timestamps region tell preInvalidate from invalidate (see {@link TimestampsSignal}).
   */
  @Override
  public long getTimeout() {
    return TimestampsSignal.PRE_INVALIDATE_FLAG;
  }

  @Override
  public CacheTransactionSynchronization createTransactionContext(SharedSessionContractImplementor session) {
    return new CaspianTransactionSynchronization(this);
  }

  @Override
  protected CacheKeysFactory getImplicitCacheKeysFactory() {
    return CaspianCacheKeysFactory.INSTANCE;
  }

  @Override
  public DomainDataRegion buildDomainDataRegion(
      DomainDataRegionConfig regionConfig, DomainDataRegionBuildingContext buildingContext) {
    verifyStarted();
    return new CaspianDomainDataRegion(
        regionConfig,
        this,
        (RegionStore) createDomainDataStorageAccess(regionConfig, buildingContext),
        getImplicitCacheKeysFactory(),
        buildingContext);
  }

  @Override
  protected DomainDataStorageAccess createDomainDataStorageAccess(
      DomainDataRegionConfig regionConfig, DomainDataRegionBuildingContext buildingContext) {
    // qualified like the query regions, so applications separated by hibernate.cache.region_prefix share nothing;
    // per-region settings keep using the name the mapping gives
    return store(qualify(regionConfig.getRegionName()), regionConfig.getRegionName());
  }

  @Override
  protected StorageAccess createQueryResultsRegionStorageAccess(String regionName, SessionFactoryImplementor factory) {
    RegionStore store = store(qualify(regionName), qualify(regionName));
    queryStores.add(store);
    return store;
  }

  @Override
  protected StorageAccess createTimestampsRegionStorageAccess(String regionName, SessionFactoryImplementor factory) {
    TimestampsStore store = new TimestampsStore(
        cache(qualify(regionName), Duration.ZERO), clock, lockTimeoutTicks(), this::evictQueryResults,
        (space, work) -> complete(regionName, space, work), space -> settle(regionName, space), this::liveness);
    timestamps = store;
    return store;
  }

  /**
   * The SessionFactory is built: gives every table it maps an update-timestamps state, so that a table never written
   * (or whose state memcached lost before this start) does not make the first transactions' query results stale.
   */
  void sessionFactoryCreated(java.util.Collection<String> tables) {
    if (schemaRecreated != null) {
      // the database was (re)created empty at this start: entries of an earlier run describe rows that are gone,
      // and would be served (or merged against) as if they still existed
      LOG.log(System.Logger.Level.INFO, () -> "schema " + schemaRecreated + " at start: every region of namespace "
          + settings.namespace() + " is evicted");
      stores.forEach(RegionStore::evictData);
    }
    TimestampsStore store = timestamps;
    if (store != null) {
      store.ensureTables(tables);
    }
  }

  /** The schema action that recreates the database at start ({@code hbm2ddl.auto=create...}), else null. */
  private volatile String schemaRecreated;

  private static String schemaRecreation(Map<String, Object> config) {
    for (String key : List.of("hibernate.hbm2ddl.auto", "jakarta.persistence.schema-generation.database.action",
        "javax.persistence.schema-generation.database.action")) {
      Object value = config.get(key);
      String action = value == null ? "" : value.toString().trim().toLowerCase(java.util.Locale.ROOT);
      if (List.of("create", "create-drop", "create-only", "drop-and-create", "drop").contains(action)) {
        return key + "=" + action;
      }
    }
    return null;
  }

  /** A commit could not be recorded: no query result computed before it may be served, from any region. */
  private void evictQueryResults() {
    queryStores.forEach(RegionStore::invalidationLost);
  }

  private RegionStore store(String cacheName, String settingsName) {
    RegionStore store = new RegionStore(cacheName, cache(cacheName, settings.expiryOf(settingsName)), clock);
    store.ensureEpoch();
    synchronized (regionWatchers) {
      stores.add(store);
      regionWatchers.forEach(watcher -> watcher.accept(store));
    }
    return store;
  }

  private final List<java.util.function.Consumer<? super RegionStore>> regionWatchers = new CopyOnWriteArrayList<>();

  /**
   * Calls {@code watcher} with every region of this factory now (domain data and query-results regions; not the
   * update-timestamps region) and with each region created later (Hibernate creates a named query-results region on
   * its first use), once per region, e.g. to bind meters over {@link RegionStore#hits()} and the like.
   */
  public void forEachRegion(java.util.function.Consumer<? super RegionStore> watcher) {
    synchronized (regionWatchers) {
      regionWatchers.add(watcher);
      stores.forEach(watcher);
    }
  }

  private Cache<Object, Object> cache(String name, Duration expiry) {
    return decorateCache(name, createOrGetCache(name, expiry));
  }

  /**
   * Extension point: wraps the JCache cache behind a region (or the clock's) before Caspian uses it, e.g. for
   * tracing or metrics. The wrapper must keep {@code invoke} atomic, i.e. delegate it. The default returns the cache.
   */
  protected Cache<Object, Object> decorateCache(String name, Cache<Object, Object> cache) {
    return cache;
  }

  private Cache<Object, Object> createOrGetCache(String name, Duration expiry) {
    Cache<Object, Object> existing = cacheManager.getCache(name);
    if (existing != null) {
      return existing;
    }
    MutableConfiguration<Object, Object> configuration = new MutableConfiguration<>();
    if (!expiry.isZero()) {
      // "modified": every write (a lock, an unlock) restarts the clock, so a held lock outlives its lock timeout
      configuration.setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
          new javax.cache.expiry.Duration(TimeUnit.SECONDS, expiry.toSeconds())));
    }
    try {
      return cacheManager.createCache(name, configuration);
    } catch (javax.cache.CacheException alreadyCreated) {
      Cache<Object, Object> raced = cacheManager.getCache(name);
      if (raced == null) {
        throw new CacheException("Caspian could not create cache '" + name + "'", alreadyCreated);
      }
      return raced;
    }
  }
}
