package io.caspian.bench;

import io.caspian.hibernate.CaspianSettings;
import io.caspian.testing.MemcachedProcess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.MemcachedClient;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hibernate with Caspian against the alternatives on the same memcached and H2: {@code find} by id served from the
 * second-level cache (Caspian, stock hibernate-jcache over the Caspian JCache provider, no second-level cache at
 * all, and one raw spymemcached get as the floor), and a read-write update transaction (Caspian vs stock).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HibernateBenchmark {
  private MemcachedProcess server;
  private MemcachedClient raw;
  private SessionFactory caspian;
  private SessionFactory caspianClockPerTx;
  private SessionFactory stock;
  private SessionFactory uncached;
  private final AtomicLong counter = new AtomicLong();

  @Setup(Level.Trial)
  public void start() throws Exception {
    server = MemcachedProcess.start();
    raw = RawSpymemcached.connect(server.port());
    raw.set("raw-hit", 0, new byte[400]).get();
    caspian = factory("caspian");
    caspianClockPerTx = factory("caspian-clock-per-tx");
    stock = factory("jcache");
    uncached = factory("none");
    for (SessionFactory f : List.of(caspian, caspianClockPerTx, stock, uncached)) {
      f.inTransaction(s -> s.persist(new Account(1L, "owner-1", 100)));
      f.inTransaction(s -> s.persist(new Account(2L, "owner-2", 100)));
      f.fromTransaction(s -> s.find(Account.class, 1L));
    }
  }

  private SessionFactory factory(String kind) {
    Configuration c = new Configuration().addAnnotatedClass(Account.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:bench-" + kind + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "create-drop")
        .setProperty("hibernate.cache.use_second_level_cache", Boolean.toString(!kind.equals("none")));
    if (kind.startsWith("caspian")) {
      c.setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty(CaspianSettings.SERVERS, server.address())
          .setProperty(CaspianSettings.NAMESPACE, "bench-" + kind)
          .setProperty(CaspianSettings.CLOCK_MAX_LAG,
              kind.equals("caspian-clock-per-tx") ? "0" : "" + CaspianSettings.DEFAULT_CLOCK_MAX_LAG_MILLIS);
    } else if (kind.equals("jcache")) {
      // hibernate-jcache resolves hibernate.javax.cache.uri as a resource URL, which memcached:// is not, so the
      // stock factory gets Caspian's default manager, configured through system properties
      System.setProperty("caspian.serialization.allow", "org.hibernate.**;io.caspian.**");
      System.setProperty("caspian.memcached.servers", server.address());
      System.setProperty("caspian.namespace", "bench-stock");
      c.setProperty("hibernate.cache.region.factory_class", "jcache")
          .setProperty("hibernate.javax.cache.provider", "io.caspian.jcache.CaspianCachingProvider")
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    }
    return c.buildSessionFactory();
  }

  @TearDown(Level.Trial)
  public void stop() {
    caspian.close();
    caspianClockPerTx.close();
    stock.close();
    uncached.close();
    raw.shutdown(1, TimeUnit.SECONDS);
    server.close();
  }

  private static Account find(SessionFactory f) {
    try (Session s = f.openSession()) {
      return s.find(Account.class, 1L);
    }
  }

  /** As applications find: inside a transaction (Spring's {@code @Transactional}, JPA's resource-local tx). */
  private static Account findInTransaction(SessionFactory f) {
    return f.fromTransaction(s -> s.find(Account.class, 1L));
  }

  private void update(SessionFactory f) {
    long balance = counter.incrementAndGet();
    f.inTransaction(s -> s.find(Account.class, 2L).balance = balance);
  }

  @Benchmark
  public Object findCaspian() {
    return find(caspian);
  }

  @Benchmark
  public Object findInTxCaspian() {
    return findInTransaction(caspian);
  }

  /** Before issue 9: the clock read when the session opens, the transaction begins and it completes. */
  @Benchmark
  public Object findInTxCaspianClockReadPerTx() {
    return findInTransaction(caspianClockPerTx);
  }

  @Benchmark
  public Object findInTxStockJcache() {
    return findInTransaction(stock);
  }

  @Benchmark
  public Object findInTxNoSecondLevelCache() {
    return findInTransaction(uncached);
  }

  @Benchmark
  public Object findStockJcache() {
    return find(stock);
  }

  @Benchmark
  public Object findNoSecondLevelCache() {
    return find(uncached);
  }

  @Benchmark
  public Object rawGetHibernateRun() {
    return raw.get("raw-hit");
  }

  @Benchmark
  public void updateCaspian() {
    update(caspian);
  }

  @Benchmark
  public void updateStockJcache() {
    update(stock);
  }
}
