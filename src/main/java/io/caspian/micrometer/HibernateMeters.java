package io.caspian.micrometer;

import io.caspian.hibernate.CaspianRegionFactory;
import io.caspian.hibernate.RegionStore;
import io.caspian.memcached.Memcached;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/** The meters of a Hibernate region factory; loaded only when Hibernate is on the class path. */
final class HibernateMeters {
  private HibernateMeters() {}

  static void bind(MeterRegistry registry, Object candidate) {
    if (!(candidate instanceof CaspianRegionFactory factory) || factory.settings() == null) {
      return;
    }
    Memcached memcached = factory.memcached();
    String namespace = factory.settings().namespace();
    String manager = memcached == null ? factory.cacheManagerUri()
        : CaspianMeterBinder.managerTag(java.net.URI.create(factory.cacheManagerUri()), memcached);
    if (manager == null) {
      return; // stopped meanwhile
    }
    Tags tags = Tags.of("client", "hibernate", "manager", manager, "namespace", namespace);
    if (memcached != null) {
      CaspianMeterBinder.bindTransport(registry, memcached.stats(), tags);
    }
    CaspianMeterBinder.counter(registry, "caspian.hibernate.lost.locks", "soft locks found gone at completion",
        factory, CaspianRegionFactory::getLostLockCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.abandoned.locks", "soft locks Hibernate never handed back"
        + " (a failed flush), released at their transaction's completion", factory,
        CaspianRegionFactory::getAbandonedLockCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.ended.node.locks", "loads cached over soft locks of nodes"
        + " whose heartbeat lapsed (crashed), instead of refused until the lock timeout", factory,
        CaspianRegionFactory::getEndedNodeLockCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.node.identity.renewals", "times this node found its own"
        + " heartbeat older than half the node timeout (a pause) and went on under a new identity", factory,
        CaspianRegionFactory::getNodeIdentityRenewalCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.retried.releases", "soft-lock releases that could not"
        + " reach memcached at completion and landed later, from the background", factory,
        CaspianRegionFactory::getRetriedReleaseCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.server.restarts", "times a memcached server came back or"
        + " forgot what it held (every region evicted)", factory, CaspianRegionFactory::getServerRestartCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.mapping.mismatches", "entries cached by another mapping"
        + " of the same entity, read as misses", factory, CaspianRegionFactory::getMappingMismatchCount, tags);
    // regions created later (a named query-results region on its first use) are bound when they are created
    factory.forEachRegion(region -> bindRegion(registry, region, tags.and("cache", region.name())));
  }

  private static void bindRegion(MeterRegistry registry, RegionStore region, Tags tags) {
    CaspianMeterBinder.counter(registry, "caspian.cache.hits", "reads that found an entry", region,
        RegionStore::hits, tags);
    CaspianMeterBinder.counter(registry, "caspian.cache.misses", "reads that found none", region,
        RegionStore::misses, tags);
    CaspianMeterBinder.counter(registry, "caspian.cache.puts", "entries written", region, RegionStore::puts, tags);
    CaspianMeterBinder.counter(registry, "caspian.cache.removals", "entries removed", region,
        RegionStore::removals, tags);
  }
}
