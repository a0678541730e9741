package io.caspian.memcached.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.MemcachedUnavailableException;
import io.caspian.testing.LogCapture;
import io.caspian.testing.MemcachedProcess;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that goes away is one WARN, and its return one INFO, however many reconnect attempts lie between;
 * spymemcached's own per-attempt lines (a WARN with a stack trace every 2 s before) stay at DEBUG.
 */
class ConnectionLogTest {
  @RegisterExtension final LogCapture log = LogCapture.of(Level.INFO, "io.caspian", "net.spy");

  private List<LogRecord> about(String address, Level level) {
    return log.records().stream()
        .filter(r -> r.getLevel().intValue() >= level.intValue())
        .filter(r -> String.valueOf(r.getMessage()).contains(address.substring(address.indexOf(':'))))
        .filter(r -> !r.getMessage().startsWith("values in memcached")) // the once-a-JVM signing notice
        .toList();
  }

  private List<LogRecord> warningsFromSpymemcached() {
    return log.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith("net.spy")).toList();
  }

  private static void awaitMessage(ConnectionLogTest test, String address, String fragment) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (test.about(address, Level.INFO).stream().anyMatch(r -> r.getMessage().contains(fragment))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + fragment + "' about " + address + " in " + test.log.records().stream()
        .map(LogRecord::getMessage).toList());
  }

  @Test
  void aServerThatGoesAwayIsOneWarningAndItsReturnOneInfo() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start();
        Memcached client = new Memcached(MemcachedSettings.builder().servers(server.address()).build())) {
      client.set("k", 0, new byte[] {1});
      server.kill();
      // an idle connection learns of the loss with its next operation; then it reconnects every 2 s
      for (int i = 0; i < 50; i++) {
        try {
          client.get("k");
        } catch (MemcachedUnavailableException expected) {
          // the server is gone
        }
        Thread.sleep(100);
      }
      awaitMessage(this, server.address(), "went away");
      assertEquals(1, about(server.address(), Level.WARNING).size(), "one WARN for the outage: " + about(
          server.address(), Level.WARNING).stream().map(LogRecord::getMessage).toList());
      assertTrue(warningsFromSpymemcached().isEmpty(), "spymemcached's attempts stay at DEBUG: "
          + warningsFromSpymemcached().stream().map(LogRecord::getMessage).toList());
      server.restart();
      awaitMessage(this, server.address(), "is back");
      assertEquals(1, about(server.address(), Level.WARNING).size());
    }
  }

  @Test
  void aServerDownAtStartIsOneWarningToo() throws Exception {
    MemcachedProcess server = MemcachedProcess.start();
    server.kill();
    try (server; Memcached client = new Memcached(MemcachedSettings.builder().servers(server.address())
        .operationTimeout(java.time.Duration.ofMillis(200)).build())) {
      awaitMessage(this, server.address(), "cannot be reached");
      Thread.sleep(5_000);
      assertEquals(1, about(server.address(), Level.WARNING).size());
      assertTrue(warningsFromSpymemcached().isEmpty(), warningsFromSpymemcached().stream()
          .map(LogRecord::getMessage).toList().toString());
      server.restart();
      awaitMessage(this, server.address(), "is back");
    }
  }
}
