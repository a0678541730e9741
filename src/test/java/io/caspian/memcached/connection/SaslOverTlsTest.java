package io.caspian.memcached.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.testing.MemcachedProcess;
import io.caspian.testing.TestCertificates;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL inside TLS ({@code memcached -S -Z}), the combination that keeps SASL PLAIN's cleartext password off the wire:
 * the client's authentication runs on the TLS connection, and a refusal still names SASL, not TLS.
 */
class SaslOverTlsTest {
  private static final String USER = "tls-user";
  private static final String PASSWORD = "tls-secret-1";
  private static TestCertificates certificates;
  private static MemcachedProcess server;
  private final CachingProvider provider = Caching.getCachingProvider(CaspianCachingProvider.class.getName());

  @BeforeAll
  static void start() {
    MemcachedProcess.assumeSaslAvailable();
    certificates = TestCertificates.create();
    server = MemcachedProcess.startSasl(USER, PASSWORD,
        MemcachedProcess.tlsArgs(certificates.server("server", "IP:127.0.0.1", "DNS:localhost")));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Cache<String, Integer> cache(String namespace, String password) {
    Properties properties = new Properties();
    properties.setProperty(MemcachedSettings.TLS, "true");
    properties.setProperty(MemcachedSettings.TLS_CA_FILE, certificates.ca().toString());
    properties.setProperty(MemcachedSettings.TIMEOUT, "1000");
    properties.setProperty("caspian.memcached.sasl.username", USER);
    properties.setProperty("caspian.memcached.sasl.password", password);
    CacheManager manager = provider.getCacheManager(URI.create("memcached://" + server.address() + "/" + namespace),
        new ClassLoader(getClass().getClassLoader()) {}, properties);
    return manager.createCache("c", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  @Test
  void authenticatesOverTls() {
    Cache<String, Integer> cache = cache("sasl-tls", PASSWORD);
    cache.put("k", 1);
    Integer invoked = cache.invoke("k", (entry, args) -> {
      entry.setValue(entry.getValue() + 1);
      return entry.getValue();
    });
    assertEquals(2, invoked);
    assertEquals(2, cache.get("k"));
  }

  @Test
  void aWrongPasswordOverTlsSaysSasl() {
    Exception e = assertThrows(Exception.class, () -> cache("sasl-tls-wrong", "not-the-password").put("k", 1));
    StringBuilder messages = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append(" | ");
    }
    assertTrue(messages.toString().contains("SASL authentication failed for user " + USER), messages.toString());
    assertTrue(!messages.toString().contains(PASSWORD) && !messages.toString().contains("not-the-password"),
        "never the password");
  }
}
