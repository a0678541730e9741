package io.caspian.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.codec.SerializationFilter;
import io.caspian.memcached.connection.TlsSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemcachedSettingsTest {
  @Test
  void parsesEveryKey() {
    MemcachedSettings s = MemcachedSettings.fromProperties(Map.of(
        MemcachedSettings.SERVERS, "127.0.0.1:1, [::1]:2",
        MemcachedSettings.NAMESPACE, "shop",
        MemcachedSettings.TIMEOUT, "250",
        MemcachedSettings.SASL_USERNAME, "u",
        MemcachedSettings.SASL_PASSWORD, "p",
        MemcachedSettings.MAX_VALUE_BYTES, "500000",
        MemcachedSettings.COMPRESSION_THRESHOLD, "0",
        MemcachedSettings.SERIALIZATION_ALLOW, "com.shop.**",
        MemcachedSettings.CAS_MAX_ATTEMPTS, "7"));
    assertEquals(2, s.servers().size());
    assertEquals(2, s.servers().get(1).getPort());
    assertTrue(s.servers().get(1).getAddress().isLoopbackAddress(), "bracketed IPv6 parsed");
    assertEquals("shop", s.namespace());
    assertEquals(Duration.ofMillis(250), s.operationTimeout());
    assertEquals("u", s.saslUsername().orElseThrow());
    assertEquals(500_000, s.maxValueBytes());
    assertEquals(0, s.compressionThreshold());
    assertEquals("com.shop.**", s.serializationAllow());
    assertEquals(7, s.casMaxAttempts());
  }

  @Test
  void malformedValuesNameTheirKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MemcachedSettings.fromProperties(Map.of(MemcachedSettings.SERVERS, "localhost")));
    assertTrue(e.getMessage().contains("host:port"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MemcachedSettings.fromProperties(Map.of(MemcachedSettings.TIMEOUT, "soon")));
    assertTrue(e.getMessage().contains(MemcachedSettings.TIMEOUT), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.parseServers("h:70000"));
    assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.parseServers(" , "));
    assertThrows(IllegalArgumentException.class, () -> SerializationFilter.create("!java.**", 10));
  }

  @Test
  void tlsKeys() {
    MemcachedSettings plain = MemcachedSettings.fromProperties(Map.of());
    assertTrue(plain.tls().isEmpty());
    assertTrue(plain.toBuilder().build().tls().isEmpty());

    MemcachedSettings s = MemcachedSettings.fromProperties(Map.of(
        MemcachedSettings.TLS, "true",
        MemcachedSettings.TLS_TRUST_STORE, "/t.p12",
        MemcachedSettings.TLS_TRUST_STORE_PASSWORD, "secret",
        MemcachedSettings.TLS_KEY_STORE, "/k.jks",
        MemcachedSettings.TLS_KEY_STORE_TYPE, "JKS",
        MemcachedSettings.TLS_HOSTNAME_VERIFICATION, "false"));
    TlsSettings tls = s.tls().orElseThrow();
    assertEquals(java.nio.file.Path.of("/t.p12"), tls.trustStore());
    assertEquals("secret", tls.trustStorePassword());
    assertEquals("PKCS12", tls.trustStoreType());
    assertEquals("JKS", tls.keyStoreType());
    assertEquals(false, tls.hostnameVerification());
    assertEquals(tls, s.toBuilder().build().tls().orElseThrow(), "kept by toBuilder");
    assertTrue(!s.toString().contains("secret"), s.toString());
    assertTrue(MemcachedSettings.fromProperties(Map.of(MemcachedSettings.TLS, "true")).tls().orElseThrow()
        .hostnameVerification(), "names are checked by default");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.fromProperties(
        Map.of(MemcachedSettings.TLS_CA_FILE, "/ca.pem")));
    assertTrue(e.getMessage().contains(MemcachedSettings.TLS + " is not true"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.fromProperties(Map.of(
        MemcachedSettings.TLS, "true", MemcachedSettings.TLS_CA_FILE, "/ca.pem",
        MemcachedSettings.TLS_TRUST_STORE, "/t.p12")));
    assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.fromProperties(Map.of(
        MemcachedSettings.TLS, "on")));
  }
}
