package io.caspian.jcache;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Caspian cache tells beyond JSR-107 about where its entries live, through
 * {@code cache.unwrap(ServerAwareCache.class)}: for callers that keep copies of a key on every memcached server and
 * must keep working while one server is away (Caspian's Hibernate regions replicate their epochs this way).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ServerAwareCache<K, V> {
  /**
   * The memcached server that holds {@code key}, as the client's node locator places it.
   *
   * @param key a key of this cache
   * @return the server's address
   */
  SocketAddress serverOf(K key);

  /** @return the addresses of every memcached server of this cache's pool */
  List<SocketAddress> servers();

  /**
   * Like {@link javax.cache.Cache#getAll}, in one round trip with the servers asked in parallel, but a server that
   * does not answer in time does not fail the read: its keys are added to {@code unreachable}. No read-through.
   *
   * @param keys        the keys to read
   * @param unreachable receives the keys whose server did not answer
   * @return the entries found on the servers that answered
   */
  Map<K, V> getAllReachable(Set<? extends K> keys, Set<K> unreachable);
}
