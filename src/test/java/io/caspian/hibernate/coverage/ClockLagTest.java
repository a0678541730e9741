package io.caspian.hibernate.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.hibernate.CaspianSettings;
import io.caspian.testing.MemcachedExtension;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code clock.max_lag}, a node reuses the cluster time it last saw instead of reading it per transaction. The
 * lagging timestamps must cost only hits, never correctness: the other node's commits are still read (from the
 * database), and a node's own writes are still hits for itself.
 */
class ClockLagTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static SessionFactory node(String id, long lagMillis) {
    return CoverageNodes.caspian(memcached.addresses(), "lag" + id, "lag" + id)
        .setProperty(CaspianSettings.CLOCK_MAX_LAG, Long.toString(lagMillis))
        .buildSessionFactory();
  }

  @Test
  void laggingClockNeverServesAnOtherNodesOverwrittenValue() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    // a lag far longer than the test: B keeps using the cluster time it saw first
    try (SessionFactory a = node(id, 60_000); SessionFactory b = node(id, 60_000)) {
      a.inTransaction(s -> s.persist(new Author(1L, "v1")));
      assertEquals("v1", b.fromTransaction(s -> s.find(Author.class, 1L).name));
      for (int i = 2; i <= 5; i++) {
        String next = "v" + i;
        a.inTransaction(s -> s.find(Author.class, 1L).name = next);
        assertEquals(next, b.fromTransaction(s -> s.find(Author.class, 1L).name), "B reads A's commit " + next);
        long hits = a.getStatistics().getSecondLevelCacheHitCount();
        assertEquals(next, a.fromTransaction(s -> s.find(Author.class, 1L).name));
        assertEquals(hits + 1, a.getStatistics().getSecondLevelCacheHitCount(), "A's own write is a hit for A");
      }
    }
  }
}
