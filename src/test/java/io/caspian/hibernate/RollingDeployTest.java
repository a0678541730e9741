package io.caspian.hibernate;

import static io.caspian.hibernate.RollingMappings.V1;
import static io.caspian.hibernate.RollingMappings.V2;
import static io.caspian.hibernate.RollingMappings.get;
import static io.caspian.hibernate.RollingMappings.newInstance;
import static io.caspian.hibernate.RollingMappings.set;
import static io.caspian.hibernate.RollingMappings.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling deploy: node "old" runs v1 of the classes Account (READ_WRITE, with a cached element collection and a
 * natural id) and Memo (NONSTRICT_READ_WRITE); nodes "new" and "new2" run v2, in which each has one more nullable
 * column, so the properties after it move in Hibernate's positional cache entries. All share one H2 database and one
 * memcached namespace. Neither mapping may assemble the other's entries, yet writes on either must invalidate both.
 */
class RollingDeployTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private SessionFactory newNode;
  private SessionFactory newNode2;
  private SessionFactory oldNode;

  @BeforeEach
  void nodes() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    // v2 first: it creates the tables with all columns; v1 simply ignores the extra ones
    newNode = node(V2, id, "update");
    newNode2 = node(V2, id, "none");
    oldNode = node(V1, id, "none");
  }

  @AfterEach
  void close() {
    for (SessionFactory node : new SessionFactory[] {oldNode, newNode2, newNode}) {
      if (node != null) {
        node.close();
      }
    }
  }

  private static SessionFactory node(String version, String id, String ddl) {
    return RollingMappings.configuration(version)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:roll" + id + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", ddl)
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.generate_statistics", "true")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty(CaspianSettings.SERVERS, memcached.addresses())
        .setProperty(CaspianSettings.NAMESPACE, "roll" + id)
        .buildSessionFactory();
  }

  private static long mismatches(SessionFactory node) {
    return ((CaspianRegionFactory) node.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory())
        .getMappingMismatchCount();
  }

  /** Checks what {@code view} returns on {@code node} and how many second-level cache hits it took. */
  private static void assertRead(String expected, long expectedHits, SessionFactory node, Supplier<String> view,
      String message) {
    long before = node.getStatistics().getSecondLevelCacheHitCount();
    String seen = view.get();
    long hits = node.getStatistics().getSecondLevelCacheHitCount() - before;
    assertEquals(expected, seen, message);
    assertEquals(expectedHits, hits, message + ": cache hits");
  }

  /** Account 1 as a v1 node sees it: balance and entry labels. */
  private String oldAccount() {
    return oldNode.fromTransaction(s -> {
      Object account = s.find(type(V1, "Account"), 1L);
      List<?> entries = (List<?>) get(account, "entries");
      return get(account, "balance") + " " + entries.stream().map(e -> get(e, "label")).toList();
    });
  }

  /** Account 1 as a v2 node sees it: balance, note, entry labels and notes. */
  private static String newAccount(SessionFactory node) {
    return node.fromTransaction(s -> {
      Object account = s.find(type(V2, "Account"), 1L);
      List<?> entries = (List<?>) get(account, "entries");
      return get(account, "balance") + " " + get(account, "note") + " "
          + entries.stream().map(e -> get(e, "label") + "/" + get(e, "note")).toList();
    });
  }

  @SuppressWarnings("unchecked")
  private static void addEntry(Object account, Object entry) {
    ((List<Object>) get(account, "entries")).add(entry);
  }

  @Test
  void readWriteEntityAndCollectionAreNeverAssembledByTheOtherMapping() {
    newNode.inTransaction(s -> {
      Object account = newInstance(V2, "Account", "id", 1L, "number", "A-1", "balance", 100L, "note", "first");
      addEntry(account, newInstance(V2, "Entry", "label", "a", "note", "x"));
      s.persist(account);
    });
    Completions.await(newNode);
    assertEquals("100 first [a/x]", newAccount(newNode), "new caches entity and collection");

    assertRead("100 first [a/x]", 2, newNode2, () -> newAccount(newNode2),
        "the same mapping in another SessionFactory hits both entries: the fingerprint is stable");
    assertRead("100 [a]", 0, oldNode, this::oldAccount, "old misses new's entries and reads the database");
    assertTrue(mismatches(oldNode) >= 2, "old counted the entity and collection it could not read");
    assertRead("100 [a]", 2, oldNode, this::oldAccount, "old's own loads replaced the entries it could not read");
    assertRead("100 first [a/x]", 0, newNode, () -> newAccount(newNode), "and now new misses old's entries");

    newNode.inTransaction(s -> {
      Object account = s.find(type(V2, "Account"), 1L);
      set(account, "balance", 200L);
      set(account, "note", "second");
      addEntry(account, newInstance(V2, "Entry", "label", "b"));
    });
    assertEquals("200 [a, b]", oldAccount(), "new's update invalidated what old reads: nothing stale");

    oldNode.inTransaction(s -> set(s.find(type(V1, "Account"), 1L), "balance", 300L));
    // old's completion publishes in the background; under load it may land after the loads below, which are then
    // refused by its lock and the hits counted last would be one short
    Completions.await(oldNode);
    assertEquals("300 second [a/x, b/null]", newAccount(newNode2), "old's update invalidated new's entries too");
    // that read fetched the clock past old's update; the loads of newNode2's next transaction replace the entries
    assertEquals("300 second [a/x, b/null]", newAccount(newNode2));
    assertRead("300 second [a/x, b/null]", 2, newNode2, () -> newAccount(newNode2),
        "v2 nodes share their entries again");
  }

  @Test
  void naturalIdResolutionsStaySharedWhileTheNaturalIdMappingIsUnchanged() {
    newNode.inTransaction(s ->
        s.persist(newInstance(V2, "Account", "id", 1L, "number", "A-1", "balance", 100L)));
    assertEquals((Object) 1L, newNode.<Object>fromTransaction(s -> get(s.bySimpleNaturalId(type(V2, "Account")).load("A-1"), "id")));
    long before = oldNode.getStatistics().getNaturalIdCacheHitCount();
    assertEquals((Object) 100L, oldNode.<Object>fromTransaction(s ->
        get(s.bySimpleNaturalId(type(V1, "Account")).load("A-1"), "balance")));
    assertEquals(1, oldNode.getStatistics().getNaturalIdCacheHitCount() - before,
        "the natural id and id types did not change: the resolution is shared across the mappings");
  }

  @Test
  void nonstrictEntityIsNeverAssembledByTheOtherMappingAndStillInvalidated() {
    newNode.inTransaction(s -> s.persist(newInstance(V2, "Memo", "id", 1L, "text", "hello", "author", "ann")));
    Supplier<String> onNew = () -> newMemo(newNode);
    Supplier<String> onNew2 = () -> newMemo(newNode2);
    Supplier<String> onOld = () -> oldNode.fromTransaction(s -> (String) get(s.find(type(V1, "Memo"), 1L), "text"));

    assertRead("hello ann", 0, newNode, onNew, "new loads and caches");
    assertRead("hello ann", 1, newNode2, onNew2, "the same mapping elsewhere hits");
    assertRead("hello", 0, oldNode, onOld, "old misses new's entry");
    assertTrue(mismatches(oldNode) >= 1, "old counted the entry it could not read");

    oldNode.inTransaction(s -> set(s.find(type(V1, "Memo"), 1L), "text", "bye"));
    assertEquals("bye ann", onNew2.get(), "old's update invalidated the entry for new");
    newNode.inTransaction(s -> set(s.find(type(V2, "Memo"), 1L), "text", "again"));
    assertEquals("again", onOld.get(), "new's update invalidated the entry for old");
  }

  private static String newMemo(SessionFactory node) {
    return node.fromTransaction(s -> {
      Object memo = s.find(type(V2, "Memo"), 1L);
      return get(memo, "text") + " " + get(memo, "author");
    });
  }
}
