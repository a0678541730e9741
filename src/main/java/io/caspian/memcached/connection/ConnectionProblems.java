package io.caspian.memcached.connection;

import io.caspian.memcached.MemcachedSettings;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.spy.memcached.ConnectionObserver;

/**
 * What one transport knows about why its servers may not answer, beyond "did not answer": a TLS handshake that
 * failed on the server's certificate ({@link Tls}), or a server that closes every connection right after it opens
 * (what a TLS-only memcached does to a plain-text client). Appended to the messages of failed operations.
 *
 * <p>Internal; not an API: public only for {@link io.caspian.memcached.Memcached}.
 */
public final class ConnectionProblems implements ConnectionObserver {
  /** A connection lost this soon after it opened counts as closed at once. */
  private static final long QUICK_CLOSE_NANOS = 1_000_000_000L;
  private static final int QUICK_CLOSES_REPORTED = 1;

  private final Tls tls;
  private final Map<SocketAddress, long[]> connections = new ConcurrentHashMap<>();
  private final ConnectionLog log = new ConnectionLog();

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
    connections.forEach((server, c) -> {
      // {established at, lost at, quick closes in a row}; still closing at once if not connected for long since
      boolean stillClosing = c[1] >= c[0] || now - c[0] < QUICK_CLOSE_NANOS;
      if (c[2] >= QUICK_CLOSES_REPORTED && stillClosing) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        sb.append("memcached ").append(server).append(" closed the connection right after it opened");
        if (c[2] > 1) {
          sb.append(", ").append(c[2]).append(" times in a row");
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
    return log.awaySeconds(server);
  }

  /** Says which servers could not be reached at start (see {@link ConnectionLog}). */
  public void unreachableAtStart(java.util.Collection<SocketAddress> servers) {
    servers.forEach(log::unreachableAtStart);
  }

  @Override
  public void connectionEstablished(SocketAddress server, int reconnectCount) {
    log.connectionEstablished(server, reconnectCount);
    connections.computeIfAbsent(server, s -> new long[3])[0] = System.nanoTime();
  }

  @Override
  public void connectionLost(SocketAddress server) {
    log.connectionLost(server);
    long[] c = connections.computeIfAbsent(server, s -> new long[3]);
    long now = System.nanoTime();
    c[2] = c[0] != 0 && now - c[0] < QUICK_CLOSE_NANOS ? c[2] + 1 : 0;
    c[1] = now;
  }
}
