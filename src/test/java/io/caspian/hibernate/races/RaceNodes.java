package io.caspian.hibernate.races;

import io.caspian.hibernate.CaspianSettings;
import io.caspian.hibernate.domain.Item;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Two "application servers" (SessionFactories with their own region factory instances) on one memcached and one
 * H2 database, built either with Caspian or with stock hibernate-jcache, and sharing one {@link Pause}.
 */
final class RaceNodes implements AutoCloseable {
  enum Kind { CASPIAN, STOCK }

  final Kind kind;
  final Pause pause = new Pause();
  final SessionFactory a;
  final SessionFactory b;

  RaceNodes(Kind kind, String servers) {
    this.kind = kind;
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    a = build(servers, id);
    b = build(servers, id);
  }

  private SessionFactory build(String servers, String id) {
    Configuration c = new Configuration().addAnnotatedClass(Item.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:race" + id + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true");
    if (kind == Kind.CASPIAN) {
      c.setProperty(CaspianSettings.SERVERS, servers).setProperty(CaspianSettings.NAMESPACE, "race" + id)
          // the interleavings call the access strategies step by step and check each step's effect at once; the
          // background completion is a scheduling layer above those steps (CompletionQueueTest)
          .setProperty(CaspianSettings.ASYNC_COMPLETION, "false");
      c.getProperties().put("hibernate.cache.region.factory_class", new PausingCaspianRegionFactory(pause));
    } else {
      c.getProperties().put("hibernate.cache.region.factory_class",
          new PausingStockRegionFactory(pause, servers, "race" + id));
    }
    return c.buildSessionFactory();
  }

  /**
   * The region factory's own JCache cache {@code name} of a Caspian node, without the pause: removing a key from it
   * is memcached losing that item.
   */
  static javax.cache.Cache<Object, Object> rawCache(SessionFactory node, String name) {
    Object factory = node.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory();
    return ((PausingCaspianRegionFactory) factory).raw.get(name);
  }

  static EntityDataAccess access(SessionFactory node) {
    return persister(node).getCacheAccessStrategy();
  }

  static Object key(SessionFactory node, Object id) {
    return access(node).generateCacheKey(id, persister(node), node.unwrap(SessionFactoryImplementor.class), null);
  }

  static NaturalIdDataAccess naturalIdAccess(SessionFactory node) {
    return persister(node).getNaturalIdCacheAccessStrategy();
  }

  static Object naturalIdKey(SessionFactory node, String code) {
    try (SharedSessionContractImplementor s = session(node)) {
      return naturalIdAccess(node).generateCacheKey(code, persister(node), s);
    }
  }

  private static EntityPersister persister(SessionFactory node) {
    return node.unwrap(SessionFactoryImplementor.class).getMappingMetamodel().getEntityDescriptor(Item.class);
  }

  static SharedSessionContractImplementor session(SessionFactory node) {
    return (SharedSessionContractImplementor) node.openSession();
  }

  /** Runs {@code step} in its own thread, armed to pause inside its cache read-modify-write. */
  Thread paused(Runnable step) {
    return paused(0, step);
  }

  /** As {@link #paused(Runnable)}, but the pause opens only after the first {@code skip} cache reads. */
  Thread paused(int skip, Runnable step) {
    Thread t = new Thread(() -> {
      pause.armForCurrentThread(skip);
      step.run();
    }, "paused-node");
    t.start();
    pause.awaitReached();
    return t;
  }

  /** Lets the paused step finish. */
  void resume(Thread t) {
    pause.release();
    try {
      t.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      throw new IllegalStateException("paused step did not finish");
    }
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
