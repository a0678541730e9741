package io.caspian.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CAS loop against real memcached, with several clients (separate connections) racing on one key. */
class CasUpdateTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private Memcached client() {
    return new Memcached(MemcachedSettings.builder().servers(memcached.addresses()).casMaxAttempts(10_000).build());
  }

  private static Transition<Long> increment() {
    return current -> {
      long next = (current == null ? 0 : ByteBuffer.wrap(current).getLong()) + 1;
      return Decision.write(ByteBuffer.allocate(8).putLong(next).array(), 0, next);
    };
  }

  @Test
  void concurrentIncrementsThroughSeparateClientsLoseNothing() throws Exception {
    int clients = 3;
    int threadsPerClient = 3;
    int increments = 200;
    List<Memcached> all = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients * threadsPerClient);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        Memcached m = client();
        all.add(m);
        for (int t = 0; t < threadsPerClient; t++) {
          results.add(pool.submit(() -> {
            int applied = 0;
            for (int i = 0; i < increments; i++) {
              if (m.update("cas-test:counter", increment()).applied()) {
                applied++;
              }
            }
            return applied;
          }));
        }
      }
      int applied = 0;
      for (Future<Integer> f : results) {
        applied += f.get();
      }
      long stored = ByteBuffer.wrap(all.get(0).get("cas-test:counter")).getLong();
      assertEquals(clients * threadsPerClient * increments, applied);
      assertEquals(applied, stored, "every applied increment is in memcached");
      long conflicts = all.stream().mapToLong(m -> m.stats().casConflicts()).sum();
      System.out.printf("CAS: %d increments, %d conflicts%n", applied, conflicts);
    } finally {
      pool.shutdownNow();
      all.forEach(Memcached::close);
    }
  }

  @Test
  void removeAndKeepDecisions() {
    try (Memcached m = client()) {
      m.set("cas-test:r", 0, new byte[] {1});
      Update<String> kept = m.update("cas-test:r", current -> Decision.keep("kept"));
      assertEquals(Update.Status.UNCHANGED, kept.status());
      Update<String> removed = m.update("cas-test:r", current -> Decision.remove("gone"));
      assertTrue(removed.applied());
      assertNull(m.get("cas-test:r"));
      Update<String> created = m.update("cas-test:r", current -> current == null
          ? Decision.write(new byte[] {2}, 0, "created") : Decision.keep("existed"));
      assertEquals("created", created.result());
    }
  }

  @Test
  void oversizedValueIsNotStoredAndRemovesTheOldOne() {
    try (Memcached m = new Memcached(MemcachedSettings.builder().servers(memcached.addresses())
        .maxValueBytes(1000).build())) {
      m.set("cas-test:big", 0, new byte[] {1});
      assertFalse(m.set("cas-test:big", 0, new byte[5000]));
      assertNull(m.get("cas-test:big"), "no stale value after an oversized write");
      m.set("cas-test:big", 0, new byte[] {1});
      Update<String> u = m.update("cas-test:big", c -> Decision.write(new byte[5000], 0, "big"));
      assertTrue(u.oversized());
      assertNull(m.get("cas-test:big"));
      assertEquals(2, m.stats().oversized());
    }
  }

  @Test
  void pausedNodeFailsWithinTheTimeoutInsteadOfHanging() {
    try (Memcached m = new Memcached(MemcachedSettings.builder().servers(memcached.server(0).address())
        .operationTimeout(Duration.ofMillis(200)).build())) {
      m.set("cas-test:p", 0, new byte[] {1});
      memcached.server(0).pause();
      long start = System.nanoTime();
      assertThrows(MemcachedUnavailableException.class, () -> m.get("cas-test:p"));
      assertThrows(MemcachedUnavailableException.class, () -> m.update("cas-test:p", increment()));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 10_000, "bounded, took " + millis + " ms");
      memcached.server(0).resume();
    }
  }
}
