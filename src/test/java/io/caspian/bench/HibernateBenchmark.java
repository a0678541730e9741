package io.caspian.bench;

import io.caspian.hibernate.CaspianSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Hibernate with Caspian against the alternatives, on the same memcached and an H2 database in TCP server mode (a
 * networked database being the case a second-level cache exists for): {@code find} by id served from the
 * second-level cache, in a transaction (as applications find) and without; a read-write update transaction (each
 * benchmark thread updates its own 8 rows in turn); and a cacheable HQL query of 20 entities served from the query cache.
 * Providers: Caspian's region factory, the stock hibernate-jcache region factory over Caspian's JCache (unsafe across
 * JVMs), over Hazelcast's JCache client and over Redisson's JCache, and no second-level cache at all. Each benchmark
 * method names its case, then its provider; only the provider a method takes is set up in its fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HibernateBenchmark {
  /** The entity found by id. */
  static final long FOUND = 1L;
  /** Rows updated: each benchmark thread owns {@link #ROWS_PER_THREAD} of them and updates them in turn. */
  static final long UPDATED_FROM = 100L;
  static final int SLOTS = 16;
  static final int ROWS_PER_THREAD = 8;
  /** The 20 rows the cacheable query returns. */
  static final long QUERIED_FROM = 1001L;
  static final int QUERIED = 20;

  /**
   * The benchmark thread's own rows to update, one after the other (as users update different rows; repeated updates
   * of one row measure the wait for the previous update's cache work instead, which a real application rarely does
   * back to back).
   */
  @State(Scope.Thread)
  public static class Row {
    private static final AtomicInteger NEXT = new AtomicInteger();
    long first;
    int next;

    @Setup(Level.Trial)
    public void take() {
      first = UPDATED_FROM + (long) (NEXT.getAndIncrement() % SLOTS) * ROWS_PER_THREAD;
    }

    long nextId() {
      next = (next + 1) % ROWS_PER_THREAD;
      return first + next;
    }
  }

  /**
   * A session factory on a fresh H2 database of its own, with the rows in place and the cases' entries cached. The
   * query cache is on only in the query benchmarks' forks: with it, every update also invalidates the table's
   * timestamp, which the update case without queries would not pay.
   */
  @State(Scope.Benchmark)
  public abstract static class Db {
    SessionFactory factory;
    AutoCloseable closer = () -> { };
    boolean queryCache;

    /** The provider's settings; {@code kind} names its database and memcached namespace. */
    abstract void configure(Configuration c, String kind);

    abstract String kind();

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) {
      queryCache = params.getBenchmark().contains(".query");
      String kind = kind();
      boolean cached = !kind.equals("none");
      Configuration c = new Configuration().addAnnotatedClass(Account.class)
          .setProperty("hibernate.connection.url",
              BenchServers.h2Url("bench-" + kind + "-" + Long.toString(System.nanoTime(), 36)))
          .setProperty("hibernate.hbm2ddl.auto", "create-drop")
          .setProperty("hibernate.cache.use_second_level_cache", Boolean.toString(cached))
          .setProperty("hibernate.cache.use_query_cache", Boolean.toString(cached && queryCache));
      try {
        if (cached) {
          configure(c, kind);
        }
        factory = c.buildSessionFactory();
        fill(kind, cached);
      } catch (RuntimeException e) {
        // JMH calls no tear-down after a failed set-up: a peer's client threads would keep the fork alive
        try {
          stop();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    private void fill(String kind, boolean cached) {
      factory.inTransaction(s -> {
        s.persist(new Account(FOUND, "owner-" + FOUND, 100));
        for (long id = UPDATED_FROM; id < UPDATED_FROM + (long) SLOTS * ROWS_PER_THREAD; id++) {
          s.persist(new Account(id, "owner-" + id, 100));
        }
        for (long id = QUERIED_FROM; id < QUERIED_FROM + QUERIED; id++) {
          s.persist(new Account(id, "owner-" + id, 100));
        }
      });
      findInTransaction(this);
      if (query(this).size() != QUERIED) {
        throw new IllegalStateException("the query found " + query(this).size() + " rows");
      }
      if (cached) {
        checkHits(kind);
      }
    }

    /** The cases measure what they say: a find and the query (its results and its 20 entities) are cache hits. */
    private void checkHits(String kind) {
      Statistics statistics = factory.getStatistics();
      statistics.setStatisticsEnabled(true);
      try {
        String missed = null;
        for (int attempt = 0; attempt < 50; attempt++) {
          statistics.clear();
          find(this);
          findInTransaction(this);
          missed = statistics.getSecondLevelCacheHitCount() < 2 || statistics.getPrepareStatementCount() > 0
              ? "find by id" : null;
          if (missed == null && queryCache) {
            // Hibernate's default query cache layout keeps the entities' data with the result: no entity lookups
            statistics.clear();
            query(this);
            missed = statistics.getQueryCacheHitCount() != 1 || statistics.getPrepareStatementCount() > 0
                ? "the query" : null;
          }
          if (missed == null) {
            return;
          }
          // the rows' insert invalidated the table moments ago; a result cached before that is not served
          sleep(100);
        }
        throw new IllegalStateException(kind + ": " + missed + " not served from the cache after warm-up: "
            + statistics);
      } finally {
        statistics.setStatisticsEnabled(false);
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      try {
        if (factory != null) {
          factory.close();
        }
      } finally {
        closer.close();
      }
    }
  }

  /** Caspian's region factory, configured as its users configure it. */
  public static class Caspian extends Db {
    @Override
    String kind() {
      return "caspian";
    }

    @Override
    void configure(Configuration c, String kind) {
      c.setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty(CaspianSettings.SERVERS, BenchServers.address(BenchServers.MEMCACHED))
          .setProperty(CaspianSettings.NAMESPACE, "bench-" + kind + "-" + Long.toString(System.nanoTime(), 36))
          .setProperty(CaspianSettings.CLOCK_MAX_LAG, clockMaxLag());
    }

    String clockMaxLag() {
      return "" + CaspianSettings.DEFAULT_CLOCK_MAX_LAG_MILLIS;
    }
  }

  /** Before issue 9: the clock read when the session opens, the transaction begins and it completes. */
  public static class CaspianClockPerTx extends Caspian {
    @Override
    String kind() {
      return "caspian-clock-per-tx";
    }

    @Override
    String clockMaxLag() {
      return "0";
    }
  }

  /**
   * The stock hibernate-jcache region factory over Caspian's JCache. hibernate-jcache resolves
   * hibernate.javax.cache.uri as a resource URL, which memcached:// is not, so it gets Caspian's default manager,
   * configured through system properties.
   */
  public static class Stock extends Db {
    @Override
    String kind() {
      return "stock";
    }

    @Override
    void configure(Configuration c, String kind) {
      System.setProperty("caspian.serialization.allow", "org.hibernate.**;io.caspian.**");
      System.setProperty("caspian.memcached.servers", BenchServers.address(BenchServers.MEMCACHED));
      System.setProperty("caspian.namespace", "bench-stock-" + Long.toString(System.nanoTime(), 36));
      c.setProperty("hibernate.cache.region.factory_class", "jcache")
          .setProperty("hibernate.javax.cache.provider", "io.caspian.jcache.CaspianCachingProvider")
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    }
  }

  /** The stock hibernate-jcache region factory given a peer's cache manager. */
  abstract static class StockOverPeer extends Db {
    abstract Peers.Manager open();

    @Override
    void configure(Configuration c, String kind) {
      Peers.Manager m = open();
      closer = m;
      c.setProperty("hibernate.cache.region.factory_class", "jcache")
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
          // the region names are the same in every fork: a prefix keeps each fork's regions its own
          .setProperty("hibernate.cache.region_prefix", kind + "-" + Long.toString(System.nanoTime(), 36));
      c.getProperties().put("hibernate.javax.cache.cache_manager", m.manager());
    }
  }

  /** Hazelcast's JCache client (HazelcastClientCachingProvider) to a member in its own JVM. */
  public static class Hazelcast extends StockOverPeer {
    @Override
    String kind() {
      return "hazelcast";
    }

    @Override
    Peers.Manager open() {
      return Peers.hazelcast();
    }
  }

  /** Redisson's JCache (org.redisson.jcache.JCachingProvider) on redis-server. */
  public static class Redisson extends StockOverPeer {
    @Override
    String kind() {
      return "redisson";
    }

    @Override
    Peers.Manager open() {
      return Peers.redisson();
    }
  }

  /** No second-level cache: every find and query goes to H2 over TCP. */
  public static class NoCache extends Db {
    @Override
    String kind() {
      return "none";
    }

    @Override
    void configure(Configuration c, String kind) {
    }
  }

  private static final AtomicLong BALANCE = new AtomicLong();

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Account find(Db db) {
    try (Session s = db.factory.openSession()) {
      return s.find(Account.class, FOUND);
    }
  }

  /** As applications find: inside a transaction (Spring's {@code @Transactional}, JPA's resource-local tx). */
  private static Account findInTransaction(Db db) {
    return db.factory.fromTransaction(s -> s.find(Account.class, FOUND));
  }

  private static void update(Db db, Row row) {
    long balance = BALANCE.incrementAndGet();
    long id = row.nextId();
    db.factory.inTransaction(s -> s.find(Account.class, id).balance = balance);
  }

  private static List<Account> query(Db db) {
    return db.factory.fromTransaction(s -> s.createSelectionQuery(
            "from Account a where a.id between :from and :to order by a.id", Account.class)
        .setParameter("from", QUERIED_FROM).setParameter("to", QUERIED_FROM + QUERIED - 1)
        .setCacheable(db.queryCache)
        .getResultList());
  }

  // find by id in a transaction, a cache hit

  @Benchmark
  public Object findTxCaspian(Caspian db) {
    return findInTransaction(db);
  }

  @Benchmark
  public Object findTxCaspianClockPerTx(CaspianClockPerTx db) {
    return findInTransaction(db);
  }

  @Benchmark
  public Object findTxStock(Stock db) {
    return findInTransaction(db);
  }

  @Benchmark
  public Object findTxHazelcast(Hazelcast db) {
    return findInTransaction(db);
  }

  @Benchmark
  public Object findTxRedisson(Redisson db) {
    return findInTransaction(db);
  }

  @Benchmark
  public Object findTxNoCache(NoCache db) {
    return findInTransaction(db);
  }

  // find by id without a transaction, a cache hit

  @Benchmark
  public Object findCaspian(Caspian db) {
    return find(db);
  }

  @Benchmark
  public Object findStock(Stock db) {
    return find(db);
  }

  @Benchmark
  public Object findHazelcast(Hazelcast db) {
    return find(db);
  }

  @Benchmark
  public Object findRedisson(Redisson db) {
    return find(db);
  }

  @Benchmark
  public Object findNoCache(NoCache db) {
    return find(db);
  }

  // read-write update transaction

  @Benchmark
  public void updateCaspian(Caspian db, Row row) {
    update(db, row);
  }

  @Benchmark
  public void updateStock(Stock db, Row row) {
    update(db, row);
  }

  @Benchmark
  public void updateHazelcast(Hazelcast db, Row row) {
    update(db, row);
  }

  @Benchmark
  public void updateRedisson(Redisson db, Row row) {
    update(db, row);
  }

  @Benchmark
  public void updateNoCache(NoCache db, Row row) {
    update(db, row);
  }

  // a cacheable query of 20 entities, a query cache hit (without a cache: the query on H2)

  @Benchmark
  public Object queryCaspian(Caspian db) {
    return query(db);
  }

  @Benchmark
  public Object queryStock(Stock db) {
    return query(db);
  }

  @Benchmark
  public Object queryHazelcast(Hazelcast db) {
    return query(db);
  }

  @Benchmark
  public Object queryRedisson(Redisson db) {
    return query(db);
  }

  @Benchmark
  public Object queryNoCache(NoCache db) {
    return query(db);
  }
}
