package io.caspian.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caspian.hibernate.CaspianSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import org.hibernate.CacheMode;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/**
 * One application server of the cluster: a JPA application (Caspian or stock hibernate-jcache as its second-level
 * cache) behind a plain HTTP endpoint on 127.0.0.1. Prints {@code PORT n} once it listens.
 *
 * <p>Arguments: jdbc url, memcached servers, namespace, {@code caspian} or {@code stock}.
 */
public final class AppNode {
  private final SessionFactory factory;

  private AppNode(SessionFactory factory) {
    this.factory = factory;
  }

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    String servers = args[1];
    String namespace = args[2];
    boolean caspian = args[3].equals("caspian");
    Configuration c = new Configuration().addAnnotatedClass(Account.class)
        .setProperty("hibernate.connection.url", jdbcUrl)
        .setProperty("hibernate.connection.pool_size", "8")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.generate_statistics", "true");
    if (caspian) {
      c.setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty(CaspianSettings.SERVERS, servers)
          .setProperty(CaspianSettings.NAMESPACE, namespace);
    } else {
      // hibernate-jcache cannot take a memcached:// URI, so the Caspian default manager is set up by properties
      System.setProperty("caspian.memcached.servers", servers);
      System.setProperty("caspian.namespace", namespace);
      System.setProperty("caspian.serialization.allow", "org.hibernate.**;io.caspian.**");
      c.setProperty("hibernate.cache.region.factory_class", "jcache")
          .setProperty("hibernate.javax.cache.provider", "io.caspian.jcache.CaspianCachingProvider")
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    }
    AppNode node = new AppNode(c.buildSessionFactory());
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.setExecutor(Executors.newFixedThreadPool(8));
    http.createContext("/read", e -> node.respond(e, () -> node.read(id(e))));
    http.createContext("/increment", e -> node.respond(e, () -> node.increment(id(e))));
    http.createContext("/stale", e -> node.respond(e, () -> Integer.toString(node.staleEntries(ids(e)))));
    http.createContext("/hits", e -> node.respond(e, () -> node.factory.getStatistics().getSecondLevelCacheHitCount()
        + " " + node.factory.getStatistics().getSecondLevelCacheMissCount()));
    http.start();
    System.out.println("PORT " + http.getAddress().getPort());
    System.out.flush();
  }

  /** "version balance" as this node serves it (from the cache when it can). */
  private String read(long id) {
    return factory.fromTransaction(s -> {
      Account a = s.find(Account.class, id);
      return a.version + " " + a.balance;
    });
  }

  /** Adds one, retrying optimistic-lock conflicts; answers "version attempts" of the committed write. */
  private String increment(long id) {
    for (int attempt = 1; ; attempt++) {
      try {
        long version = factory.fromTransaction(s -> {
          Account a = s.find(Account.class, id);
          a.balance++;
          s.flush();
          return a.version;
        });
        return version + " " + attempt;
      } catch (jakarta.persistence.OptimisticLockException | StaleStateException e) {
        if (attempt >= 50) {
          throw e;
        }
      }
    }
  }

  /** How many cached entries differ from the database (read around the cache). */
  private int staleEntries(List<Long> ids) {
    SessionFactoryImplementor sfi = factory.unwrap(SessionFactoryImplementor.class);
    EntityPersister persister = sfi.getMappingMetamodel().getEntityDescriptor(Account.class);
    EntityDataAccess access = persister.getCacheAccessStrategy();
    int stale = 0;
    for (long id : ids) {
      Object[] db = factory.fromTransaction(s -> {
        s.setCacheMode(CacheMode.IGNORE);
        return (Object[]) s.createNativeQuery("select balance, version from Account where id = " + id, Object[].class)
            .getSingleResult();
      });
      try (SharedSessionContractImplementor s = (SharedSessionContractImplementor) factory.openSession()) {
        Object cached = access.get(s, access.generateCacheKey(id, persister, sfi, null));
        if (cached instanceof StandardCacheEntryImpl entry
            && ((Number) entry.getVersion()).longValue() != ((Number) db[1]).longValue()) {
          stale++;
        }
      }
    }
    return stale;
  }

  private static long id(HttpExchange e) {
    return Long.parseLong(e.getRequestURI().getQuery().replace("id=", ""));
  }

  private static List<Long> ids(HttpExchange e) {
    return java.util.Arrays.stream(e.getRequestURI().getQuery().replace("ids=", "").split(","))
        .map(Long::parseLong).toList();
  }

  private void respond(HttpExchange e, java.util.function.Supplier<String> body) throws IOException {
    int code = 200;
    String text;
    try {
      text = body.get();
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
