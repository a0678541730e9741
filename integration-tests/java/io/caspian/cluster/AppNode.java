package io.caspian.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caspian.hibernate.CaspianSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hibernate.CacheMode;
import org.hibernate.Hibernate;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.entry.CollectionCacheEntry;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.stat.Statistics;

/**
 * One application server of the cluster: a JPA application (Caspian or stock hibernate-jcache as its second-level
 * cache) behind a plain HTTP endpoint on 127.0.0.1. Prints {@code PORT n} once it listens.
 *
 * <p>Arguments: jdbc url, memcached servers, namespace, {@code caspian} or {@code stock}, release ({@code v1} or
 * {@code v2}: which mapping of the account it deploys), soft-lock timeout in seconds.
 */
public final class AppNode {
  private static final String BALANCE_QUERY = "select a.balance from Account a where a.id = :id";

  private final SessionFactory factory;
  private final Class<? extends AccountBase> type;

  private AppNode(SessionFactory factory, Class<? extends AccountBase> type) {
    this.factory = factory;
    this.type = type;
  }

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    String servers = args[1];
    String namespace = args[2];
    boolean caspian = args[3].equals("caspian");
    // release v2 runs with a different Account class of the same name first on its class path (see Cluster)
    Class<? extends AccountBase> type = Account.class;
    String lockTimeout = args[5];
    String nodeTimeout = args.length > 6 ? args[6] : "10";
    Configuration c = new Configuration().addAnnotatedClass(type)
        .setProperty("hibernate.connection.url", jdbcUrl)
        .setProperty("hibernate.connection.pool_size", "8")
        .setProperty("hibernate.hbm2ddl.auto", "none")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.generate_statistics", "true");
    if (caspian) {
      c.setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty(CaspianSettings.SERVERS, servers)
          .setProperty(CaspianSettings.NAMESPACE, namespace)
          .setProperty(CaspianSettings.LOCK_TIMEOUT, lockTimeout)
          .setProperty(CaspianSettings.NODE_TIMEOUT, nodeTimeout)
          .setProperty(CaspianSettings.CLOCK_MAX_SKEW, "500");
    } else {
      // hibernate-jcache cannot take a memcached:// URI, so the Caspian default manager is set up by properties
      System.setProperty("caspian.memcached.servers", servers);
      System.setProperty("caspian.namespace", namespace);
      System.setProperty("caspian.serialization.allow", "org.hibernate.**;io.caspian.**");
      c.setProperty("hibernate.cache.region.factory_class", "jcache")
          .setProperty("hibernate.javax.cache.provider", "io.caspian.jcache.CaspianCachingProvider")
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    }
    AppNode node = new AppNode(c.buildSessionFactory(), type);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.setExecutor(Executors.newFixedThreadPool(8));
    http.createContext("/read", e -> node.respond(e, q -> node.read(id(q))));
    http.createContext("/byCode", e -> node.respond(e, q -> node.byCode(id(q))));
    http.createContext("/query", e -> node.respond(e, q -> node.queryBalance(id(q))));
    http.createContext("/items", e -> node.respond(e, q -> node.items(id(q))));
    http.createContext("/increment", e -> node.respond(e, q ->
        node.withRetry(s -> node.increment(s, id(q), Long.parseLong(q.getOrDefault("holdMs", "0"))))));
    http.createContext("/shift", e -> node.respond(e, q -> node.withRetry(s -> node.shift(s, id(q)))));
    http.createContext("/stale", e -> node.respond(e, q -> node.audit(ids(q))));
    http.createContext("/cached", e -> node.respond(e, q -> Boolean.toString(node.isCacheable(id(q)))));
    http.createContext("/hits", e -> node.respond(e, q -> node.hits()));
    http.createContext("/roundtrips", e -> node.respond(e, q -> node.roundTrips()));
    http.start();
    System.out.println("PORT " + http.getAddress().getPort());
    System.out.flush();
  }

  /** "version balance" as this node serves it (from the cache when it can). */
  private String read(long id) {
    return factory.fromTransaction(s -> {
      AccountBase a = s.find(type, id);
      return a.version + " " + a.balance;
    });
  }

  /** The same through the natural-id cache. */
  private String byCode(long id) {
    return factory.fromTransaction(s -> {
      AccountBase a = s.bySimpleNaturalId(type).load(AccountBase.code(id));
      return a.version + " " + a.balance;
    });
  }

  /** The balance through the query cache. */
  private String queryBalance(long id) {
    return factory.fromTransaction(s -> Long.toString(balanceQuery(s, id)));
  }

  private static long balanceQuery(Session s, long id) {
    return s.createQuery(BALANCE_QUERY, Long.class).setParameter("id", id).setCacheable(true).getSingleResult();
  }

  /** "min max" of the account's collection as this node serves it (from the collection cache when it can). */
  private String items(long id) {
    return factory.fromTransaction(s -> {
      AccountBase a = s.find(type, id);
      Hibernate.initialize(a.items);
      return Collections.min(a.items) + " " + Collections.max(a.items);
    });
  }

  private String increment(Session s, long id, long holdMs) {
    AccountBase a = s.find(type, id);
    a.balance++;
    s.flush();
    if (holdMs > 0) {
      // the soft lock is taken: hold the transaction open, so that a kill -9 lands mid-transaction
      sleep(holdMs);
    }
    return Long.toString(a.version);
  }

  /** Adds max+1 to the collection and drops its minimum once it holds more than three: both only ever grow. */
  private String shift(Session s, long id) {
    AccountBase a = s.find(type, id);
    long max = Collections.max(a.items);
    a.items.add(max + 1);
    if (a.items.size() > 3) {
      a.items.remove(Collections.min(a.items));
    }
    s.flush();
    return a.version + " " + Collections.min(a.items) + " " + (max + 1);
  }

  /** Runs a write, retrying optimistic-lock conflicts; answers its result and the attempts it took. */
  private String withRetry(Function<Session, String> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return factory.fromTransaction(write) + " " + attempt;
      } catch (jakarta.persistence.OptimisticLockException | StaleStateException e) {
        if (attempt >= 50) {
          throw e;
        }
      }
    }
  }

  /**
   * "entities collections queries": how many cached entries, cached collections and query-cache answers differ
   * from the database (read around the cache).
   */
  private String audit(List<Long> ids) {
    SessionFactoryImplementor sfi = factory.unwrap(SessionFactoryImplementor.class);
    EntityPersister persister = sfi.getMappingMetamodel().getEntityDescriptor(type);
    CollectionPersister collection = sfi.getMappingMetamodel()
        .getCollectionDescriptor(persister.getEntityName() + ".items");
    EntityDataAccess entities = persister.getCacheAccessStrategy();
    CollectionDataAccess collections = collection.getCacheAccessStrategy();
    int staleEntities = 0;
    int staleCollections = 0;
    int staleQueries = 0;
    for (long id : ids) {
      Object[] row = factory.fromTransaction(s -> {
        s.setCacheMode(CacheMode.IGNORE);
        return s.createNativeQuery("select balance, version from Account where id = " + id, Object[].class)
            .getSingleResult();
      });
      Set<Long> dbItems = factory.fromTransaction(s -> s.createNativeQuery(
          "select items from Account_items where Account_id = " + id, Long.class).getResultList().stream()
          .collect(Collectors.toSet()));
      long dbVersion = ((Number) row[1]).longValue();
      try (SharedSessionContractImplementor s = (SharedSessionContractImplementor) factory.openSession()) {
        Object cached = entities.get(s, entities.generateCacheKey(id, persister, sfi, null));
        if (cached instanceof StandardCacheEntryImpl entry && ((Number) entry.getVersion()).longValue() != dbVersion) {
          staleEntities++;
        }
        Object cachedItems = collections.get(s, collections.generateCacheKey(id, collection, sfi, null));
        if (cachedItems instanceof CollectionCacheEntry entry
            && !new HashSet<>(Arrays.asList(entry.getState())).equals(dbItems)) {
          staleCollections++;
        }
      }
      if (factory.fromTransaction(s -> balanceQuery(s, id)) != ((Number) row[0]).longValue()) {
        staleQueries++;
      }
    }
    return staleEntities + " " + staleCollections + " " + staleQueries;
  }

  /** Whether the entity is served from the cache again (no soft lock left behind): read twice, the second hits. */
  private boolean isCacheable(long id) {
    read(id);
    long before = factory.getStatistics().getSecondLevelCacheHitCount();
    read(id);
    return factory.getStatistics().getSecondLevelCacheHitCount() > before;
  }

  /**
   * "all background": times this node waited for memcached (a multi-get counts once), and how many of those were
   * waited for by background threads (transaction completions after the transaction returned), whichever region
   * factory runs over Caspian.
   */
  private String roundTrips() {
    Object regionFactory = factory.unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class).getCache()
        .getRegionFactory();
    if (regionFactory instanceof io.caspian.hibernate.CaspianRegionFactory caspian) {
      return caspian.getMemcachedRoundTrips() + " " + caspian.getMemcachedBackgroundRoundTrips();
    }
    io.caspian.memcached.TransportStats stats = ((org.hibernate.cache.jcache.internal.JCacheRegionFactory)
        regionFactory).getCacheManager().unwrap(io.caspian.memcached.Memcached.class).stats();
    return stats.roundTrips() + " " + stats.backgroundRoundTrips();
  }

  /** "hits misses": entity, collection, natural-id and query cache together. */

  private String hits() {
    Statistics st = factory.getStatistics();
    return (st.getSecondLevelCacheHitCount() + st.getNaturalIdCacheHitCount() + st.getQueryCacheHitCount()) + " "
        + (st.getSecondLevelCacheMissCount() + st.getNaturalIdCacheMissCount() + st.getQueryCacheMissCount());
  }

  private static long id(Map<String, String> query) {
    return Long.parseLong(query.get("id"));
  }

  private static List<Long> ids(Map<String, String> query) {
    return Arrays.stream(query.get("ids").split(",")).map(Long::parseLong).toList();
  }

  private static Map<String, String> query(HttpExchange e) {
    String raw = e.getRequestURI().getQuery();
    return raw == null ? Map.of() : Arrays.stream(raw.split("&")).map(p -> p.split("=", 2))
        .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : ""));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  private void respond(HttpExchange e, Function<Map<String, String>, String> body) throws IOException {
    int code = 200;
    String text;
    try {
      text = body.apply(query(e));
    } catch (RuntimeException ex) {
      code = 500;
      text = ex.toString();
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    e.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }
}
