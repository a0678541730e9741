package io.caspian.memcached.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.MemcachedUnavailableException;
import io.caspian.testing.MemcachedProcess;
import io.caspian.testing.TestCertificates;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS on the wire against real {@code memcached -Z} servers whose certificates a test CA signed: the JCache
 * operations, key listing (iteration, clear) and the restart watch work over TLS with certificate and name checks
 * on; a client that does not trust the certificate, a certificate that does not name the server, a plain-text
 * client and a client without the certificate a server requires all fail with a message that says why.
 */
class TlsTest {
  static TestCertificates certificates;
  /** Two servers whose certificate names 127.0.0.1 and localhost. */
  static MemcachedProcess a;
  static MemcachedProcess b;
  /** A server whose certificate names another host only. */
  static MemcachedProcess misnamed;
  /** A server that requires a client certificate signed by the test CA. */
  static MemcachedProcess mutual;

  private final CaspianCachingProvider provider = new CaspianCachingProvider();

  @BeforeAll
  static void startServers() {
    certificates = TestCertificates.create();
    TestCertificates.KeyPair server = certificates.server("server", "IP:127.0.0.1", "DNS:localhost");
    a = MemcachedProcess.startTls(server, List.of());
    b = MemcachedProcess.startTls(server, List.of());
    misnamed = MemcachedProcess.startTls(certificates.server("misnamed", "DNS:elsewhere.example"), List.of());
    mutual = MemcachedProcess.startTls(server, List.of("-o", "ssl_verify_mode=2,ssl_ca_cert=" + certificates.ca()));
  }

  @AfterAll
  static void stopServers() {
    for (MemcachedProcess server : new MemcachedProcess[] {a, b, misnamed, mutual}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @AfterEach
  void closeManagers() {
    provider.close();
  }

  private static Properties trusting(java.nio.file.Path ca) {
    Properties properties = new Properties();
    properties.setProperty(MemcachedSettings.TLS, "true");
    properties.setProperty(MemcachedSettings.TLS_CA_FILE, ca.toString());
    properties.setProperty(MemcachedSettings.TIMEOUT, "1000");
    return properties;
  }

  private Cache<String, Integer> cache(String servers, String namespace, Properties properties) {
    CacheManager manager = provider.getCacheManager(URI.create("memcached://" + servers + "/" + namespace),
        new ClassLoader(getClass().getClassLoader()) {}, properties);
    Cache<String, Integer> cache = manager.getCache("c", String.class, Integer.class);
    return cache != null ? cache : manager.createCache("c",
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  @Test
  void jcacheWorksOverTlsIncludingIterationAndClear() {
    // one server by IP address, one by name: each is checked against its own subject alternative name
    Cache<String, Integer> cache = cache(a.address() + ",localhost:" + b.port(), "tls-ok",
        trusting(certificates.ca()));
    for (int i = 0; i < 20; i++) {
      cache.put("k" + i, i);
    }
    assertEquals(7, cache.get("k7"));
    Integer invoked = cache.invoke("k7", (entry, args) -> {
      entry.setValue(entry.getValue() + 1);
      return entry.getValue();
    });
    assertEquals(8, invoked);
    assertEquals(8, cache.get("k7"));
    assertTrue(cache.putIfAbsent("new", 1));
    assertFalse(cache.putIfAbsent("new", 2));

    Set<String> keys = new HashSet<>();
    cache.forEach(entry -> keys.add(entry.getKey())); // lru_crawler metadump over TLS sockets
    assertEquals(21, keys.size(), keys.toString());
    cache.clear();
    assertNull(cache.get("k7"));
    assertFalse(cache.iterator().hasNext());
  }

  @Test
  void aTrustStoreWorksLikeACaFile() {
    Properties properties = new Properties();
    properties.setProperty(MemcachedSettings.TLS, "true");
    properties.setProperty(MemcachedSettings.TLS_TRUST_STORE, certificates.caTrustStore().toString());
    properties.setProperty(MemcachedSettings.TLS_TRUST_STORE_PASSWORD, TestCertificates.STORE_PASSWORD);
    Cache<String, Integer> cache = cache(a.address(), "tls-store", properties);
    cache.put("k", 1);
    assertEquals(1, cache.get("k"));
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateFailsSayingSo() {
    Cache<String, Integer> cache = cache(a.address(), "tls-untrusted", trusting(certificates.otherCa()));
    CacheException e = assertThrows(CacheException.class, () -> cache.put("k", 1));
    assertTrue(messages(e).contains("TLS handshake with memcached " + a.address() + " failed")
        && messages(e).contains("is not trusted by " + MemcachedSettings.TLS_CA_FILE), messages(e));
    e = assertThrows(CacheException.class, () -> cache.iterator().hasNext());
    assertTrue(messages(e).contains("is not trusted"), messages(e));
  }

  @Test
  void aCertificateThatDoesNotNameTheServerIsRefusedUnlessNameChecksAreOff() {
    Cache<String, Integer> checked = cache(misnamed.address(), "tls-misnamed", trusting(certificates.ca()));
    CacheException e = assertThrows(CacheException.class, () -> checked.get("k"));
    assertTrue(messages(e).contains("does not name 127.0.0.1"), messages(e));
    e = assertThrows(CacheException.class, () -> checked.iterator().hasNext());
    assertTrue(messages(e).contains("does not name 127.0.0.1"), messages(e));

    Properties unchecked = trusting(certificates.ca());
    unchecked.setProperty(MemcachedSettings.TLS_HOSTNAME_VERIFICATION, "false");
    Cache<String, Integer> cache = cache(misnamed.address(), "tls-misnamed-unchecked", unchecked);
    cache.put("k", 1);
    assertEquals(1, cache.get("k"));
    assertTrue(cache.iterator().hasNext());
  }

  @Test
  void aPlainTextClientToATlsPortFailsSayingWhatToSet() throws InterruptedException {
    Properties plain = new Properties();
    plain.setProperty(MemcachedSettings.TIMEOUT, "1000");
    Cache<String, Integer> cache = cache(a.address(), "tls-plain", plain);
    // the server accepts the connection and resets it at the first request; the first failure may come before the
    // client's I/O thread reported the reset, the next ones say it
    String hint = "set " + MemcachedSettings.TLS + "=true";
    List<String> seen = new java.util.ArrayList<>();
    for (int attempt = 0; attempt < 50 && seen.stream().noneMatch(m -> m.contains(hint)); attempt++) {
      if (attempt > 0) {
        Thread.sleep(100);
      }
      seen.add(messages(assertThrows(CacheException.class, () -> cache.put("k", 1))));
    }
    assertTrue(seen.stream().anyMatch(m -> m.contains(hint)), seen.toString());
    CacheException e = assertThrows(CacheException.class, () -> cache.iterator().hasNext());
    assertTrue(messages(e).contains("set " + MemcachedSettings.TLS + "=true"), messages(e));
  }

  @Test
  void mutualTlsNeedsTheClientCertificate() {
    Cache<String, Integer> without = cache(mutual.address(), "tls-mutual-without", trusting(certificates.ca()));
    assertThrows(CacheException.class, () -> without.put("k", 1));

    Properties with = trusting(certificates.ca());
    with.setProperty(MemcachedSettings.TLS_KEY_STORE, certificates.clientStore("client").toString());
    with.setProperty(MemcachedSettings.TLS_KEY_STORE_PASSWORD, TestCertificates.STORE_PASSWORD);
    Cache<String, Integer> cache = cache(mutual.address(), "tls-mutual-with", with);
    cache.put("k", 1);
    assertEquals(1, cache.get("k"));
    assertTrue(cache.iterator().hasNext());
  }

  @Test
  void theRestartWatchSeesARestartOverTls() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.startTls(
        certificates.server("restarting", "IP:127.0.0.1"), List.of())) {
      MemcachedSettings settings = MemcachedSettings.builder().servers(server.address()).namespace("tls-restart")
          .operationTimeout(java.time.Duration.ofMillis(1000)).tls(TlsSettings.trusting(certificates.ca())).build();
      try (Memcached memcached = new Memcached(settings)) {
        LinkedBlockingQueue<SocketAddress> restarts = new LinkedBlockingQueue<>();
        memcached.onRestart(restarts::add);
        memcached.set("before", 0, "x".getBytes(StandardCharsets.UTF_8));
        server.restart();
        assertTrue(restarts.poll(30, TimeUnit.SECONDS) != null, "the restart was noticed");
        // and the client works again over a new TLS connection
        for (int attempt = 0; ; attempt++) {
          try {
            assertNull(memcached.get("before"), "the restarted server is empty");
            break;
          } catch (MemcachedUnavailableException notYet) {
            if (attempt > 100) {
              throw notYet;
            }
            Thread.sleep(100);
          }
        }
      }
    }
  }

  static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t).append(" | ");
    }
    return sb.toString();
  }
}
