package io.caspian.memcached.connection;

import io.caspian.memcached.MemcachedSettings;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.ConnectionObserver;

/**
 * What one transport knows about its servers' connections, one record per server: which servers are away and since
 * when (said once each way through {@link ConnectionLog}), and why a server may not answer, beyond "did not answer":
 * a TLS handshake that failed on the server's certificate ({@link Tls}), or a server that closes every connection
 * right after it opens (what a TLS-only memcached does to a plain-text client). Appended to the messages of failed
 * operations.
 *
 * <p>Internal; not an API: public only for {@link io.caspian.memcached.Memcached}.
 */
public final class ConnectionProblems implements ConnectionObserver {
  /** A connection lost this soon after it opened counts as closed at once. */
  private static final long QUICK_CLOSE_NANOS = 1_000_000_000L;
  private static final int QUICK_CLOSES_REPORTED = 1;

  /** {@link ServerState#awaySince} of a server that is connected. */
  private static final long CONNECTED = Long.MIN_VALUE;

  private final Tls tls;
  private final Map<SocketAddress, ServerState> servers = new ConcurrentHashMap<>();

  /** What is known of one server's connection: written by the client's I/O thread (and at start), read by any. */
  private static final class ServerState {
    /** When the last connection opened, and when one was last lost ({@link System#nanoTime()}; 0: never). */
    volatile long establishedAt;
    volatile long lostAt;
    /** Connections in a row that were lost right after they opened. */
    volatile int quickCloses;
    /** Since when the server has been away (connection refused or lost), or {@link #CONNECTED}. */
    final AtomicLong awaySince = new AtomicLong(CONNECTED);

    /** Marks the server away; true for the caller that did, which logs it (once per outage). */
    boolean goesAway(long now) {
      return awaySince.compareAndSet(CONNECTED, now);
    }
  }

  public ConnectionProblems(MemcachedSettings settings) {
    this.tls = Tls.of(settings);
  }

  /** The TLS of this transport, or null for plain text. */
  Tls tls() {
    return tls;
  }

  /** Empty, or {@code " (reason; reason)"} to append to a message. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (tls != null) {
      sb.append(tls.failures());
    }
    long now = System.nanoTime();
    servers.forEach((server, c) -> {
      // still closing at once if not connected for long since
      boolean stillClosing = c.lostAt >= c.establishedAt || now - c.establishedAt < QUICK_CLOSE_NANOS;
      if (c.quickCloses >= QUICK_CLOSES_REPORTED && stillClosing) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        sb.append("memcached ").append(server).append(" closed the connection right after it opened");
        if (c.quickCloses > 1) {
          sb.append(", ").append(c.quickCloses).append(" times in a row");
        }
        if (tls == null) {
          sb.append(": if it serves TLS only (started with -Z), set ").append(MemcachedSettings.TLS).append("=true");
        }
      }
    });
    return sb.length() == 0 ? "" : " (" + sb + ")";
  }

  /** Seconds since {@code server} went away (connection refused or lost), or -1 while it is connected. */
  public long awaySeconds(SocketAddress server) {
    ServerState state = servers.get(server);
    long since = state == null ? CONNECTED : state.awaySince.get();
    return since == CONNECTED ? -1 : (System.nanoTime() - since) / 1_000_000_000L;
  }

  /** Says which servers could not be reached at start (see {@link ConnectionLog}). */
  public void unreachableAtStart(java.util.Collection<SocketAddress> away) {
    for (SocketAddress server : away) {
      if (state(server).goesAway(System.nanoTime())) {
        ConnectionLog.unreachableAtStart(server);
      }
    }
  }

  private ServerState state(SocketAddress server) {
    return servers.computeIfAbsent(server, s -> new ServerState());
  }

  @Override
  public void connectionEstablished(SocketAddress server, int reconnectCount) {
    ServerState state = state(server);
    long now = System.nanoTime();
    long since = state.awaySince.getAndSet(CONNECTED);
    if (since != CONNECTED) {
      ConnectionLog.back(server, (now - since) / 1_000_000_000L);
    }
    state.establishedAt = now;
  }

  @Override
  public void connectionLost(SocketAddress server) {
    ServerState state = state(server);
    long now = System.nanoTime();
    if (state.goesAway(now)) {
      ConnectionLog.wentAway(server);
    }
    state.quickCloses = state.establishedAt != 0 && now - state.establishedAt < QUICK_CLOSE_NANOS
        ? state.quickCloses + 1 : 0;
    state.lostAt = now;
  }
}
