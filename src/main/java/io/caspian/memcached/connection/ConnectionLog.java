package io.caspian.memcached.connection;

import io.caspian.memcached.Memcached;
import java.net.SocketAddress;

/**
 * The log lines about servers coming and going: one WARN when a server goes away (or cannot be reached at start),
 * one INFO when it is back, however many reconnect attempts lie between (spymemcached's own lines about them are
 * at DEBUG, see {@link SpyLogger}). {@link ConnectionProblems} keeps the state that says when to log.
 */
final class ConnectionLog {
  private static final System.Logger LOG = System.getLogger(Memcached.class.getName());

  private ConnectionLog() {}

  /** A server the client could not connect to at start. */
  static void unreachableAtStart(SocketAddress server) {
    LOG.log(System.Logger.Level.WARNING, () -> "memcached " + server + " cannot be reached: operations on its"
        + " keys fail (Hibernate regions read them as misses) until it is; retrying in the background");
  }

  /** A server whose connection was lost. */
  static void wentAway(SocketAddress server) {
    LOG.log(System.Logger.Level.WARNING, () -> "memcached " + server + " went away: operations on its keys fail"
        + " (Hibernate regions read them as misses) until it is back; reconnecting in the background");
  }

  /** A server connected again after {@code seconds} away. */
  static void back(SocketAddress server, long seconds) {
    LOG.log(System.Logger.Level.INFO, () -> "memcached " + server + " is back after " + seconds + " s");
  }
}
