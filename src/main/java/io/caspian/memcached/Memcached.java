package io.caspian.memcached;

import io.caspian.memcached.connection.ConnectionProblems;
import io.caspian.memcached.connection.KeyLister;
import io.caspian.memcached.connection.MemcachedClientFactory;
import io.caspian.memcached.connection.RestartWatch;
import io.caspian.memcached.connection.SaslAuthentication;
import io.caspian.memcached.security.ValueSigner;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.BulkFuture;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;

/**
 * Every memcached round trip Caspian makes, over raw bytes: each waits at most the operation timeout and turns
 * a dead, hung or slow node into a {@link MemcachedUnavailableException}. {@link #update} is the one CAS loop
 * that every atomic read-modify-write goes through.
 */
public final class Memcached implements AutoCloseable {
  private final MemcachedClient client;
  private final MemcachedSettings settings;
  private final BytesTranscoder transcoder;
  private final ValueSigner signer;
  private final TamperLog tamperLog = new TamperLog();
  private final TransportStats stats = new TransportStats();
  private final KeyLister lister;
  private final ConnectionProblems problems;
  private final long timeoutMillis;
  /**
   * Where each key lives. {@code client.getNodeLocator()} copies the whole Ketama ring on every call (a fifth of a
   * cache hit's CPU when called per key); the ring of a fixed server list never changes, so one copy serves.
   */
  private final net.spy.memcached.NodeLocator locator;
  /** The pool's only server, or null when it has several. */
  private final java.net.SocketAddress singleServer;
  private RestartWatch restartWatch;
  /** The SASL outcome of each server, null without SASL. */
  private final SaslAuthentication sasl;

  /** Per thread: how many times it waited for memcached (see {@link #countRoundTrip}), and whether it is background. */
  private static final ThreadLocal<long[]> WAITS = ThreadLocal.withInitial(() -> new long[2]);

  public Memcached(MemcachedSettings settings) {
    this.settings = settings;
    this.signer = settings.signer();
    if (!signer.enabled()) {
      TamperLog.warnUnsigned(settings.serverList());
    }
    this.problems = new ConnectionProblems(settings);
    this.client = MemcachedClientFactory.create(settings, problems);
    // the transcoder's own limit is a safety net: update() and set() check the configured limit first
    this.transcoder = new BytesTranscoder(Math.max(settings.maxValueBytes(), 1) + 1024 + signer.overhead());
    this.timeoutMillis = settings.operationTimeout().toMillis();
    this.lister = new KeyLister(settings, problems);
    this.locator = client.getNodeLocator();
    this.sasl = MemcachedClientFactory.sasl(client);
    servers().forEach(stats::trackServer);
    this.singleServer = settings.servers().size() == 1 ? servers().get(0) : null;
    awaitConnections();
  }

  /** The server that holds {@code key} (a memcached key), as the client's Ketama ring places it. */
  public java.net.SocketAddress serverOf(String key) {
    return locator.getPrimary(key).getSocketAddress();
  }

  /** Every server of the pool. */
  public List<java.net.SocketAddress> servers() {
    return locator.getAll().stream().map(net.spy.memcached.MemcachedNode::getSocketAddress).toList();
  }

  /**
   * Calls {@code listener} whenever a server may have lost what it held: the client reconnected to it, or it
   * forgot a canary item (see {@link RestartWatch}). Every other server kept its keys; a layer whose invariants
   * span keys on several servers (the Hibernate regions' epochs, soft locks and tombstones) must then stop trusting
   * them. May run on the client's I/O thread: it must be quick and must not call memcached.
   */
  public synchronized void onRestart(java.util.function.Consumer<java.net.SocketAddress> listener) {
    if (restartWatch == null) {
      restartWatch = new RestartWatch(client, settings.servers(), timeoutMillis);
    }
    restartWatch.addListener(listener);
  }

  /**
   * Connections open in the background, and with {@link net.spy.memcached.FailureMode#Cancel} an operation on a
   * node that is not connected yet is cancelled; so wait, boundedly, for the pool. A node still down afterwards
   * simply fails its operations until it is back. With SASL, also wait for each connected server to accept or
   * refuse the credentials, and fail (closing the client) if one refused.
   *
   * @throws MemcachedUnavailableException saying "SASL authentication failed for user X on host:port"
   */
  private void awaitConnections() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(2 * timeoutMillis, 2_000));
    while ((client.getAvailableServers().size() < settings.servers().size()
        || sasl != null && !sasl.settled(client.getAvailableServers())) && System.nanoTime() < deadline
        && (sasl == null || !sasl.anyRefused())) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    if (sasl != null && sasl.anyRefused()) {
      client.shutdown(Math.max(timeoutMillis, 100), TimeUnit.MILLISECONDS);
      throw new MemcachedUnavailableException(String.join("; ", sasl.failures()), null);
    }
    java.util.Collection<java.net.SocketAddress> available = client.getAvailableServers();
    if (available.size() < settings.servers().size()) {
      List<java.net.SocketAddress> away = new java.util.ArrayList<>(servers());
      away.removeAll(available);
      problems.unreachableAtStart(away);
    }
  }

  public MemcachedSettings settings() {
    return settings;
  }

  public TransportStats stats() {
    return stats;
  }

  /** The underlying spymemcached client, for what Caspian does not wrap. */
  public MemcachedClient client() {
    return client;
  }

  /** The item's bytes, or null when absent. */
  public byte[] get(String key) {
    return checked(key, await(issue(() -> client.asyncGet(key, transcoder), key), key));
  }

  /**
   * Whether {@code bytes}, as a read returned them, stand for a value that failed authentication (see
   * {@link ValueSigner}): a placeholder no codec decodes, already counted in {@link TransportStats#tamperedValues()}.
   * Readers treat it as a miss without counting it again.
   */
  public static boolean isTampered(byte[] bytes) {
    return bytes == FORGED || bytes == SIGNED_ELSEWHERE;
  }

  /**
   * Whether {@code bytes} stand for a value no node sharing this node's secrets wrote: unsigned, or signed with a
   * known secret but not matching (altered, copied from another key). Such an item may be replaced as if absent.
   * A value signed with a secret this node does not know is not forged in this sense: it may be a node's that is a
   * rotation step ahead (see docs/security.md), so it is treated as any other unreadable item.
   */
  public static boolean isForged(byte[] bytes) {
    return bytes == FORGED;
  }

  private static final byte[] FORGED = {ValueSigner.MAGIC, 0};
  private static final byte[] SIGNED_ELSEWHERE = {ValueSigner.MAGIC, 1};

  /** A stored item as its reader may see it: verified and unwrapped, or the {@link #isTampered} placeholder. */
  private byte[] checked(String key, byte[] stored) {
    if (stored == null || !signer.enabled()) {
      return stored;
    }
    ValueSigner.Outcome outcome = signer.verify(key, stored);
    if (outcome == ValueSigner.Outcome.VALID || outcome == ValueSigner.Outcome.COUNTER) {
      return signer.payload(stored);
    }
    stats.tampered.increment();
    tamperLog.rejected(key, outcome);
    return outcome == ValueSigner.Outcome.UNKNOWN_KEY ? SIGNED_ELSEWHERE : FORGED;
  }

  private Map<String, byte[]> checked(Map<String, byte[]> found) {
    if (signer.enabled()) {
      found.replaceAll(this::checked);
    }
    return found;
  }

  /** The items present among {@code keys}, in one round trip per server (the servers are asked in parallel). */
  public Map<String, byte[]> getBulk(Collection<String> keys) {
    if (sasl != null && sasl.anyRefused()) {
      keys.forEach(this::refuseIfUnauthenticated);
    }
    long start = System.nanoTime();
    BulkFuture<Map<String, byte[]>> future =
        issue(() -> client.asyncGetBulk(keys, transcoder), BULK_GET, Scope.ALL_SERVERS);
    countRoundTrip();
    try {
      Map<String, byte[]> result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (singleServer != null) {
        // with several servers, which ones spymemcached asked is not exposed: finding out would hash every key again
        stats.recordWait(singleServer, System.nanoTime() - start);
      }
      OperationStatus status = future.getStatus();
      if (status != null && !status.isSuccess() && status.getStatusCode() != StatusCode.ERR_NOT_FOUND) {
        stats.failures.increment();
        throw new MemcachedUnavailableException("bulk get of " + keys.size() + " keys failed: "
            + status.getMessage(), null);
      }
      return signer.enabled() ? checked(new java.util.HashMap<>(result)) : result;
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw unavailable(BULK_GET, Scope.ALL_SERVERS, e);
    } catch (ExecutionException | TimeoutException | CancellationException e) {
      future.cancel(true);
      throw unavailable(BULK_GET, Scope.ALL_SERVERS, e);
    }
  }

  /**
   * The items present among {@code keys} on every server that answered within the timeout, asking the servers in
   * parallel; the keys of servers that did not answer (down, not reconnected, slow) are added to {@code unreachable}
   * instead of failing the whole read, so a caller can use what one server holds while another is away.
   */
  public Map<String, byte[]> getBulkReachable(Collection<String> keys, java.util.Set<String> unreachable) {
    countRoundTrip();
    return checked(collectBulk(issueBulk(keys, unreachable), unreachable));
  }

  /**
   * The item under {@code key} with its CAS token, and in the same round trip (all requests in flight at once) the
   * items among {@code others} on the servers that answer, into {@code othersFound}; as
   * {@link #getBulkReachable}, the keys of servers that did not answer go to {@code unreachable}. For a CAS update
   * that must decide with other keys in view: pass the result to {@link #update(String, Versioned, Transition)}.
   *
   * @throws MemcachedUnavailableException when {@code key}'s server does not answer
   */
  public Versioned getsAlongside(String key, Collection<String> others, java.util.Set<String> unreachable,
      Map<String, byte[]> othersFound) {
    countRoundTrip();
    Future<CASValue<byte[]>> gets = issue(() -> client.asyncGets(key, transcoder), key);
    List<Group> bulk = issueBulk(others, unreachable);
    othersFound.putAll(checked(collectBulk(bulk, unreachable)));
    CASValue<byte[]> value = awaitUncounted(gets, key);
    return value == null ? null : new Versioned(checked(key, value.getValue()), value.getCas());
  }

  /** The keys of a multi-get that one server holds, when they were asked for, and its answer to come. */
  private record Group(java.net.SocketAddress server, List<String> keys, long issuedAt,
      BulkFuture<Map<String, byte[]>> future) {
  }

  private List<Group> issueBulk(Collection<String> keys,
      java.util.Set<String> unreachable) {
    // by address, not by node: the locator's read-only copy wraps each point of the ring in a node object of its own,
    // so grouping by node sent one request per key
    Map<java.net.SocketAddress, List<String>> byServer = new java.util.LinkedHashMap<>();
    for (String key : keys) {
      byServer.computeIfAbsent(serverOf(key), n -> new java.util.ArrayList<>()).add(key);
    }
    List<Group> futures = new java.util.ArrayList<>(byServer.size());
    byServer.forEach((server, group) -> {
      if (sasl != null && sasl.anyRefused() && sasl.failure(server) != null) {
        stats.failures.increment();
        unreachable.addAll(group);
        return;
      }
      try {
        long issuedAt = System.nanoTime();
        futures.add(new Group(server, group, issuedAt, client.asyncGetBulk(group, transcoder)));
      } catch (RuntimeException e) {
        stats.failures.increment();
        unreachable.addAll(group);
      }
    });
    return futures;
  }

  /**
   * The answers of a multi-get's servers, taken in turn; each server that answered records one wait (see
   * {@link TransportStats#serverWaits()}), from its request to the moment its answer was taken.
   */
  private Map<String, byte[]> collectBulk(List<Group> futures,
      java.util.Set<String> unreachable) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Map<String, byte[]> found = new java.util.HashMap<>();
    futures.forEach(asked -> {
      List<String> group = asked.keys();
      BulkFuture<Map<String, byte[]>> future = asked.future();
      try {
        Map<String, byte[]> result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        stats.recordWait(asked.server(), System.nanoTime() - asked.issuedAt());
        OperationStatus status = future.getStatus();
        if (status != null && !status.isSuccess() && status.getStatusCode() != StatusCode.ERR_NOT_FOUND) {
          stats.failures.increment();
          unreachable.addAll(group);
        } else {
          found.putAll(result);
        }
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        unreachable.addAll(group);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        // RuntimeException: a cancelled operation (the server is not connected) or spymemcached's own failures
        future.cancel(true);
        stats.failures.increment();
        if (isTimeout(e)) {
          stats.timeouts.increment();
        }
        unreachable.addAll(group);
      }
    });
    return found;
  }

  /** The item with its CAS token, or null when absent. */
  public Versioned gets(String key) {
    CASValue<byte[]> value = await(issue(() -> client.asyncGets(key, transcoder), key), key);
    return value == null ? null : new Versioned(checked(key, value.getValue()), value.getCas());
  }

  /**
   * Stores the item unconditionally. A value over the size limit is not stored and the key is deleted instead, so
   * that an older value cannot be served in its place.
   *
   * @return false when the value was too large and the key was removed instead
   */
  public boolean set(String key, int ttlSeconds, byte[] value) {
    if (value.length > settings.maxValueBytes()) {
      stats.oversized.increment();
      delete(key);
      return false;
    }
    byte[] signed = signer.sign(key, value);
    OperationFuture<Boolean> future = issue(() -> client.set(key, ttlSeconds, signed, transcoder), key);
    if (!Boolean.TRUE.equals(await(future, key))) {
      if (statusOf(future) == StatusCode.ERR_2BIG || statusOf(future) == StatusCode.ERR_NO_MEM) {
        stats.oversized.increment();
        delete(key);
        return false;
      }
      throw new MemcachedUnavailableException("set of " + key + " failed: " + future.getStatus().getMessage(), null);
    }
    return true;
  }

  /** Stores the item if the key is absent. */
  public CasStatus add(String key, int ttlSeconds, byte[] value) {
    byte[] signed = signer.sign(key, value);
    OperationFuture<Boolean> future = issue(() -> client.add(key, ttlSeconds, signed, transcoder), key);
    if (Boolean.TRUE.equals(await(future, key))) {
      return CasStatus.OK;
    }
    return conflictOrFailure(future, key, "add");
  }

  /** Replaces the item if it still has the CAS token {@code cas}. */
  public CasStatus cas(String key, long cas, int ttlSeconds, byte[] value) {
    byte[] signed = signer.sign(key, value);
    OperationFuture<CASResponse> future = issue(() -> client.asyncCAS(key, cas, ttlSeconds, signed, transcoder), key);
    CASResponse response = await(future, key);
    if (response == null) {
      throw new MemcachedUnavailableException("cas of " + key + " got no answer", null);
    }
    return switch (response) {
      case OK -> CasStatus.OK;
      case EXISTS -> CasStatus.EXISTS;
      case NOT_FOUND -> CasStatus.NOT_FOUND;
      default -> throw new MemcachedUnavailableException("cas of " + key + " answered " + response, null);
    };
  }

  /** Deletes the item; false when it was absent. */
  public boolean delete(String key) {
    return Boolean.TRUE.equals(await(issue(() -> client.delete(key), key), key));
  }

  /** Deletes the item if it still has the CAS token {@code cas}. */
  public CasStatus delete(String key, long cas) {
    OperationFuture<Boolean> future = issue(() -> client.delete(key, cas), key);
    if (Boolean.TRUE.equals(await(future, key))) {
      return CasStatus.OK;
    }
    return conflictOrFailure(future, key, "delete");
  }

  /** Atomically adds {@code by} to a counter, creating it with {@code initial} when absent; returns the new value. */
  public long incr(String key, long by, long initial, int ttlSeconds) {
    Long value = await(issue(() -> client.asyncIncr(key, by, initial, ttlSeconds), key), key);
    if (value == null || value < 0) {
      throw new MemcachedUnavailableException("incr of " + key + " failed", null);
    }
    return value;
  }

  /**
   * Starts {@link #incr} and returns at once, so the caller can put other requests in flight before it waits: the
   * supplier waits for the new value (one round trip in all).
   *
   * @throws NotACounterException from the supplier when the item holds something other than a decimal number (the
   *     item is left as it is)
   * @throws MemcachedUnavailableException from the supplier when the server does not answer or refuses
   */
  public java.util.function.LongSupplier incrLater(String key, long by, long initial, int ttlSeconds) {
    OperationFuture<Long> future = issue(() -> client.asyncIncr(key, by, initial, ttlSeconds), key);
    long waitsBefore = waitsSoFar();
    return () -> {
      if (waitsSoFar() == waitsBefore) {
        countRoundTrip();
      }
      Long value = awaitUncounted(future, key);
      if (value != null && value >= 0) {
        return value;
      }
      if (statusOf(future) == StatusCode.ERR_DELTA_BADVAL) {
        throw new NotACounterException(key);
      }
      stats.failures.increment();
      throw new MemcachedUnavailableException("incr of " + key + " failed: "
          + (future.getStatus() == null ? "no status" : future.getStatus().getMessage()), null);
    };
  }

  /**
   * Raises the counter under {@code key} to {@code value} if it holds a smaller number, in the background ({@code gets},
   * then {@code cas} from the client's listener thread, a few attempts) and best effort: it gives up on an absent or
   * foreign item, a failure, or after {@link #RAISE_ATTEMPTS} conflicts. Nobody waits for it, so it counts no round
   * trip.
   */
  public void raiseCounterLater(String key, long value) {
    raiseCounterLater(key, value, RAISE_ATTEMPTS);
  }

  private static final int RAISE_ATTEMPTS = 3;

  private void raiseCounterLater(String key, long value, int attemptsLeft) {
    OperationFuture<CASValue<byte[]>> gets;
    try {
      gets = client.asyncGets(key, transcoder);
    } catch (RuntimeException e) {
      stats.failures.increment();
      return;
    }
    gets.addListener(read -> {
      try {
        CASValue<byte[]> stored = gets.get();
        Long current = stored == null ? null : CounterBytes.parse(stored.getValue());
        if (current == null || current >= value) {
          return;
        }
        OperationFuture<CASResponse> cas =
            client.asyncCAS(key, stored.getCas(), 0, CounterBytes.of(value), transcoder);
        cas.addListener(written -> {
          if (statusOf(cas) == StatusCode.ERR_EXISTS && attemptsLeft > 1) {
            stats.casConflicts.increment();
            raiseCounterLater(key, value, attemptsLeft - 1);
          }
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | RuntimeException e) {
        stats.failures.increment();
      }
    });
  }

  /** Every key that starts with {@code prefix}, on every server (see {@link KeyLister} for the cost). */
  public List<String> keys(String prefix) {
    try {
      return lister.keys(prefix);
    } catch (MemcachedUnavailableException e) {
      stats.failures.increment();
      throw e;
    }
  }

  /**
   * The CAS loop: reads the item with its token ({@code gets}), lets {@code transition} decide, and writes the
   * decision only if nobody wrote in between ({@code cas}; {@code add} when the item was absent; delete with the
   * token when the decision removes it). On a conflict it reads again and retries, with jittered backoff, up to
   * the configured number of attempts.
   *
   * @throws MemcachedUnavailableException if a node is down or does not answer in time
   */
  public <R> Update<R> update(String key, Transition<R> transition) {
    return update(key, false, null, transition);
  }

  /**
   * {@link #update(String, Transition)} whose first attempt decides on {@code firstRead}, the item as a
   * {@link #getsAlongside} just read it (null: absent), saving that attempt's {@code gets}. A conflict reads again.
   */
  public <R> Update<R> update(String key, Versioned firstRead, Transition<R> transition) {
    return update(key, true, firstRead, transition);
  }

  private <R> Update<R> update(String key, boolean haveFirstRead, Versioned firstRead, Transition<R> transition) {
    int maxAttempts = settings.casMaxAttempts();
    Decision<R> decision = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Versioned current = attempt == 1 && haveFirstRead ? firstRead : gets(key);
      decision = transition.apply(current == null ? null : current.value());
      boolean oversized = decision.kind() == Decision.Kind.WRITE
          && decision.value().length > settings.maxValueBytes();
      CasStatus status;
      if (decision.kind() == Decision.Kind.KEEP) {
        return new Update<>(Update.Status.UNCHANGED, decision.result(), attempt, false);
      } else if (decision.kind() == Decision.Kind.REMOVE || oversized) {
        status = current == null ? CasStatus.OK : delete(key, current.cas());
      } else if (current == null) {
        status = add(key, decision.ttlSeconds(), decision.value());
      } else {
        status = cas(key, current.cas(), decision.ttlSeconds(), decision.value());
      }
      if (status == CasStatus.OK) {
        if (oversized) {
          stats.oversized.increment();
        }
        return new Update<>(Update.Status.APPLIED, decision.result(), attempt, oversized);
      }
      stats.casConflicts.increment();
      if (attempt < maxAttempts) {
        stats.casRetries.increment();
        backoff(attempt);
      }
    }
    stats.casGaveUp.increment();
    return new Update<>(Update.Status.GAVE_UP, decision == null ? null : decision.result(), maxAttempts, false);
  }

  /** The first retry is immediate; later ones wait a random time that grows with contention, capped at 5 ms. */
  private static void backoff(int attempt) {
    if (attempt == 1) {
      return;
    }
    long capMicros = Math.min(5_000L, 20L << Math.min(attempt, 10));
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(capMicros) * 1_000L + 1_000L);
  }

  private CasStatus conflictOrFailure(OperationFuture<Boolean> future, String key, String op) {
    StatusCode code = statusOf(future);
    if (code == StatusCode.ERR_EXISTS || code == StatusCode.ERR_NOT_STORED) {
      return CasStatus.EXISTS;
    }
    if (code == StatusCode.ERR_NOT_FOUND) {
      return CasStatus.NOT_FOUND;
    }
    stats.failures.increment();
    throw new MemcachedUnavailableException(op + " of " + key + " failed: "
        + (future.getStatus() == null ? "no status" : future.getStatus().getMessage()), null);
  }

  private static StatusCode statusOf(OperationFuture<?> future) {
    OperationStatus status = future.getStatus();
    return status == null ? null : status.getStatusCode();
  }

  /** What an operation concerns, for its failure message: the server of one key, or every server. */
  private enum Scope { ONE_KEY, ALL_SERVERS }

  /** How a multi-get names itself in failure messages. */
  private static final String BULK_GET = "bulk get";

  /**
   * Issues an operation on {@code key}; spymemcached throws at once when its queue stays full for the timeout. An
   * operation on a server that refused the SASL credentials fails at once, saying so.
   */
  private <F> F issue(Supplier<F> operation, String key) {
    if (sasl != null && sasl.anyRefused()) {
      refuseIfUnauthenticated(key);
    }
    return issue(operation, key, Scope.ONE_KEY);
  }

  private <F> F issue(Supplier<F> operation, String what, Scope scope) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      throw unavailable(what, scope, e);
    }
  }

  /**
   * Counts a wait for memcached as one round trip. Each thread also numbers its waits, so that a request issued
   * earlier and awaited after another wait (it was in flight meanwhile, see {@link #incrLater}) is not counted again.
   */
  private void countRoundTrip() {
    stats.roundTrips.increment();
    long[] waits = WAITS.get();
    waits[0]++;
    if (waits[1] != 0) {
      stats.backgroundRoundTrips.increment();
    }
  }

  /**
   * Counts the calling thread's round trips as background ones too ({@link TransportStats#backgroundRoundTrips()}):
   * for threads that do work no application thread waits for.
   */
  public static void markBackgroundThread() {
    WAITS.get()[1] = 1;
  }

  private static long waitsSoFar() {
    return WAITS.get()[0];
  }

  private <T> T await(Future<T> future, String key) {
    countRoundTrip();
    long start = System.nanoTime();
    try {
      return awaitUncounted(future, key);
    } finally {
      stats.recordWait(serverOf(key), System.nanoTime() - start);
    }
  }

  private <T> T awaitUncounted(Future<T> future, String key) {
    try {
      T result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (result == null || Boolean.FALSE.equals(result) || result instanceof CASResponse r && r != CASResponse.OK
          || result instanceof Long l && l < 0) {
        refuseIfCancelled(future);
      }
      return result;
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw unavailable(key, Scope.ONE_KEY, e);
    } catch (ExecutionException | TimeoutException | CancellationException e) {
      future.cancel(true);
      throw unavailable(key, Scope.ONE_KEY, e);
    } catch (RuntimeException e) {
      // spymemcached throws IllegalStateException when its queue is full and OperationTimeoutException on timeouts
      future.cancel(true);
      throw unavailable(key, Scope.ONE_KEY, e);
    }
  }

  /**
   * spymemcached retries an operation issued while its connection authenticates by cloning it; when the clone is
   * cancelled (the server refused the credentials), the original future completes with no value instead of failing,
   * and a get would read as a miss. Its status tells.
   */
  private static void refuseIfCancelled(Future<?> future) throws CancellationException {
    OperationStatus status = future instanceof OperationFuture<?> operation ? operation.getStatus()
        : future instanceof net.spy.memcached.internal.GetFuture<?> get ? get.getStatus() : null;
    if (status != null && status.getStatusCode() == StatusCode.CANCELLED) {
      throw new CancellationException("cancelled: " + status.getMessage());
    }
  }

  private void refuseIfUnauthenticated(String key) {
    String failure = sasl.failure(serverOf(key));
    if (failure != null) {
      stats.failures.increment();
      throw new MemcachedUnavailableException(failure + " (operation on " + key + ")", null);
    }
  }

  /** Why an operation failed; {@code what} is its key, or with {@link Scope#ALL_SERVERS} its name. */
  private MemcachedUnavailableException unavailable(String what, Scope scope, Exception cause) {
    stats.failures.increment();
    Throwable root = cause instanceof ExecutionException && cause.getCause() != null ? cause.getCause() : cause;
    if (isTimeout(root)) {
      stats.timeouts.increment();
    }
    if (sasl != null && sasl.anyRefused()) {
      // issued before the refusal was known, or a bulk get: name the refusal rather than a timeout
      String failure = scope == Scope.ALL_SERVERS ? String.join("; ", sasl.failures()) : sasl.failure(serverOf(what));
      if (failure != null) {
        return new MemcachedUnavailableException(failure + " (operation on " + what + ")", root);
      }
    }
    String away = awayServers(scope == Scope.ALL_SERVERS ? servers() : List.of(serverOf(what)));
    if (away != null) {
      // the operation was cancelled or refused because its server is not connected: say that, not "did not answer"
      return new MemcachedUnavailableException(away + ": " + what + " failed (" + root + ")" + problems.describe(),
          root);
    }
    String how = isTimeout(root) ? "timed out after " : "failed within ";
    return new MemcachedUnavailableException("memcached " + settings.serverList() + " " + how + timeoutMillis
        + " ms for " + what + ": " + root + problems.describe(), root);
  }

  private static boolean isTimeout(Throwable failure) {
    Throwable root = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
    return root instanceof TimeoutException || root instanceof net.spy.memcached.OperationTimeoutException;
  }

  /**
   * "memcached host:port is unreachable (connection refused or lost N s ago; reconnecting)" for each of the
   * {@code candidates} that is away (the server of a key, or every server for a bulk get), or null when all are
   * connected.
   */
  private String awayServers(List<java.net.SocketAddress> candidates) {
    StringBuilder sb = new StringBuilder();
    for (java.net.SocketAddress server : candidates) {
      long seconds = problems.awaySeconds(server);
      if (seconds >= 0) {
        sb.append(sb.length() == 0 ? "" : "; ").append("memcached ").append(server)
            .append(" is unreachable (connection refused or lost ").append(seconds).append(" s ago; reconnecting)");
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public synchronized void close() {
    if (restartWatch != null) {
      restartWatch.close();
    }
    client.shutdown(Math.max(timeoutMillis, 100), TimeUnit.MILLISECONDS);
  }
}
