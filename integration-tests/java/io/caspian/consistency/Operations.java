package io.caspian.consistency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hibernate.CacheMode;
import org.hibernate.LockMode;
import org.hibernate.ObjectNotFoundException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;

/**
 * The operations an application node runs for the driver, one transaction each, and the quiescent audit.
 *
 * <p>Answers are lines: {@code R key value kind control} for a state a read observed, {@code W key seq value} for a
 * state a write committed, read back with native SQL inside the writing transaction after its flush (its row lock
 * held, so it is exactly what the commit publishes). A write sets a row's seq to {@code max(drawn, current + 1)}, so
 * that within a key seq grows in commit order although the driver draws seqs before the transactions race.
 * {@code conflict} (optimistic or lock failure, nothing committed) and {@code absent} (nothing to write) commit
 * nothing. A failing commit answers 500 with {@code maybe} and the lines it may have committed.
 */
final class Operations {
  static final String CHILDREN = Parent.class.getName() + ".children";
  static final String TAGS = Parent.class.getName() + ".tags";
  private static final String SEQ_QUERY = "select p.seq from Parent p where p.id = :id";
  private static final String CHILDREN_QUERY = "select c.id from Child c where c.parent.id = :id";
  private static final String BULK_UPDATE =
      "update versioned Parent p set p.seq = greatest(p.seq + 1, :seq) where p.id = :id";
  private static final String NATIVE_UPDATE =
      "update CParent set seq = greatest(seq + 1, ?1), version = version + 1 where id = ?2";

  /** A failed request; its message is the answer's body. */
  static final class Failure extends RuntimeException {
    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final SessionFactory factory;

  Operations(SessionFactory factory) {
    this.factory = factory;
  }

  String run(Map<String, String> q) {
    String kind = q.get("k");
    long id = number(q, "id");
    long seq = number(q, "seq");
    long other = number(q, "other");
    CacheMode mode = CacheMode.valueOf(q.getOrDefault("mode", "NORMAL"));
    if ("1".equals(q.get("evict"))) {
      // what an application does after changing a row behind Hibernate's back
      factory.getCache().evictEntityData(Parent.class, id);
      factory.getCache().evictCollectionData(CHILDREN, id);
    }
    try {
      return switch (kind) {
        case "find" -> read(mode, s -> List.of(obs("P" + id, value(find(s, Parent.class, id)), kind, mode),
            line("R", "P" + id, nativeSeq(s, id), "sql", "1")));
        case "child" -> read(mode, s -> List.of(obs("C" + other, value(find(s, Child.class, other)), kind, mode)));
        case "tag" -> read(mode, s -> List.of(obs("T" + other, value(find(s, Tag.class, other)), kind, mode)));
        case "naturalId" -> read(mode, s -> List.of(obs("P" + id,
            value(s.bySimpleNaturalId(Parent.class).load(Parent.code(id))), kind, mode)));
        case "querySeq" -> read(mode, s -> List.of(obs("P" + id, querySeq(s, id), kind, mode)));
        case "queryChildren" -> read(mode, s -> List.of(obs("P" + id + ".c", queryChildren(s, id), kind, mode)));
        case "children" -> read(mode, s -> collection(s, id, true, kind, mode));
        case "tags" -> read(mode, s -> collection(s, id, false, kind, mode));
        case "refresh" -> read(mode, s -> refresh(s, id, mode));
        case "lock" -> read(mode, s -> lock(s, id, mode));
        case "statelessGet" -> statelessRead(mode, s -> List.of(obs("P" + id, value(s.get(Parent.class, id)),
            kind, mode)));
        case "update" -> write(s -> update(s, id, seq));
        case "insert" -> write(s -> insert(s, id, seq, other));
        case "delete" -> write(s -> delete(s, id, seq));
        case "addChild" -> write(s -> addChild(s, id, seq, other));
        case "removeChild" -> write(s -> removeChild(s, id, seq));
        case "retag" -> write(s -> retag(s, id, seq, other));
        case "tagUpdate" -> write(s -> tagUpdate(s, other, seq));
        case "bulkUpdate" -> write(s -> bulkUpdate(s, id, seq));
        case "nativeUpdate" -> write(s -> nativeUpdate(s, id, seq, "1".equals(q.get("sync"))));
        case "bulkDeleteChild" -> write(s -> bulkDeleteChild(s, id, seq));
        case "bulkDeleteParent" -> write(s -> bulkDeleteParent(s, id, seq));
        case "statelessUpdate" -> statelessWrite(s -> statelessUpdate(s, id, seq));
        case "statelessInsertChild" -> statelessWrite(s -> statelessInsertChild(s, id, seq, other));
        case "statelessDeleteChild" -> statelessWrite(s -> statelessDeleteChild(s, id, seq));
        case "statelessBulkUpdate" -> statelessWrite(s -> {
          s.createMutationQuery(BULK_UPDATE).setParameter("seq", seq).setParameter("id", id).executeUpdate();
          return state(s, id, seq);
        });
        case "statelessNativeUpdate" -> statelessWrite(s -> {
          s.createNativeQuery(NATIVE_UPDATE).setParameter(1, seq).setParameter(2, id).executeUpdate();
          return state(s, id, seq);
        });
        case "rollback" -> rollback(id, seq, other);
        case "evictRegion" -> evict(() -> factory.getCache().evictEntityData(Parent.class));
        case "evictCollections" -> evict(() -> factory.getCache().evictCollectionData(CHILDREN));
        case "evictNaturalIds" -> evict(() -> factory.getCache().evictNaturalIdData(Parent.class));
        case "evictQueries" -> evict(() -> factory.getCache().evictQueryRegions());
        case "evictDefaultQuery" -> evict(() -> factory.getCache().evictDefaultQueryRegion());
        case "evictAll" -> evict(() -> factory.getCache().evictAll());
        default -> throw new IllegalArgumentException("unknown operation " + kind);
      };
    } catch (RuntimeException e) {
      if (isConflict(e)) {
        return "conflict";
      }
      throw e;
    }
  }

  // ---- reads

  /**
   * {@code find} in the session's cache mode. Hibernate 7.4.5's {@code Session.find(Class, Object)} reads the
   * second-level cache whatever {@code setCacheMode} or {@code setCacheRetrieveMode} say (measured: after a change
   * behind the cache, IGNORE, PUT and REFRESH finds return the cached state; {@code get} and {@code byId} do not), so
   * the mode is passed as find options, which it honours.
   */
  static <T> T find(Session s, Class<T> type, Object id) {
    CacheMode mode = s.getCacheMode();
    return s.find(type, id, mode.getJpaRetrieveMode(), mode.getJpaStoreMode());
  }

  private List<String> collection(Session s, long id, boolean children, String kind, CacheMode mode) {
    Parent p = find(s, Parent.class, id);
    List<String> out = new ArrayList<>();
    out.add(obs("P" + id, value(p), kind, mode));
    String key = "P" + id + (children ? ".c" : ".t");
    if (p == null) {
      out.add(obs(key, "-", kind, mode));
    } else if (children) {
      try {
        out.add(obs(key, History.set(p.children.stream().map(Child::getId).toList()), kind, mode));
      } catch (ObjectNotFoundException | jakarta.persistence.EntityNotFoundException e) {
        // a cached collection naming a row that is gone: the checker decides whether it was gone long enough
        out.add(obs(key, "!gone:C" + goneId(e), kind, mode));
      }
    } else {
      out.add(obs(key, History.set(p.tags.stream().map(Tag::getId).toList()), kind, mode));
    }
    return out;
  }

  private static Object goneId(RuntimeException e) {
    return e instanceof ObjectNotFoundException o ? o.getIdentifier() : "?";
  }

  private List<String> refresh(Session s, long id, CacheMode mode) {
    Parent p = find(s, Parent.class, id);
    List<String> out = new ArrayList<>(List.of(obs("P" + id, value(p), "find", mode)));
    if (p != null) {
      try {
        s.refresh(p);
        out.add(line("R", "P" + id, value(p), "refresh", "1"));
      } catch (jakarta.persistence.EntityNotFoundException | org.hibernate.UnresolvableObjectException e) {
        out.add(line("R", "P" + id, "-", "refresh", "1"));
      }
    }
    return out;
  }

  private List<String> lock(Session s, long id, CacheMode mode) {
    Parent p = find(s, Parent.class, id);
    List<String> out = List.of(obs("P" + id, value(p), "lock", mode));
    if (p != null) {
      try {
        s.lock(p, LockMode.PESSIMISTIC_WRITE);
      } catch (RuntimeException e) {
        // the observation above stands whether or not the lock is granted
        if (!isConflict(e)) {
          throw e;
        }
      }
    }
    return out;
  }

  private static String querySeq(Session s, long id) {
    List<Long> seqs = s.createQuery(SEQ_QUERY, Long.class).setParameter("id", id).setCacheable(true)
        .getResultList();
    return seqs.isEmpty() ? "-" : Long.toString(seqs.get(0));
  }

  private static String queryChildren(Session s, long id) {
    return History.set(s.createQuery(CHILDREN_QUERY, Long.class).setParameter("id", id).setCacheable(true)
        .getResultList());
  }

  // ---- writes through a Session

  private List<String> update(Session s, long id, long seq) {
    Parent p = find(s, Parent.class, id);
    if (p == null) {
      return null;
    }
    p.seq = next(seq, p.seq);
    s.flush();
    return state(s, id, p.seq);
  }

  private List<String> insert(Session s, long id, long seq, long childId) {
    Parent p = new Parent(id, seq);
    p.children.add(new Child(childId, p, seq));
    p.children.add(new Child(childId + 1, p, seq));
    p.tags.add(s.getReference(Tag.class, 1 + id % ConsistencyCluster.TAGS));
    s.persist(p);
    s.flush();
    List<String> out = state(s, id, seq);
    out.add(line("W", "C" + childId, seq, seq));
    out.add(line("W", "C" + (childId + 1), seq, seq));
    return out;
  }

  private List<String> delete(Session s, long id, long seq) {
    Parent p = find(s, Parent.class, id);
    if (p == null) {
      return null;
    }
    long next = next(seq, p.seq);
    List<Long> children = p.children.stream().map(Child::getId).toList();
    s.remove(p);
    s.flush();
    return deleted(id, next, children);
  }

  private List<String> addChild(Session s, long id, long seq, long childId) {
    Parent p = find(s, Parent.class, id);
    if (p == null) {
      return null;
    }
    p.seq = next(seq, p.seq);
    p.children.add(new Child(childId, p, p.seq));
    s.flush();
    List<String> out = state(s, id, p.seq);
    out.add(line("W", "C" + childId, p.seq, p.seq));
    return out;
  }

  private List<String> removeChild(Session s, long id, long seq) {
    Parent p = find(s, Parent.class, id);
    if (p == null || p.children.isEmpty()) {
      return null;
    }
    Child gone = p.children.stream().min(java.util.Comparator.comparing(Child::getId)).orElseThrow();
    p.children.remove(gone);
    p.seq = next(seq, p.seq);
    s.flush();
    List<String> out = state(s, id, p.seq);
    out.add(line("W", "C" + gone.getId(), p.seq, "-"));
    return out;
  }

  private List<String> retag(Session s, long id, long seq, long tagId) {
    Parent p = find(s, Parent.class, id);
    if (p == null) {
      return null;
    }
    Tag tag = s.getReference(Tag.class, tagId);
    if (!p.tags.removeIf(t -> t.getId() == tagId)) {
      p.tags.add(tag);
    }
    p.seq = next(seq, p.seq);
    s.flush();
    return state(s, id, p.seq);
  }

  private List<String> tagUpdate(Session s, long tagId, long seq) {
    // no version to catch a concurrent writer: the row lock orders the writers
    Tag t = s.find(Tag.class, tagId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    t.seq = next(seq, t.seq);
    s.flush();
    return new ArrayList<>(List.of(line("W", "T" + tagId, t.seq, t.seq)));
  }

  private List<String> bulkUpdate(Session s, long id, long seq) {
    s.createMutationQuery(BULK_UPDATE).setParameter("seq", seq).setParameter("id", id).executeUpdate();
    return state(s, id, seq);
  }

  private List<String> nativeUpdate(Session s, long id, long seq, boolean synchronize) {
    var update = s.createNativeQuery(NATIVE_UPDATE).setParameter(1, seq).setParameter(2, id);
    if (synchronize) {
      // without it Hibernate evicts every region; with it only Parent's
      update.addSynchronizedEntityClass(Parent.class);
    }
    update.executeUpdate();
    return state(s, id, seq);
  }

  private List<String> bulkDeleteChild(Session s, long id, long seq) {
    Long child = firstChild(s, id);
    if (child == null) {
      return null;
    }
    s.createMutationQuery("delete from Child c where c.id = :id").setParameter("id", child).executeUpdate();
    s.createMutationQuery(BULK_UPDATE).setParameter("seq", seq).setParameter("id", id).executeUpdate();
    List<String> out = state(s, id, seq);
    out.add(line("W", "C" + child, parentSeq(s, id), "-"));
    return out;
  }

  private List<String> bulkDeleteParent(Session s, long id, long seq) {
    List<Long> current = s.createNativeQuery("select seq from CParent where id = " + id + " for update", Long.class)
        .getResultList();
    if (current.isEmpty()) {
      return null;
    }
    List<Long> children = childIds(s, id);
    s.createNativeQuery("delete from CParent_Tag where parent_id = " + id).addSynchronizedEntityClass(Parent.class)
        .executeUpdate();
    s.createMutationQuery("delete from Child c where c.parent.id = :id").setParameter("id", id).executeUpdate();
    s.createMutationQuery("delete from Parent p where p.id = :id").setParameter("id", id).executeUpdate();
    return deleted(id, next(seq, current.get(0)), children);
  }

  private String rollback(long id, long seq, long childId) {
    try (Session s = factory.openSession()) {
      Transaction tx = s.beginTransaction();
      try {
        Parent p = find(s, Parent.class, id);
        if (p != null) {
          // a state no reader may ever see
          p.seq = next(seq, p.seq);
          p.children.add(new Child(childId, p, p.seq));
          s.flush();
        }
      } finally {
        tx.rollback();
      }
    }
    return "rolledback";
  }

  // ---- writes through a StatelessSession

  private List<String> statelessUpdate(StatelessSession s, long id, long seq) {
    Parent p = s.get(Parent.class, id);
    if (p == null) {
      return null;
    }
    p.seq = next(seq, p.seq);
    s.update(p);
    return state(s, id, p.seq);
  }

  private List<String> statelessInsertChild(StatelessSession s, long id, long seq, long childId) {
    Parent p = s.get(Parent.class, id);
    if (p == null) {
      return null;
    }
    p.seq = next(seq, p.seq);
    s.insert(new Child(childId, p, p.seq));
    s.update(p);
    List<String> out = state(s, id, p.seq);
    out.add(line("W", "C" + childId, p.seq, p.seq));
    return out;
  }

  private List<String> statelessDeleteChild(StatelessSession s, long id, long seq) {
    Parent p = s.get(Parent.class, id);
    Long child = p == null ? null : firstChild(s, id);
    if (child == null) {
      return null;
    }
    s.delete(s.get(Child.class, child));
    p.seq = next(seq, p.seq);
    s.update(p);
    List<String> out = state(s, id, p.seq);
    out.add(line("W", "C" + child, p.seq, "-"));
    return out;
  }

  // ---- transactions

  private String read(CacheMode mode, Function<Session, List<String>> body) {
    try (Session s = factory.openSession()) {
      s.setCacheMode(mode);
      Transaction tx = s.beginTransaction();
      try {
        List<String> out = body.apply(s);
        tx.commit();
        return String.join("\n", out);
      } catch (RuntimeException e) {
        rollbackQuietly(tx);
        throw e;
      }
    }
  }

  private String statelessRead(CacheMode mode, Function<StatelessSession, List<String>> body) {
    try (StatelessSession s = factory.openStatelessSession()) {
      s.setCacheMode(mode);
      Transaction tx = s.beginTransaction();
      try {
        List<String> out = body.apply(s);
        tx.commit();
        return String.join("\n", out);
      } catch (RuntimeException e) {
        rollbackQuietly(tx);
        throw e;
      }
    }
  }

  private String write(Function<Session, List<String>> body) {
    try (Session s = factory.openSession()) {
      Transaction tx = s.beginTransaction();
      return commit(tx, () -> body.apply(s));
    }
  }

  private String statelessWrite(Function<StatelessSession, List<String>> body) {
    try (StatelessSession s = factory.openStatelessSession()) {
      Transaction tx = s.beginTransaction();
      return commit(tx, () -> body.apply(s));
    }
  }

  private static String commit(Transaction tx, java.util.function.Supplier<List<String>> body) {
    List<String> out;
    try {
      out = body.get();
    } catch (RuntimeException e) {
      rollbackQuietly(tx);
      throw e;
    }
    if (out == null) {
      tx.rollback();
      return "absent";
    }
    try {
      tx.commit();
    } catch (RuntimeException e) {
      // the database may have committed before the failure: the driver must accept these states if seen
      throw new Failure("maybe\n" + String.join("\n", out) + "\n" + e, e);
    }
    return String.join("\n", out);
  }

  private static void rollbackQuietly(Transaction tx) {
    try {
      if (tx.isActive()) {
        tx.rollback();
      }
    } catch (RuntimeException ignored) {
      // the original failure is the one to report
    }
  }

  private String evict(Runnable eviction) {
    eviction.run();
    return "evicted";
  }

  // ---- state as the database holds it, read inside the writing transaction

  static List<String> state(SharedSessionContract s, long id, long deletedSeq) {
    List<Long> seq = s.createNativeQuery("select seq from CParent where id = " + id, Long.class).getResultList();
    if (seq.isEmpty()) {
      return deleted(id, deletedSeq, List.of());
    }
    long at = seq.get(0);
    List<String> out = new ArrayList<>();
    out.add(line("W", "P" + id, at, at));
    out.add(line("W", "P" + id + ".c", at, History.set(childIds(s, id))));
    out.add(line("W", "P" + id + ".t", at, History.set(tagIds(s, id))));
    return out;
  }

  private static List<String> deleted(long id, long seq, List<Long> children) {
    List<String> out = new ArrayList<>();
    for (String key : List.of("P" + id, "P" + id + ".c", "P" + id + ".t")) {
      out.add(line("W", key, seq, "-"));
    }
    children.forEach(c -> out.add(line("W", "C" + c, seq, "-")));
    return out;
  }

  static List<Long> childIds(SharedSessionContract s, long id) {
    return s.createNativeQuery("select id from CChild where parent_id = " + id, Long.class).getResultList();
  }

  static List<Long> tagIds(SharedSessionContract s, long id) {
    return s.createNativeQuery("select tag_id from CParent_Tag where parent_id = " + id, Long.class)
        .getResultList();
  }

  private static Long firstChild(SharedSessionContract s, long id) {
    return childIds(s, id).stream().min(Long::compare).orElse(null);
  }

  /** The database's seq, as a control read: what a read that went to the database had to see at least. */
  private static String nativeSeq(SharedSessionContract s, long id) {
    return s.createNativeQuery("select seq from CParent where id = " + id, Long.class).getResultList().stream()
        .findFirst().map(String::valueOf).orElse("-");
  }

  private static long parentSeq(SharedSessionContract s, long id) {
    return s.createNativeQuery("select seq from CParent where id = " + id, Long.class).getSingleResult();
  }

  private static long next(long drawn, long current) {
    return Math.max(drawn, current + 1);
  }

  // ---- the quiescent audit

  /** Every entry the node serves through a normal session against the database; one line per mismatch. */
  String audit(Map<String, String> q) {
    SlowConnections.off = true;
    List<String> mismatches = new ArrayList<>();
    for (long id : ids(q.get("p"))) {
      List<String> truth = factory.fromTransaction(s -> {
        s.setCacheMode(CacheMode.IGNORE);
        List<String> lines = state(s, id, 0);
        return lines.stream().map(l -> l.split(" ")).map(l -> l[1] + " " + l[3]).toList();
      });
      Map<String, String> db = new java.util.HashMap<>();
      truth.forEach(l -> db.put(l.split(" ")[0], l.split(" ")[1]));
      compare(mismatches, db, read(CacheMode.NORMAL, s -> collection(s, id, true, "children", CacheMode.NORMAL)));
      compare(mismatches, db, read(CacheMode.NORMAL, s -> collection(s, id, false, "tags", CacheMode.NORMAL)));
      compare(mismatches, db, read(CacheMode.NORMAL, s -> List.of(obs("P" + id,
          value(s.bySimpleNaturalId(Parent.class).load(Parent.code(id))), "naturalId", CacheMode.NORMAL))));
      compare(mismatches, db, read(CacheMode.NORMAL, s -> List.of(obs("P" + id, querySeq(s, id), "querySeq",
          CacheMode.NORMAL))));
      String children = read(CacheMode.NORMAL, s -> List.of(obs("P" + id + ".c", queryChildren(s, id),
          "queryChildren", CacheMode.NORMAL)));
      if (!(db.get("P" + id).equals("-") && children.contains(" {} "))) {
        compare(mismatches, db, children);
      }
    }
    for (long id : ids(q.get("c"))) {
      String truth = factory.fromTransaction(s -> s.createNativeQuery("select seq from CChild where id = " + id,
          Long.class).getResultList().stream().findFirst().map(String::valueOf).orElse("-"));
      compare(mismatches, Map.of("C" + id, truth), read(CacheMode.NORMAL, s -> List.of(obs("C" + id,
          value(find(s, Child.class, id)), "child", CacheMode.NORMAL))));
    }
    for (long id : ids(q.get("t"))) {
      String truth = factory.fromTransaction(s -> String.valueOf(s.createNativeQuery(
          "select seq from CTag where id = " + id, Long.class).getSingleResult()));
      compare(mismatches, Map.of("T" + id, truth), read(CacheMode.NORMAL, s -> List.of(obs("T" + id,
          value(find(s, Tag.class, id)), "tag", CacheMode.NORMAL))));
    }
    return String.join("\n", mismatches);
  }

  private static void compare(List<String> mismatches, Map<String, String> db, String observed) {
    for (String l : observed.split("\n")) {
      String[] f = l.split(" ");
      if (!f[2].equals(db.get(f[1]))) {
        mismatches.add("MISMATCH " + f[3] + " " + f[1] + " served " + f[2] + " database " + db.get(f[1]));
      }
    }
  }

  private static List<Long> ids(String list) {
    return list == null || list.isBlank() ? List.of()
        : Arrays.stream(list.split(",")).map(Long::parseLong).toList();
  }

  // ---- answers

  private static String obs(String key, String value, String kind, CacheMode mode) {
    return line("R", key, value, kind, mode == CacheMode.IGNORE ? "1" : "0");
  }

  private static String line(Object... fields) {
    return String.join(" ", Arrays.stream(fields).map(String::valueOf).toList());
  }

  private static String value(Parent p) {
    return p == null ? "-" : Long.toString(p.seq);
  }

  private static String value(Child c) {
    return c == null ? "-" : Long.toString(c.seq);
  }

  private static String value(Tag t) {
    return t == null ? "-" : Long.toString(t.seq);
  }

  private static long number(Map<String, String> q, String name) {
    String v = q.get(name);
    return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
  }

  /** Nothing committed, because of a concurrent writer (or of a stale copy the database refused). */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof jakarta.persistence.OptimisticLockException || t instanceof org.hibernate.StaleStateException
          || t instanceof jakarta.persistence.PessimisticLockException
          || t instanceof jakarta.persistence.LockTimeoutException
          || t instanceof org.hibernate.exception.LockAcquisitionException
          || t instanceof org.hibernate.exception.ConstraintViolationException
          || t instanceof org.hibernate.PessimisticLockException
          || t instanceof ObjectNotFoundException || t instanceof jakarta.persistence.EntityNotFoundException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql && (sql.getErrorCode() == 50200 || sql.getErrorCode() == 90131)) {
        return true;
      }
    }
    return false;
  }
}
