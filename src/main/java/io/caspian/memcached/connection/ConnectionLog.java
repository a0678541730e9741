package io.caspian.memcached.connection;

import io.caspian.memcached.Memcached;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.spy.memcached.ConnectionObserver;

/**
 * The log lines about servers coming and going: one WARN when a server goes away (or cannot be reached at start),
 * one INFO when it is back, however many reconnect attempts lie between (spymemcached's own lines about them are
 * at DEBUG, see {@link SpyLogger}).
 */
final class ConnectionLog implements ConnectionObserver {
  private static final System.Logger LOG = System.getLogger(Memcached.class.getName());

  /** Since when each server that is away has been away. */
  private final Map<SocketAddress, Long> awaySince = new ConcurrentHashMap<>();

  /** Seconds since {@code server} went away, or -1 while it is connected. */
  long awaySeconds(SocketAddress server) {
    Long since = awaySince.get(server);
    return since == null ? -1 : (System.nanoTime() - since) / 1_000_000_000L;
  }

  /** A server the client could not connect to at start. */
  void unreachableAtStart(SocketAddress server) {
    if (awaySince.putIfAbsent(server, System.nanoTime()) == null) {
      LOG.log(System.Logger.Level.WARNING, () -> "memcached " + server + " cannot be reached: operations on its"
          + " keys fail (Hibernate regions read them as misses) until it is; retrying in the background");
    }
  }

  @Override
  public void connectionLost(SocketAddress server) {
    if (awaySince.putIfAbsent(server, System.nanoTime()) == null) {
      LOG.log(System.Logger.Level.WARNING, () -> "memcached " + server + " went away: operations on its keys fail"
          + " (Hibernate regions read them as misses) until it is back; reconnecting in the background");
    }
  }

  @Override
  public void connectionEstablished(SocketAddress server, int reconnectCount) {
    Long since = awaySince.remove(server);
    if (since != null) {
      long seconds = (System.nanoTime() - since) / 1_000_000_000L;
      LOG.log(System.Logger.Level.INFO, () -> "memcached " + server + " is back after " + seconds + " s");
    }
  }
}
