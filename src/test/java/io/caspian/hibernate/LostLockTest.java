package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.hibernate.domain.Item;
import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.hibernate.SessionFactory;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** memcached dropping a held soft lock (LRU, restart) is detected when the writer completes, and counted. */
class LostLockTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @Test
  void lockDroppedByMemcachedIsCounted() {
    String ns = "lost" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (SessionFactory node = new Configuration().addAnnotatedClass(Item.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:" + ns + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty(CaspianSettings.SERVERS, memcached.addresses())
        .setProperty(CaspianSettings.NAMESPACE, ns)
        .buildSessionFactory()) {
      node.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      SessionFactoryImplementor sfi = node.unwrap(SessionFactoryImplementor.class);
      EntityPersister persister = sfi.getMappingMetamodel().getEntityDescriptor(Item.class);
      EntityDataAccess access = persister.getCacheAccessStrategy();
      CaspianRegionFactory factory = (CaspianRegionFactory) sfi.getCache().getRegionFactory();
      Object key = access.generateCacheKey(1L, persister, sfi, null);
      try (SharedSessionContractImplementor session = (SharedSessionContractImplementor) node.openSession()) {
        SoftLock lock = access.lockItem(session, key, 0L);
        dropRegion(ns, access.getRegion().getName());
        access.unlockItem(session, key, lock);
      }
      Completions.await(node); // the release runs after the transaction, in the background
      assertEquals(1, factory.getLostLockCount());
    }
  }

  /** What memcached does to a region under memory pressure or a restart: its items are simply gone. */
  private static void dropRegion(String namespace, String region) {
    CacheManager manager = new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/" + namespace), new ClassLoader() {});
    try {
      Cache<Object, Object> cache = manager.createCache(region, new MutableConfiguration<>());
      cache.clear();
    } finally {
      manager.close();
    }
  }
}
