package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import io.caspian.testing.MemcachedProcess;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JCache provider against a real {@code memcached -S} with its own sasldb (PLAIN): right credentials work,
 * wrong ones or an unknown user fail with a message naming user and server (never the password) and do not make the
 * client re-authenticate again and again; listing keys fails fast, saying why and what still works. Skipped, saying
 * what to install, without saslpasswd2.
 */
class SaslTest {
  private static final String USER = "caspian";
  private static final String PASSWORD = "s3cret-Pa55";
  private static final String WRONG = "wrong-Pa55";

  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.sasl(USER, PASSWORD);

  private MemcachedProcess server;
  private final CaspianCachingProvider provider = new CaspianCachingProvider();

  @BeforeEach
  void server() {
    server = memcached.server();
  }

  @AfterEach
  void closeAll() {
    provider.close();
  }

  private CacheManager manager(String user, String password, String namespace) {
    return manager(user, password, namespace, 500);
  }

  private CacheManager manager(String user, String password, String namespace, long timeoutMillis) {
    Properties props = new Properties();
    props.setProperty("caspian.memcached.sasl.username", user);
    props.setProperty("caspian.memcached.sasl.password", password);
    props.setProperty("caspian.memcached.timeout", Long.toString(timeoutMillis));
    return provider.getCacheManager(URI.create("memcached://" + server.address() + "/" + namespace),
        new ClassLoader(getClass().getClassLoader()) {}, props);
  }

  private static Cache<String, Integer> cache(CacheManager manager, String name) {
    return manager.createCache(name, new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  private long authErrors() throws Exception {
    return server.stats().get("auth_errors");
  }

  @Test
  void rightCredentialsServeEveryPerKeyOperation() throws Exception {
    long errorsBefore = authErrors();
    Cache<String, Integer> cache = cache(manager(USER, PASSWORD, "ok"), "stock");
    assertNull(cache.get("a"));
    cache.put("a", 1);
    assertEquals(1, cache.get("a"));
    Integer incremented = cache.invoke("a", (entry, args) -> {
      entry.setValue(entry.getValue() + 1);
      return entry.getValue();
    });
    assertEquals(2, incremented);
    assertFalse(cache.putIfAbsent("a", 10));
    assertTrue(cache.putIfAbsent("b", 10));
    assertTrue(cache.replace("a", 2, 3));
    assertFalse(cache.replace("a", 2, 4));
    assertEquals(3, cache.get("a"));
    assertEquals(Map.of("a", 3, "b", 10), cache.getAll(Set.of("a", "b", "c")));
    assertFalse(cache.remove("a", 2));
    assertTrue(cache.remove("a", 3));
    assertTrue(cache.remove("b"));
    assertNull(cache.get("a"));
    cache.putAll(Map.of("c", 1, "d", 2));
    cache.removeAll(Set.of("c", "d"));
    assertNull(cache.get("c"));
    assertEquals(errorsBefore, authErrors(), "no refused authentication");
    assertTrue(server.stats().get("cmd_set") > 0, "the operations reached the SASL server");
  }

  @Test
  void aRestartedServerIsAuthenticatedAgain() throws Exception {
    Cache<String, Integer> cache = cache(manager(USER, PASSWORD, "restart"), "c");
    cache.put("k", 1);
    server.restart();
    long deadline = System.nanoTime() + 20_000_000_000L;
    Integer read = -1;
    while (System.nanoTime() < deadline) {
      try {
        cache.put("k", 2);
        read = cache.get("k");
        break;
      } catch (CacheException notYet) {
        assertFalse(notYet.getMessage().contains("SASL authentication failed"), notYet.getMessage());
        Thread.sleep(100);
      }
    }
    assertEquals(2, read, "the client reconnected and authenticated again");
  }

  @Test
  void wrongPasswordFailsTheManagerNamingUserAndServerButNotThePassword() throws Exception {
    long errorsBefore = authErrors();
    CacheException e = assertThrows(CacheException.class, () -> manager(USER, WRONG, "wrong"));
    assertTrue(e.getMessage().contains("SASL authentication failed for user " + USER + " on " + server.address()),
        e.getMessage());
    assertNoPassword(e);
    assertTrue(authErrors() > errorsBefore, "the server refused it");
    // the failed manager's client is closed: it does not try again
    long refused = authErrors();
    Thread.sleep(3_000);
    assertEquals(refused, authErrors(), "no authentication attempt after the manager failed");
  }

  @Test
  void unknownUserFailsTheSameWay() {
    CacheException e = assertThrows(CacheException.class, () -> manager("nobody-here", PASSWORD, "unknown"));
    assertTrue(e.getMessage().contains("SASL authentication failed for user nobody-here on " + server.address()),
        e.getMessage());
    assertNoPassword(e);
  }

  @Test
  void aServerWithoutSaslFailsNamingTheLikelyCause() {
    try (MemcachedProcess plain = MemcachedProcess.start()) {
      Properties props = new Properties();
      props.setProperty("caspian.memcached.sasl.username", USER);
      props.setProperty("caspian.memcached.sasl.password", PASSWORD);
      CacheException e = assertThrows(CacheException.class, () -> provider.getCacheManager(
          URI.create("memcached://" + plain.address() + "/plain"), new ClassLoader(getClass().getClassLoader()) {},
          props));
      assertTrue(e.getMessage().contains("SASL authentication failed for user " + USER + " on " + plain.address()
          + ": memcached answered 'Unknown command' (is memcached started with -S?)"), e.getMessage());
      assertNoPassword(e);
    }
  }

  /**
   * The pool is down when the manager starts (allowed: operations fail until it is back); it comes back refusing
   * the credentials. Every operation then says so, and the client does not re-authenticate in a loop: spymemcached
   * alone reconnects and authenticates again about every 2 s, forever.
   */
  @Test
  void refusedAfterAStartWithThePoolDownEveryOperationSaysSoAndAttemptsStayBounded() throws Exception {
    server.kill();
    // a long timeout, so that failing at once and failing after the timeout cannot be confused on a busy machine
    Cache<String, Integer> cache = cache(manager(USER, WRONG, "later", 3_000), "c");
    assertThrows(CacheException.class, () -> cache.get("k"), "the pool is down");
    server.restart();
    // a new process counts from zero; reading the count now would race with the client's first refused attempt
    long errorsBefore = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    String message = null;
    while (System.nanoTime() < deadline) {
      CacheException e = assertThrows(CacheException.class, () -> cache.get("k"));
      message = e.getMessage();
      assertNoPassword(e);
      if (message.contains("SASL")) {
        break;
      }
      Thread.sleep(50);
    }
    String expected = "SASL authentication failed for user " + USER + " on " + server.address();
    assertTrue(message != null && message.contains(expected), message);
    for (Runnable operation : new Runnable[] {
        () -> cache.get("k"), () -> cache.put("k", 1), () -> cache.invoke("k", (e, a) -> null),
        () -> cache.putIfAbsent("k", 1), () -> cache.replace("k", 1, 2), () -> cache.remove("k"),
        () -> cache.getAll(Set.of("a", "b"))}) {
      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class, operation::run);
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      assertNoPassword(e);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 1_500, "fails at once, not after the 3 s timeout: " + millis + " ms");
    }
    long refused = authErrors() - errorsBefore;
    assertTrue(refused >= 1, "the server refused at least once");
    Thread.sleep(6_000);
    long later = authErrors() - errorsBefore - refused;
    assertTrue(later <= 1, "authentication attempts stay bounded: " + later + " more refusals within 6 s");
  }

  @Test
  void listingFailsFastNamingSaslAndWhatStillWorks() {
    CacheManager manager = manager(USER, PASSWORD, "listing");
    Cache<String, Integer> cache = cache(manager, "c");
    cache.put("k", 1);
    for (Runnable listing : new Runnable[] {
        () -> cache.iterator().hasNext(), cache::clear, cache::removeAll, () -> manager.destroyCache("c")}) {
      CacheException e = assertThrows(CacheException.class, listing::run);
      assertTrue(e.getMessage().contains("SASL") && e.getMessage().contains("per-key operation"), e.getMessage());
    }
    // nothing was removed, per-key operations still work (destroyCache closed the cache: a new one reads the entry)
    assertEquals(1, cache(manager, "c").get("k"));
  }

  private static void assertNoPassword(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage());
      assertFalse(text.contains(PASSWORD) || text.contains(WRONG), "the password leaked: " + text);
    }
  }
}
