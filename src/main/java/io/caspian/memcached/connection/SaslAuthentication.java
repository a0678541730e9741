package io.caspian.memcached.connection;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;

/**
 * SASL PLAIN authentication of each connection, in place of spymemcached's {@code AuthThread}, which on a refusal
 * never stops: its failed {@code SASL auth} makes the client drop the connection, reconnect within
 * {@code maxReconnectDelay} (2 s here) and authenticate again, forever (about one refused attempt every 2 s per
 * server per client, measured), while its old thread keeps sending {@code SASL step}s; operations meanwhile fail
 * as "cancelled", or even read as misses. Here the outcome is recorded per server: a refusal makes every operation on
 * that server fail at once saying "SASL authentication failed for user X on host:port", and the next attempt on it
 * waits {@link #FIRST_RETRY_MILLIS} (30 s), doubling up to {@link #MAX_RETRY_MILLIS} (5 min), so that credentials fixed on the
 * server are picked up without a restart but a wrong password does not hammer it. The connection reopened meanwhile
 * stays open and unauthenticated; nothing is sent on it.
 *
 * <p>The password is only handed to the SASL client through its callback; it is never part of a message.
 *
 * <p>Internal; not an API: public only for {@link io.caspian.memcached.Memcached}.
 */
public final class SaslAuthentication extends AuthDescriptor {
  static final long FIRST_RETRY_MILLIS = 30_000;
  static final long MAX_RETRY_MILLIS = 300_000;
  /** {@link #FIRST_RETRY_MILLIS}, shortened by tests of the retry. */
  static volatile long firstRetryMillis = FIRST_RETRY_MILLIS;
  private static final String[] MECHANISMS = {"PLAIN"};
  private static final ScheduledExecutorService RETRIES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "caspian-sasl-retry");
    thread.setDaemon(true);
    return thread;
  });

  private final String user;
  private final Map<SocketAddress, Server> servers = new ConcurrentHashMap<>();
  /** How many servers are refusing now: operations check it first, so that all is well costs one volatile read. */
  private final AtomicInteger refusing = new AtomicInteger();

  SaslAuthentication(String user, String password) {
    super(MECHANISMS, callbacks -> answer(callbacks, user, password));
    this.user = user;
  }

  /** Outcome of the authentication of one server's current connection. */
  private static final class Server {
    final String hostPort;
    volatile boolean authenticated;
    /** The reason of the last refusal, null when the server has not refused since it last accepted. */
    volatile String failure;
    final AtomicLong attempts = new AtomicLong();
    int consecutiveFailures;
    long retryAtNanos;

    Server(SocketAddress address) {
      this.hostPort = hostPort(address);
    }
  }

  /** spymemcached's own limit ({@code net.spy.memcached.auth.AuthThreshold}) would shut the whole client down. */
  @Override
  public boolean authThresholdReached() {
    return false;
  }

  /**
   * A connection to {@code node} was (re)established: authenticates it now, or, when the server refused recently,
   * once its retry delay is over (if this connection is still the node's then).
   */
  void connected(MemcachedConnection connection, OperationFactory operations, MemcachedNode node) {
    Server server = server(node.getSocketAddress());
    long delayNanos;
    synchronized (server) {
      server.authenticated = false;
      delayNanos = server.failure == null ? 0 : server.retryAtNanos - System.nanoTime();
    }
    if (delayNanos <= 0) {
      authenticate(connection, operations, node, server);
      return;
    }
    SocketChannel channel = node.getChannel();
    RETRIES.schedule(() -> {
      if (!connection.isShutDown() && node.getChannel() == channel && channel != null && channel.isConnected()) {
        authenticate(connection, operations, node, server);
      }
    }, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void authenticate(MemcachedConnection connection, OperationFactory operations, MemcachedNode node,
      Server server) {
    server.attempts.incrementAndGet();
    OperationCallback callback = new OperationCallback() {
      private volatile OperationStatus status;

      @Override
      public void receivedStatus(OperationStatus received) {
        status = received;
      }

      @Override
      public void complete() {
        OperationStatus outcome = status;
        if (outcome != null && outcome.isSuccess() && outcome.getMessage().isEmpty()) {
          accepted(server);
          node.authComplete();
        } else if (outcome != null && outcome.getStatusCode() != StatusCode.CANCELLED) {
          // a refusal ("Auth failure."), a server without SASL ("Unknown command"), or a mechanism that wants more
          // steps than PLAIN's one; a cancelled attempt (the connection dropped) is retried by the next connection
          refused(server, outcome.isSuccess() ? "asked for another SASL step" : outcome.getMessage());
        }
      }
    };
    connection.insertOperation(node,
        operations.saslAuth(getMechs(), node.getSocketAddress().toString(), null, getCallback(), callback));
  }

  private void accepted(Server server) {
    synchronized (server) {
      if (server.failure != null) {
        refusing.decrementAndGet();
      }
      server.failure = null;
      server.consecutiveFailures = 0;
      server.authenticated = true;
    }
  }

  private void refused(Server server, String answer) {
    String reason = answer == null ? "" : answer.replaceFirst("^SERVER: ", "").trim();
    String hint = reason.toLowerCase(java.util.Locale.ROOT).contains("unknown command")
        ? " (is memcached started with -S?)" : "";
    synchronized (server) {
      if (server.failure == null) {
        refusing.incrementAndGet();
      }
      server.failure = "SASL authentication failed for user " + user + " on " + server.hostPort
          + (reason.isEmpty() ? "" : ": memcached answered '" + reason + "'" + hint);
      server.authenticated = false;
      long delay = Math.min(MAX_RETRY_MILLIS, firstRetryMillis << Math.min(server.consecutiveFailures, 10));
      server.consecutiveFailures++;
      server.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
    }
  }

  private Server server(SocketAddress address) {
    return servers.computeIfAbsent(address, Server::new);
  }

  /** Whether any server refused this client's credentials (and has not accepted them since). */
  public boolean anyRefused() {
    return refusing.get() > 0;
  }

  /** Why {@code server} refused, or null when it did not (or accepted since). */
  public String failure(SocketAddress server) {
    Server state = servers.get(server);
    return state == null ? null : state.failure;
  }

  /** The refusals of every server, in no particular order. */
  public List<String> failures() {
    List<String> failures = new ArrayList<>();
    for (Server server : servers.values()) {
      String failure = server.failure;
      if (failure != null) {
        failures.add(failure);
      }
    }
    return failures;
  }

  /** Whether each of {@code connected} has an outcome: accepted or refused. */
  public boolean settled(Collection<SocketAddress> connected) {
    for (SocketAddress address : connected) {
      Server server = servers.get(address);
      if (server == null || !server.authenticated && server.failure == null) {
        return false;
      }
    }
    return true;
  }

  /** Authentication attempts made on {@code server} so far (tests). */
  long attempts(SocketAddress server) {
    Server state = servers.get(server);
    return state == null ? 0 : state.attempts.get();
  }

  private static String hostPort(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getHostString();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  private static void answer(Callback[] callbacks, String user, String password)
      throws UnsupportedCallbackException {
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) {
        name.setName(user);
      } else if (callback instanceof PasswordCallback pw) {
        pw.setPassword(password.toCharArray());
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }
}
