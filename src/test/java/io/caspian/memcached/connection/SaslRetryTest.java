package io.caspian.memcached.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.MemcachedUnavailableException;
import io.caspian.testing.MemcachedExtension;
import io.caspian.testing.MemcachedProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that refuses the credentials is tried again after the retry delay (shortened here from 30 s), on the idle
 * connection spymemcached reopened meanwhile; once the user exists on the server, the client works without a restart.
 */
class SaslRetryTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.sasl("first", "pw-1");

  @AfterEach
  void resetRetryDelay() {
    SaslAuthentication.firstRetryMillis = SaslAuthentication.FIRST_RETRY_MILLIS;
  }

  @Test
  void credentialsFixedOnTheServerArePickedUpAtTheNextAttempt() throws Exception {
    SaslAuthentication.firstRetryMillis = 1_500;
    MemcachedProcess server = memcached.server();
    server.kill(); // down at start, so that the client is created at all
    MemcachedSettings settings = MemcachedSettings.builder().servers(server.address()).sasl("late", "pw-2")
        .operationTimeout(Duration.ofMillis(300)).build();
    try (Memcached memcached = new Memcached(settings)) {
      server.restart();
      long deadline = System.nanoTime() + 10_000_000_000L;
      String message = "";
      while (!message.contains("SASL authentication failed for user late") && System.nanoTime() < deadline) {
        message = assertThrows(MemcachedUnavailableException.class, () -> memcached.get("k")).getMessage();
        Thread.sleep(20);
      }
      assertTrue(message.contains("SASL authentication failed for user late on " + server.address()), message);
      server.addSaslUser("late", "pw-2");
      deadline = System.nanoTime() + 15_000_000_000L;
      boolean stored = false;
      while (!stored && System.nanoTime() < deadline) {
        try {
          stored = memcached.set("k", 0, new byte[] {42});
        } catch (MemcachedUnavailableException refusedStill) {
          Thread.sleep(100);
        }
      }
      assertTrue(stored, "authenticated at a later attempt");
      assertArrayEquals(new byte[] {42}, memcached.get("k"));
    }
  }
}
