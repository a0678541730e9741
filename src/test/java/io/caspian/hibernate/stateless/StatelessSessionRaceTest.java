package io.caspian.hibernate.stateless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.caspian.hibernate.CaspianSettings;
import io.caspian.testing.MemcachedExtension;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * R8-stateless: writes through a {@link StatelessSession} on node A, reads on node B (another SessionFactory on the
 * same H2 database and memcached namespace). Hibernate 7.4.5 never touches the update-timestamps region for a
 * StatelessSession, leaves natural-id resolutions alone, and for bulk HQL / native SQL runs its region cleanup (lock,
 * remove, unlock) at once, before the statement. Each test pins one resulting stale window: after A's commit
 * returns, B must see the committed data.
 */
class StatelessSessionRaceTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private SessionFactory a;
  private SessionFactory b;

  @BeforeEach
  void nodes() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    a = node(id);
    b = node(id);
    a.inTransaction(s -> {
      s.persist(new Gadget(1L, "c1", "before"));
      s.persist(new Gadget(2L, "c2", "before"));
    });
  }

  @AfterEach
  void close() {
    b.close();
    a.close();
  }

  private static SessionFactory node(String id) {
    return new Configuration().addAnnotatedClass(Gadget.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:stateless" + id + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty(CaspianSettings.SERVERS, memcached.addresses())
        .setProperty(CaspianSettings.NAMESPACE, "stateless" + id)
        .setProperty(CaspianSettings.SERIALIZATION_ALLOW, "io.caspian.hibernate.stateless.*")
        .buildSessionFactory();
  }

  // ---- reads on node B ----

  private long cachedCount() {
    return b.fromTransaction(s ->
        s.createSelectionQuery("select count(g) from Gadget g", Long.class).setCacheable(true).getSingleResult());
  }

  private List<String> cachedNames() {
    return b.fromTransaction(s -> s.createSelectionQuery("select g.name from Gadget g order by g.id", String.class)
        .setCacheable(true).getResultList());
  }

  private String name(long id) {
    return b.fromTransaction(s -> {
      Gadget g = s.find(Gadget.class, id);
      return g == null ? null : g.getName();
    });
  }

  private Long idOfCode(String code) {
    return b.fromTransaction(s -> {
      Gadget g = s.bySimpleNaturalId(Gadget.class).load(code);
      return g == null ? null : g.getId();
    });
  }

  /** Runs {@code write} in a StatelessSession transaction on A, and {@code meanwhile} before A commits. */
  private void statelessThen(Consumer<StatelessSession> write, Runnable meanwhile) {
    try (StatelessSession ss = a.openStatelessSession()) {
      ss.beginTransaction();
      write.accept(ss);
      meanwhile.run();
      ss.getTransaction().commit();
    }
  }

  private void stateless(Consumer<StatelessSession> write) {
    statelessThen(write, () -> { });
  }

  private static Gadget fetch(StatelessSession ss, long id) {
    return ss.get(Gadget.class, id);
  }

  // ---- single-row writes: query results and natural ids ----

  @Test
  void statelessInsertInvalidatesCachedQueryResults() {
    assertEquals(2L, cachedCount());
    stateless(ss -> ss.insert(new Gadget(3L, "c3", "new")));
    assertEquals(3L, cachedCount(), "a cached count over the table must not survive a stateless insert's commit");
  }

  @Test
  void autoCommittedStatelessInsertInvalidatesCachedQueryResults() {
    assertEquals(2L, cachedCount());
    try (StatelessSession ss = a.openStatelessSession()) {
      ss.insert(new Gadget(3L, "c3", "new")); // no transaction: committed by the statement itself
    }
    assertEquals(3L, cachedCount(), "a cached count over the table must not survive an auto-committed insert");
  }

  @Test
  void statelessUpdateInvalidatesCachedQueryResults() {
    assertEquals(List.of("before", "before"), cachedNames());
    stateless(ss -> {
      Gadget g = fetch(ss, 1L);
      g.setName("after");
      ss.update(g);
    });
    assertEquals(List.of("after", "before"), cachedNames(), "cached query result survived a stateless update");
  }

  @Test
  void statelessUpsertInvalidatesCachedQueryResults() {
    assertEquals(List.of("before", "before"), cachedNames());
    stateless(ss -> {
      Gadget g = fetch(ss, 2L);
      g.setName("after");
      ss.upsert(g);
    });
    assertEquals(List.of("before", "after"), cachedNames(), "cached query result survived a stateless upsert");
  }

  @Test
  void statelessDeleteInvalidatesCachedQueryResults() {
    assertEquals(2L, cachedCount());
    stateless(ss -> ss.delete(fetch(ss, 1L)));
    assertEquals(1L, cachedCount(), "a cached count over the table must not survive a stateless delete's commit");
  }

  @Test
  void loadBetweenStatelessUpdateAndCommitIsNotServedAfterCommit() {
    assertEquals("before", name(1L));
    statelessThen(ss -> {
      Gadget g = fetch(ss, 1L);
      g.setName("after");
      ss.update(g);
    }, () -> assertEquals("before", name(1L), "B reads the committed row while A's update is in flight"));
    assertEquals("after", name(1L));
  }

  @Test
  void statelessDeleteForgetsTheNaturalIdResolution() {
    assertEquals(1L, idOfCode("c1"));
    stateless(ss -> ss.delete(fetch(ss, 1L)));
    stateless(ss -> ss.insert(new Gadget(3L, "c1", "successor")));
    assertEquals(3L, idOfCode("c1"), "the natural id must resolve to the row that holds it now");
  }

  @Test
  void statelessNaturalIdChangeForgetsTheOldResolution() {
    assertEquals(1L, idOfCode("c1"));
    stateless(ss -> {
      Gadget g = fetch(ss, 1L);
      g.setCode("c9");
      ss.update(g);
    });
    assertNull(idOfCode("c1"), "no row holds the old natural id any more");
    assertEquals(1L, idOfCode("c9"));
  }

  // ---- bulk HQL and native SQL ----

  @Test
  void loadBetweenStatelessBulkHqlUpdateAndCommitIsNotServedAfterCommit() {
    statelessThen(ss -> ss.createMutationQuery("update Gadget set name = 'after'").executeUpdate(),
        () -> assertEquals("before", name(1L), "B loads the committed row while A's bulk update is in flight"));
    assertEquals("after", name(1L), "entity loaded between a stateless bulk update and its commit served after it");
  }

  @Test
  void statelessBulkHqlUpdateInvalidatesCachedQueryResults() {
    assertEquals(List.of("before", "before"), cachedNames());
    stateless(ss -> ss.createMutationQuery("update Gadget set name = 'after' where id = 2").executeUpdate());
    assertEquals(List.of("before", "after"), cachedNames(), "cached query result survived a stateless bulk update");
  }

  @Test
  void statelessBulkHqlDeleteInvalidatesCachedQueryResultsAndNaturalIds() {
    assertEquals(2L, cachedCount());
    assertEquals(1L, idOfCode("c1"));
    statelessThen(ss -> ss.createMutationQuery("delete from Gadget where id = 1").executeUpdate(),
        () -> assertEquals(1L, idOfCode("c1"), "B resolves the natural id while A's bulk delete is in flight"));
    assertEquals(1L, cachedCount(), "cached count survived a stateless bulk delete");
    stateless(ss -> ss.insert(new Gadget(3L, "c1", "successor")));
    assertEquals(3L, idOfCode("c1"), "natural id resolved during a stateless bulk delete served after it");
  }

  @Test
  void loadBetweenStatelessNativeUpdateAndCommitIsNotServedAfterCommit() {
    statelessThen(ss -> ss.createNativeQuery("update Gadget set name = 'after'")
            .addSynchronizedEntityClass(Gadget.class).executeUpdate(),
        () -> assertEquals("before", name(1L), "B loads the committed row while A's native update is in flight"));
    assertEquals("after", name(1L), "entity loaded between a stateless native update and its commit served after it");
  }

  @Test
  void statelessNativeUpdateWithoutSpacesInvalidatesEverything() {
    assertEquals(List.of("before", "before"), cachedNames());
    statelessThen(ss -> ss.createNativeMutationQuery("update Gadget set name = 'after'").executeUpdate(),
        () -> assertEquals("before", name(2L), "B loads the committed row while A's native update is in flight"));
    assertEquals("after", name(2L), "entity loaded between a stateless native update and its commit served after it");
    assertEquals(List.of("after", "after"), cachedNames(), "cached query result survived a stateless native update");
  }
}
