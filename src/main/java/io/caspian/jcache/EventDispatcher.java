package io.caspian.jcache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.EventType;

/**
 * Delivers entry events to the listeners registered in this JVM. Events describe operations made through this
 * JVM's caches; memcached has no way to tell other JVMs, so listeners are not cluster-wide.
 */
final class EventDispatcher<K, V> {
  private final Cache<K, V> source;
  private final List<ListenerRegistration<K, V>> registrations = new CopyOnWriteArrayList<>();

  EventDispatcher(Cache<K, V> source) {
    this.source = source;
  }

  boolean hasListeners() {
    return !registrations.isEmpty();
  }

  void register(CacheEntryListenerConfiguration<K, V> configuration) {
    registrations.add(new ListenerRegistration<>(configuration));
  }

  void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    for (ListenerRegistration<K, V> r : registrations) {
      if (r.configuration().equals(configuration)) {
        registrations.remove(r);
        r.close();
      }
    }
  }

  void created(K key, V value) {
    publish(EventType.CREATED, key, value, null, false);
  }

  void updated(K key, V value, V oldValue) {
    publish(EventType.UPDATED, key, value, oldValue, true);
  }

  void removed(K key, V oldValue) {
    publish(EventType.REMOVED, key, oldValue, oldValue, true);
  }

  void expired(K key, V oldValue) {
    publish(EventType.EXPIRED, key, oldValue, oldValue, true);
  }

  private void publish(EventType type, K key, V value, V oldValue, boolean hasOld) {
    for (ListenerRegistration<K, V> r : registrations) {
      // the old value is always at hand, so it is always delivered (JSR-107 allows that when not required)
      r.dispatch(new CaspianCacheEntryEvent<>(source, type, key, value, oldValue, hasOld));
    }
  }

  void close() {
    registrations.forEach(ListenerRegistration::close);
    registrations.clear();
  }
}
