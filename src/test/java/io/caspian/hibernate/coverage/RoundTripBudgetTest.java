package io.caspian.hibernate.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.CaspianRegionFactory;
import io.caspian.hibernate.CaspianSettings;
import io.caspian.testing.MemcachedProcess;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;

/**
 * How many memcached commands one Hibernate operation costs, counted by the server itself ({@code stats}): a
 * regression guard on the design's round trips, which decide latency far more than CPU does. Counted, not timed.
 */
class RoundTripBudgetTest {
  private static final int N = 50;

  private static double perOp(Map<String, Long> before, Map<String, Long> after, String counter) {
    return (after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L)) / (double) N;
  }

  @Test
  void findHitAndUpdateStayWithinTheirRoundTrips() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start();
        SessionFactory factory = new Configuration().addAnnotatedClass(Author.class).addAnnotatedClass(Book.class)
            .setProperty("hibernate.connection.url", "jdbc:h2:mem:budget;DB_CLOSE_DELAY=-1")
            .setProperty("hibernate.hbm2ddl.auto", "create-drop")
            .setProperty("hibernate.cache.use_second_level_cache", "true")
            .setProperty("hibernate.cache.region.factory_class", "caspian")
            .setProperty(CaspianSettings.SERVERS, server.address())
            .buildSessionFactory()) {
      factory.inTransaction(s -> s.persist(new Author(1L, "a")));
      factory.fromTransaction(s -> s.find(Author.class, 1L));

      CaspianRegionFactory caspian = (CaspianRegionFactory) factory.unwrap(SessionFactoryImplementor.class)
          .getCache().getRegionFactory();
      assertTrue(caspian.awaitCompletions(java.time.Duration.ofSeconds(5)), "the insert's completion landed");
      factory.fromTransaction(s -> s.find(Author.class, 1L)); // cached now, whichever way the first find went
      Map<String, Long> before = server.stats();
      long trips = caspian.getMemcachedRoundTrips();
      for (int i = 0; i < N; i++) {
        try (Session s = factory.openSession()) {
          assertEquals("a", s.find(Author.class, 1L).name);
        }
      }
      Map<String, Long> after = server.stats();
      // one multi-get of region epoch and entry, with the cluster clock when this JVM has not seen it for 5 ms; the
      // session takes its timestamp from the clock value last seen, without a read of its own. memcached also counts
      // the restart watch's canary reads (twice a second), hence the margin
      double keys = perOp(before, after, "cmd_get");
      assertTrue(keys >= 2.0 && keys < 3.2, "keys fetched per find: " + keys);
      assertEquals(0.0, perOp(before, after, "cmd_set"), "a hit writes nothing");
      assertEquals(1.0, (caspian.getMemcachedRoundTrips() - trips) / (double) N, "round trips per find hit");

      trips = caspian.getMemcachedRoundTrips();
      for (int i = 0; i < N; i++) {
        assertEquals("a", factory.fromTransaction(s -> s.find(Author.class, 1L)).name);
      }
      // beginning and completing the transaction cost nothing either
      assertEquals(1.0, (caspian.getMemcachedRoundTrips() - trips) / (double) N,
          "round trips per find hit in a transaction");

      before = server.stats();
      trips = caspian.getMemcachedRoundTrips();
      long background = caspian.getMemcachedBackgroundRoundTrips();
      for (int i = 0; i < N; i++) {
        int n = i;
        factory.inTransaction(s -> s.find(Author.class, 1L).name = "v" + n);
      }
      assertTrue(caspian.awaitCompletions(java.time.Duration.ofSeconds(5)), "the updates' completions landed");
      after = server.stats();
      // the find (1); lockItem: gets with the epoch copies, cas (2); afterUpdate, after the transaction returned:
      // the clock's incr in flight with the gets of the entry and the epoch copies, then cas (2)
      double updateTrips = (caspian.getMemcachedRoundTrips() - trips) / (double) N;
      double waited = updateTrips - (caspian.getMemcachedBackgroundRoundTrips() - background) / (double) N;
      assertTrue(updateTrips <= 5.0, "round trips per update transaction: " + updateTrips);
      // each update of the same row first settles its predecessor's completion (read-your-writes on this node)
      assertTrue(waited <= 5.0, "round trips an update transaction of one row waits for: " + waited);

      // updates of different rows: the completion runs after the transaction has returned, nobody waits for it
      for (long id = 2; id < 2 + N; id++) {
        long author = id;
        factory.inTransaction(s -> s.persist(new Author(author, "a")));
        factory.fromTransaction(s -> s.find(Author.class, author));
      }
      assertTrue(caspian.awaitCompletions(java.time.Duration.ofSeconds(5)), "the inserts' completions landed");
      for (long id = 2; id < 2 + N; id++) {
        long author = id;
        factory.fromTransaction(s -> s.find(Author.class, author)); // each author cached now
      }
      trips = caspian.getMemcachedRoundTrips();
      background = caspian.getMemcachedBackgroundRoundTrips();
      for (long id = 2; id < 2 + N; id++) {
        long author = id;
        factory.inTransaction(s -> s.find(Author.class, author).name = "w");
      }
      assertTrue(caspian.awaitCompletions(java.time.Duration.ofSeconds(5)), "the updates' completions landed");
      updateTrips = (caspian.getMemcachedRoundTrips() - trips) / (double) N;
      waited = updateTrips - (caspian.getMemcachedBackgroundRoundTrips() - background) / (double) N;
      assertTrue(updateTrips <= 5.0, "round trips per update transaction: " + updateTrips);
      // the find (1) and lockItem (2); the afterUpdate's 2 in the background
      assertTrue(waited <= 3.0, "round trips an update transaction of its own row waits for: " + waited);
      // lockItem and afterUpdate are one CAS each, the clock one increment: never a blind set. More than 20 ms
      // between two transactions (a noisy machine) also raises the clock by one CAS in the background
      double casWrites = perOp(before, after, "cas_hits");
      // (once, in a run under load 8, one of the 50 updates made one CAS fewer: 1.98; the budget's point is the
      // upper bound and that every write is a CAS, asserted below)
      assertTrue(casWrites >= 1.9 && casWrites <= 3.0, "CAS writes per update transaction: " + casWrites);
      assertEquals(1.0, perOp(before, after, "incr_hits"), "clock increments per update transaction");
      assertEquals(perOp(before, after, "cmd_set"), casWrites + perOp(before, after, "cas_badval")
          + perOp(before, after, "cas_misses"), "every write is a CAS");
      assertTrue(perOp(before, after, "cmd_get") <= 11.0, "keys fetched per update: " + perOp(before, after, "cmd_get"));
    }
  }
}
