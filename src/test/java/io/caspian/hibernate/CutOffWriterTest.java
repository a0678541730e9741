package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.hibernate.domain.Item;
import io.caspian.jcache.ServerAwareCache;
import io.caspian.testing.MemcachedExtension;
import java.net.SocketAddress;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path 12 of issue 8, the memcached-restart window, made deterministic: after a server restarts, the nodes' clients
 * reconnect at different moments. Writer W is still cut off from that server while reader R already reads and
 * caches through it, and both the row's entry and the region's epoch copy W would bump live there. W's update can
 * neither lock the row nor, with a single epoch copy, evict the region: R keeps serving the old row after W's commit.
 * With one epoch copy per server (readers taking the highest), W evicts on the server it reaches.
 */
class CutOffWriterTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private static SessionFactory node(String id, Object regionFactory) {
    Configuration c = new Configuration().addAnnotatedClass(Item.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:cutoff" + id + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.generate_statistics", "true")
        .setProperty(CaspianSettings.SERVERS, memcached.addresses())
        .setProperty(CaspianSettings.NAMESPACE, "cutoff" + id);
    c.getProperties().put("hibernate.cache.region.factory_class", regionFactory);
    return c.buildSessionFactory();
  }

  /** @param replicated one epoch copy per server (today) or a single one (the design before, shown to fail) */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aWriterCutOffFromOneServerStillInvalidatesWhatReadersSee(boolean replicated) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    CutOffCaspianRegionFactory writerCache = new CutOffCaspianRegionFactory(replicated);
    try (SessionFactory reader = node(id, new CutOffCaspianRegionFactory(true));
        SessionFactory writer = node(id, writerCache)) {
      @SuppressWarnings("unchecked")
      ServerAwareCache<Object, Object> items = writerCache.raw.get("items").unwrap(ServerAwareCache.class);
      SocketAddress away = items.serverOf(RegionStore.EpochKey.EPOCH);
      long row = rowOn(writer, items, away);

      reader.inTransaction(s -> s.persist(new Item(row, "c" + row, "v1")));
      assertEquals("v1", reader.fromTransaction(s -> s.find(Item.class, row).getName()));
      long hits = reader.getStatistics().getSecondLevelCacheHitCount();
      assertEquals("v1", reader.fromTransaction(s -> s.find(Item.class, row).getName()));
      assertEquals(hits + 1, reader.getStatistics().getSecondLevelCacheHitCount(), "the reader serves the row cached");

      writerCache.cutOff(away);
      writer.inTransaction(s -> s.find(Item.class, row).setName("v2"));

      String served = reader.fromTransaction(s -> s.find(Item.class, row).getName());
      if (replicated) {
        assertEquals("v2", served, "the writer's eviction on the server it reaches hides the old row");
      } else {
        assertEquals("v1", served, "with one epoch copy, on the server the writer cannot reach, the old row stays");
      }
    }
  }

  /** An id whose entry lives on {@code server}. */
  private static long rowOn(SessionFactory node, ServerAwareCache<Object, Object> items, SocketAddress server) {
    SessionFactoryImplementor factory = node.unwrap(SessionFactoryImplementor.class);
    EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(Item.class);
    EntityDataAccess access = persister.getCacheAccessStrategy();
    for (long id = 1; ; id++) {
      if (server.equals(items.serverOf(access.generateCacheKey(id, persister, factory, null)))) {
        return id;
      }
    }
  }
}
