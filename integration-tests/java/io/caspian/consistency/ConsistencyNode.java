package io.caspian.consistency;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caspian.hibernate.CaspianSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * One application JVM of the consistency checker: Hibernate with Caspian or with stock hibernate-jcache over
 * Caspian's JCache provider as its second-level cache, behind an HTTP endpoint on 127.0.0.1 that runs one
 * {@link Operations operation} per request. Prints {@code PORT n} once it listens.
 *
 * <p>Arguments: jdbc url, memcached servers, namespace, {@code caspian} or {@code stock}, soft-lock timeout in
 * seconds, HTTP worker threads, injected database latency in ms (0: none, see {@link SlowConnections}).
 */
public final class ConsistencyNode {
  private ConsistencyNode() {
  }

  public static void main(String[] args) throws Exception {
    SessionFactory factory = sessionFactory(args[0], args[1], args[2], args[3].equals("caspian"), args[4],
        args[6]);
    Operations operations = new Operations(factory);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    http.setExecutor(Executors.newFixedThreadPool(Integer.parseInt(args[5])));
    http.createContext("/op", e -> respond(e, operations::run));
    http.createContext("/audit", e -> respond(e, operations::audit));
    http.start();
    System.out.println("PORT " + http.getAddress().getPort());
    System.out.flush();
  }

  static SessionFactory sessionFactory(String jdbcUrl, String servers, String namespace, boolean caspian,
      String lockTimeout, String latencyMs) {
    Configuration c = new Configuration().addAnnotatedClass(Parent.class).addAnnotatedClass(Child.class)
        .addAnnotatedClass(Tag.class)
        .setProperty("hibernate.connection.url", jdbcUrl)
        .setProperty("hibernate.connection.pool_size", "24")
        .setProperty("hibernate.connection.provider_class", SlowConnections.class.getName())
        .setProperty(SlowConnections.LATENCY, latencyMs)
        .setProperty("hibernate.hbm2ddl.auto", "none")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true");
    if (caspian) {
      c.setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty(CaspianSettings.SERVERS, servers)
          .setProperty(CaspianSettings.NAMESPACE, namespace)
          .setProperty(CaspianSettings.LOCK_TIMEOUT, lockTimeout)
          .setProperty(CaspianSettings.NODE_TIMEOUT, Integer.toString(ConsistencyCluster.NODE_TIMEOUT_SECONDS))
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
    return c.buildSessionFactory();
  }

  /** The handler's answer: 200 with its text, or 500 with the text a {@link Operations.Failure} carries. */
  private static void respond(HttpExchange e, java.util.function.Function<Map<String, String>, String> handler)
      throws IOException {
    int code = 200;
    String text;
    try {
      Map<String, String> params = params(e.getRequestURI().getRawQuery());
      params.putAll(params(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      text = handler.apply(params);
    } catch (Operations.Failure ex) {
      code = 500;
      text = ex.getMessage();
    } catch (RuntimeException ex) {
      code = 500;
      text = "error " + ex;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    e.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> params(String raw) {
    if (raw == null || raw.isBlank()) {
      return new java.util.HashMap<>();
    }
    return Arrays.stream(raw.trim().split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
        p -> p[0], p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "", (a, b) -> b,
        java.util.HashMap::new));
  }
}
