package io.caspian.hibernate;

import io.caspian.hibernate.domain.Item;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Assumptions;

/**
 * Test fixture: "application servers" sharing one memcached pool and one H2 database, each its own SessionFactory.
 * The database name is unique per fixture; the memcached namespace too, so tests do not see each other's entries.
 */
final class TwoNodes implements AutoCloseable {
  static final String CASPIAN = "caspian";
  static final String STOCK_JCACHE = "jcache";

  final SessionFactory a;
  final SessionFactory b;

  /** The memcached namespace of this fixture's nodes (Caspian's region factory only). */
  final String namespace;

  TwoNodes(String regionFactory, String servers) {
    this(regionFactory, servers, java.util.Map.of(), java.util.Map.of());
  }

  /** Nodes with extra settings each ({@code extraA} for A, {@code extraB} for B). */
  TwoNodes(String regionFactory, String servers, java.util.Map<String, String> extraA,
      java.util.Map<String, String> extraB) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    namespace = "t" + id;
    a = build(regionFactory, servers, id, extraA);
    b = build(regionFactory, servers, id, extraB);
  }

  /** The Caspian region factory of {@code node}. */
  static CaspianRegionFactory regions(SessionFactory node) {
    return (CaspianRegionFactory) node.unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class).getCache()
        .getRegionFactory();
  }

  /** The name of item {@code id} as a transaction of {@code node} is served it (from the cache if cached). */
  static String itemName(SessionFactory node, long id) {
    return node.fromTransaction(s -> s.find(Item.class, id).getName());
  }

  /** Skips the calling test until the Caspian JCache provider is on the class path (it lands from main). */
  static void assumeProvider() {
    boolean present;
    try {
      Class.forName(CaspianRegionFactory.PROVIDER);
      present = true;
    } catch (ClassNotFoundException e) {
      present = false;
    }
    Assumptions.assumeTrue(present, "Caspian JCache provider not merged yet");
  }

  /**
   * A node's configuration: {@code entities} on the in-memory H2 database {@code database} (shared by every factory
   * of this JVM that names it, schema updated), second-level cache and statistics on; no region factory yet.
   */
  static Configuration h2(String database, Class<?>... entities) {
    Configuration configuration = new Configuration();
    for (Class<?> entity : entities) {
      configuration.addAnnotatedClass(entity);
    }
    return configuration
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.generate_statistics", "true");
  }

  /** {@link #h2} with Caspian as the region factory on {@code servers}, in {@code namespace}. */
  static Configuration caspian(String database, String servers, String namespace, Class<?>... entities) {
    return h2(database, entities)
        .setProperty("hibernate.cache.region.factory_class", CASPIAN)
        .setProperty(CaspianSettings.SERVERS, servers)
        .setProperty(CaspianSettings.NAMESPACE, namespace);
  }

  private static SessionFactory build(String regionFactory, String servers, String id,
      java.util.Map<String, String> extra) {
    Configuration configuration = h2(id, Item.class)
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", regionFactory);
    if (CASPIAN.equals(regionFactory)) {
      configuration.setProperty(CaspianSettings.SERVERS, servers)
          .setProperty(CaspianSettings.NAMESPACE, "t" + id)
          .setProperty(CaspianSettings.TIMEOUT, "300");
    } else {
      // stock hibernate-jcache over the very same Caspian JCache provider and memcached
      configuration.setProperty("hibernate.javax.cache.provider", CaspianRegionFactory.PROVIDER)
          .setProperty("hibernate.javax.cache.uri", "memcached://" + servers + "/s" + id)
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    }
    extra.forEach(configuration::setProperty);
    return configuration.buildSessionFactory();
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
