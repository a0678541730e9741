package io.caspian.micrometer;

import io.caspian.jcache.CaspianCache;
import io.caspian.jcache.CaspianCacheStatisticsMXBean;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.TransportStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Caspian's counters as Micrometer meters, all named {@code caspian.*} (functions over the live counters: nothing is
 * counted twice, and a meter reads 0 until its counter moves).
 *
 * <p>Per memcached client, tagged {@code client} ({@code jcache} or {@code hibernate}), {@code manager} (the servers
 * really used and the namespace, as {@code memcached://host:port,.../namespace}) and {@code namespace}: {@code
 * caspian.round.trips}, {@code caspian.round.trips.background}, {@code caspian.cas.conflicts}, {@code
 * caspian.cas.retries}, {@code caspian.cas.gave.up}, {@code caspian.transport.failures}, {@code
 * caspian.transport.timeouts}, {@code caspian.fail.open.skips}, {@code caspian.values.oversized}, {@code
 * caspian.values.rejected}, {@code caspian.values.undecodable}, {@code caspian.values.tampered}, and the timer {@code
 * caspian.round.trip} with a {@code server} tag (single-key requests, and multi-gets once per server asked; see
 * {@link TransportStats#serverWaits()}).
 *
 * <p>Per JCache cache, tagged {@code cache} besides: {@code caspian.cache.hits}, {@code caspian.cache.misses},
 * {@code caspian.cache.puts}, {@code caspian.cache.removals}, {@code caspian.cache.evictions} (they move while the
 * cache's statistics are enabled).
 *
 * <p>Per Hibernate region factory: {@code caspian.hibernate.lost.locks}, {@code caspian.hibernate.abandoned.locks},
 * {@code caspian.hibernate.server.restarts}, {@code caspian.hibernate.mapping.mismatches}; per region, tagged {@code
 * cache} (the region's name, with its prefix): {@code caspian.cache.hits}, {@code caspian.cache.misses}, {@code
 * caspian.cache.puts}, {@code caspian.cache.removals}, as Hibernate sees them (always counted).
 *
 * <p>The managers, caches and region factories are those present when {@link #bindTo} runs; a region factory's
 * regions created later (named query-results regions, on first use) are bound when they are created.
 */
public final class CaspianMeterBinder implements MeterBinder {
  private static final boolean HIBERNATE = isPresent("io.caspian.hibernate.CaspianRegionFactory")
      && isPresent("org.hibernate.cache.spi.support.RegionFactoryTemplate");

  private final Supplier<? extends Iterable<? extends CacheManager>> cacheManagers;
  private final Supplier<? extends Iterable<?>> regionFactories;

  /**
   * @param cacheManagers JCache managers; those that are not Caspian's are skipped
   * @param regionFactories Hibernate region factories ({@code CaspianRegionFactory}); others are skipped
   */
  public CaspianMeterBinder(Supplier<? extends Iterable<? extends CacheManager>> cacheManagers,
      Supplier<? extends Iterable<?>> regionFactories) {
    this.cacheManagers = Objects.requireNonNull(cacheManagers);
    this.regionFactories = Objects.requireNonNull(regionFactories);
  }

  /** A binder of these JCache managers. */
  public static CaspianMeterBinder of(CacheManager... managers) {
    List<CacheManager> list = List.of(managers);
    return new CaspianMeterBinder(() -> list, List::of);
  }

  /** A binder of these Hibernate region factories ({@code io.caspian.hibernate.CaspianRegionFactory}). */
  public static CaspianMeterBinder ofRegionFactories(Object... factories) {
    List<Object> list = List.of(factories);
    return new CaspianMeterBinder(List::of, () -> list);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (CacheManager manager : cacheManagers.get()) {
      if (manager == null || manager.isClosed()) {
        continue;
      }
      Memcached memcached;
      try {
        memcached = manager.unwrap(Memcached.class);
      } catch (IllegalArgumentException notCaspian) {
        continue;
      }
      Tags tags = Tags.of("client", "jcache", "manager", managerTag(manager.getURI(), memcached),
          "namespace", memcached.settings().namespace());
      bindTransport(registry, memcached.stats(), tags);
      for (String name : manager.getCacheNames()) {
        Cache<?, ?> cache = manager.getCache(name);
        if (cache != null) {
          bindCache(registry, cache.unwrap(CaspianCache.class).statistics(), tags.and("cache", name));
        }
      }
    }
    if (HIBERNATE) {
      for (Object factory : regionFactories.get()) {
        HibernateMeters.bind(registry, factory);
      }
    }
  }

  static void bindTransport(MeterRegistry registry, TransportStats stats, Tags tags) {
    counter(registry, "caspian.round.trips", "times a caller waited for memcached (one per request or multi-get)",
        stats, TransportStats::roundTrips, tags);
    counter(registry, "caspian.round.trips.background", "the part of caspian.round.trips no application thread"
        + " waited for", stats, TransportStats::backgroundRoundTrips, tags);
    counter(registry, "caspian.cas.conflicts", "CAS or add attempts that lost to another writer", stats,
        TransportStats::casConflicts, tags);
    counter(registry, "caspian.cas.retries", "updates that went round the CAS loop again", stats,
        TransportStats::casRetries, tags);
    counter(registry, "caspian.cas.gave.up", "updates abandoned after caspian.cas.max-attempts", stats,
        TransportStats::casGaveUp, tags);
    counter(registry, "caspian.transport.failures", "operations that timed out or found a server down", stats,
        TransportStats::failures, tags);
    counter(registry, "caspian.transport.timeouts", "the part of caspian.transport.failures that timed out", stats,
        TransportStats::timeouts, tags);
    counter(registry, "caspian.fail.open.skips", "reads answered as misses and writes skipped because memcached"
        + " could not be reached (caspian.fail-open)", stats, TransportStats::failOpen, tags);
    counter(registry, "caspian.values.oversized", "values not cached because they exceed the item size", stats,
        TransportStats::oversized, tags);
    counter(registry, "caspian.values.rejected", "stored values read as misses: class not in the allow-list", stats,
        TransportStats::rejectedClasses, tags);
    counter(registry, "caspian.values.undecodable", "stored values read as misses: could not be decoded", stats,
        TransportStats::undecodable, tags);
    counter(registry, "caspian.values.tampered", "stored values read as misses: failed authentication", stats,
        TransportStats::tamperedValues, tags);
    stats.serverWaits().forEach((server, waits) ->
        FunctionTimer.builder("caspian.round.trip", waits, TransportStats.ServerWaits::count,
                TransportStats.ServerWaits::totalNanos, TimeUnit.NANOSECONDS)
            .description("requests to one memcached server (a multi-get: one per server asked), and the time waited"
                + " for them")
            .tags(tags.and("server", describe(server)))
            .register(registry));
  }

  private static void bindCache(MeterRegistry registry, CaspianCacheStatisticsMXBean statistics, Tags tags) {
    counter(registry, "caspian.cache.hits", "reads that found an entry", statistics,
        CaspianCacheStatisticsMXBean::getCacheHits, tags);
    counter(registry, "caspian.cache.misses", "reads that found none", statistics,
        CaspianCacheStatisticsMXBean::getCacheMisses, tags);
    counter(registry, "caspian.cache.puts", "entries written", statistics,
        CaspianCacheStatisticsMXBean::getCachePuts, tags);
    counter(registry, "caspian.cache.removals", "entries removed", statistics,
        CaspianCacheStatisticsMXBean::getCacheRemovals, tags);
    counter(registry, "caspian.cache.evictions", "entries found expired", statistics,
        CaspianCacheStatisticsMXBean::getCacheEvictions, tags);
  }

  /**
   * The {@code manager} tag: the servers the client really uses and its namespace, as a {@code memcached://} URI
   * (plus the manager URI's query, which tells apart managers of one pool and namespace). The manager's own URI may
   * name other servers: the default URI names the {@code caspian.memcached.servers} system property or environment
   * variable, and explicit properties (Spring's {@code application.properties}) win over it.
   */
  static String managerTag(java.net.URI managerUri, Memcached memcached) {
    String query = managerUri == null ? null : managerUri.getRawQuery();
    return "memcached://" + memcached.settings().serverList() + "/" + memcached.settings().namespace()
        + (query == null ? "" : "?" + query);
  }

  static <T> void counter(MeterRegistry registry, String name, String description, T source,
      ToDoubleFunction<T> read, Tags tags) {
    FunctionCounter.builder(name, source, read).description(description).tags(tags).register(registry);
  }

  private static String describe(SocketAddress server) {
    if (server instanceof InetSocketAddress inet) {
      String host = inet.getHostString();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(server);
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, CaspianMeterBinder.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
