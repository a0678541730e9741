package io.caspian.micrometer;

import io.caspian.hibernate.CaspianRegionFactory;
import io.caspian.memcached.TransportStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/** The meters of a Hibernate region factory; loaded only when Hibernate is on the class path. */
final class HibernateMeters {
  private HibernateMeters() {}

  static void bind(MeterRegistry registry, Object candidate) {
    if (!(candidate instanceof CaspianRegionFactory factory) || factory.settings() == null) {
      return;
    }
    TransportStats stats = factory.transportStats();
    String namespace = factory.settings().namespace();
    Tags tags = Tags.of("client", "hibernate", "manager", factory.cacheManagerUri(), "namespace", namespace);
    if (stats != null) {
      CaspianMeterBinder.bindTransport(registry, stats, tags);
    }
    CaspianMeterBinder.counter(registry, "caspian.hibernate.lost.locks", "soft locks found gone at completion",
        factory, CaspianRegionFactory::getLostLockCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.server.restarts", "times a memcached server came back or"
        + " forgot what it held (every region evicted)", factory, CaspianRegionFactory::getServerRestartCount, tags);
    CaspianMeterBinder.counter(registry, "caspian.hibernate.mapping.mismatches", "entries cached by another mapping"
        + " of the same entity, read as misses", factory, CaspianRegionFactory::getMappingMismatchCount, tags);
  }
}
