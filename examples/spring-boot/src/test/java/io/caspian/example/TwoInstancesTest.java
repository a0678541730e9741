package io.caspian.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.EntityManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the shop (two Spring Boot applications on random ports, in this JVM) sharing one database (H2
 * served over TCP) and one real memcached, both started here. Everything else is the application's own
 * application.properties; only the addresses are passed, as command-line arguments (and a cache manager URI per
 * instance, which separate processes would not need). Extra arguments for both
 * instances can be given with {@code -Dexample.args="--k=v --k2=v2"}, for one with {@code -Dexample.args.A} or
 * {@code .B}: e.g. {@code --spring.cache.type=simple} (Spring's in-memory cache) or another
 * {@code --spring.jpa.properties.hibernate.cache.caspian.namespace} on B (a cache the instances do not share) make
 * the cross-instance tests fail.
 */
class TwoInstancesTest {
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*([-0-9.eE]+)");

  private static Memcached memcached;
  private static Server database;
  private static Instance a;
  private static Instance b;

  record Instance(String name, ConfigurableApplicationContext context, String url) {
    Statistics statistics() {
      return context.getBean(EntityManagerFactory.class).unwrap(SessionFactory.class).getStatistics();
    }

    long quotesComputed() {
      return context.getBean(PriceService.class).computations();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    memcached = Memcached.start();
    database = Server.createTcpServer("-tcpPort", Integer.toString(Memcached.freePort()), "-ifNotExists").start();
    a = instance("A");
    b = instance("B");
  }

  @AfterAll
  static void stop() {
    for (Instance instance : new Instance[] {b, a}) {
      if (instance != null) {
        instance.context().close();
      }
    }
    if (database != null) {
      database.stop();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  private static Instance instance(String name) {
    List<String> args = new ArrayList<>(List.of(
        "--server.port=0",
        "--caspian.memcached.servers=" + memcached.address(),
        // One JVM hands out one JCache CacheManager per URI: each instance gets its own (same servers and namespace,
        // the query only tells them apart), as two separate processes would have.
        "--spring.cache.jcache.config=memcached://" + memcached.address() + "/caspian-shop-prices?instance=" + name,
        "--spring.datasource.url=jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/mem:shop;DB_CLOSE_DELAY=-1",
        "--spring.main.banner-mode=off"));
    for (String extra : List.of(System.getProperty("example.args", ""), System.getProperty("example.args." + name, ""))) {
      if (!extra.isBlank()) {
        args.addAll(List.of(extra.trim().split("\\s+")));
      }
    }
    ConfigurableApplicationContext context = new SpringApplicationBuilder(ShopApplication.class)
        .run(args.toArray(String[]::new));
    return new Instance(name, context, "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
  }

  @Test
  void secondReadOfAProductIsASecondLevelCacheHitWithoutSql() throws Exception {
    get(a, "/products/2"); // whatever the first read costs
    Statistics stats = a.statistics();
    stats.clear();
    String body = get(a, "/products/2");
    assertTrue(body.contains("\"name\":\"Teapot\""), body);
    assertEquals(1, stats.getSecondLevelCacheHitCount(), "2LC hits of the second read on A");
    assertEquals(0, stats.getSecondLevelCacheMissCount(), "2LC misses of the second read on A");
    assertEquals(0, stats.getPrepareStatementCount(), "SQL statements of the second read on A");
    assertEquals(0, stats.getEntityLoadCount(), "entities loaded from the database by the second read on A");
  }

  @Test
  void aProductCachedByOneInstanceIsAHitOnTheOther() throws Exception {
    get(a, "/products/3"); // A reads it: cached in memcached if it was not yet
    Statistics stats = b.statistics();
    stats.clear();
    String body = get(b, "/products/3");
    assertTrue(body.contains("\"name\":\"Mug\""), body);
    assertEquals(1, stats.getSecondLevelCacheHitCount(), "2LC hits on B of a product A read");
    assertEquals(0, stats.getPrepareStatementCount(), "SQL statements on B for a product A read");
  }

  @Test
  void anUpdateOnOneInstanceIsSeenAtOnceOnTheOther() throws Exception {
    for (int round = 1; round <= 5; round++) {
      get(b, "/products/1");
      get(b, "/products/1"); // B has it cached
      String name = "Kettle mark " + round;
      String updated = put(a, "/products/1", "{\"name\":\"" + name + "\"}");
      assertTrue(updated.contains("\"name\":\"" + name + "\""), updated);
      String seen = get(b, "/products/1");
      assertTrue(seen.contains("\"name\":\"" + name + "\""), "B right after A's update, round " + round + ": " + seen);
      assertTrue(get(a, "/products/1").contains("\"name\":\"" + name + "\""), "A after its own update");
    }
  }

  @Test
  void aQuoteComputedByOneInstanceIsServedFromTheCacheByTheOther() throws Exception {
    long computedByA = a.quotesComputed();
    long computedByB = b.quotesComputed();
    String onA = get(a, "/prices/2");
    assertTrue(onA.contains("\"cents\":2160"), onA);
    assertEquals(computedByA + 1, a.quotesComputed(), "quotes computed by A");
    String onB = get(b, "/prices/2");
    assertEquals(onA, onB);
    assertEquals(computedByB, b.quotesComputed(), "quotes computed by B: it must have been served from memcached");
  }

  @Test
  void springCacheGetsMeterMoves() throws Exception {
    double aMisses = meter(a, "cache.gets?tag=name:prices&tag=result:miss");
    double aHits = meter(a, "cache.gets?tag=name:prices&tag=result:hit");
    double bHits = meter(b, "cache.gets?tag=name:prices&tag=result:hit");
    get(a, "/prices/1"); // a miss: computed, cached
    get(a, "/prices/1"); // a hit
    get(b, "/prices/1"); // a hit on the other instance
    assertTrue(meter(a, "cache.gets?tag=name:prices&tag=result:miss") >= aMisses + 1, "cache.gets misses on A");
    assertTrue(meter(a, "cache.gets?tag=name:prices&tag=result:hit") >= aHits + 1, "cache.gets hits on A");
    assertTrue(meter(b, "cache.gets?tag=name:prices&tag=result:hit") >= bHits + 1, "cache.gets hits on B");
  }

  @Test
  void caspianMetersArePresentAndMove() throws Exception {
    for (Instance instance : new Instance[] {a, b}) {
      double all = meter(instance, "caspian.round.trips");
      double hibernate = meter(instance, "caspian.round.trips?tag=client:hibernate");
      double jcache = meter(instance, "caspian.round.trips?tag=client:jcache");
      get(instance, "/products/2");
      assertTrue(meter(instance, "caspian.round.trips?tag=client:hibernate") > hibernate,
          instance.name() + ": caspian.round.trips{client=hibernate} after a product read");
      get(instance, "/prices/3");
      assertTrue(meter(instance, "caspian.round.trips?tag=client:jcache") > jcache,
          instance.name() + ": caspian.round.trips{client=jcache} after a price read");
      assertTrue(meter(instance, "caspian.round.trips") > all, instance.name() + ": caspian.round.trips");
      // present, if not moving here
      meter(instance, "caspian.cas.conflicts");
      meter(instance, "caspian.transport.failures");
    }
  }

  private static String get(Instance instance, String path) throws Exception {
    return send(instance, HttpRequest.newBuilder(URI.create(instance.url() + path)).GET());
  }

  private static String put(Instance instance, String path, String json) throws Exception {
    return send(instance, HttpRequest.newBuilder(URI.create(instance.url() + path))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String send(Instance instance, HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), instance.name() + " " + response.request().method() + " "
        + response.uri() + ": " + response.body());
    return response.body();
  }

  /** The first measurement of /actuator/metrics/{name}; fails unless the meter exists (HTTP 200). */
  private static double meter(Instance instance, String nameAndTags) throws Exception {
    String body = get(instance, "/actuator/metrics/" + nameAndTags);
    Matcher value = VALUE.matcher(body);
    assertTrue(value.find(), body);
    return Double.parseDouble(value.group(1));
  }
}
