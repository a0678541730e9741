package io.caspian.jcache;

import java.io.Closeable;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * One registered listener with its filter. Asynchronous listeners get a thread of their own, which keeps their
 * events in the order the operations of this JVM produced them.
 */
final class ListenerRegistration<K, V> {
  private static final System.Logger LOG = System.getLogger(ListenerRegistration.class.getName());

  private final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;
  private final ExecutorService executor;

  ListenerRegistration(CacheEntryListenerConfiguration<K, V> configuration) {
    this.configuration = configuration;
    this.listener = configuration.getCacheEntryListenerFactory().create();
    this.filter = configuration.getCacheEntryEventFilterFactory() == null
        ? null : configuration.getCacheEntryEventFilterFactory().create();
    this.executor = configuration.isSynchronous() ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "caspian-listener");
      t.setDaemon(true);
      return t;
    });
  }

  CacheEntryListenerConfiguration<K, V> configuration() {
    return configuration;
  }

  boolean isOldValueRequired() {
    return configuration.isOldValueRequired();
  }

  /** Delivers the event if the listener handles its type and the filter admits it. */
  void dispatch(CacheEntryEvent<K, V> event) {
    if (!handles(event)) {
      return;
    }
    if (executor == null) {
      deliver(event);
    } else {
      executor.execute(() -> {
        try {
          deliver(event);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "asynchronous cache listener failed on " + event, e);
        }
      });
    }
  }

  private boolean handles(CacheEntryEvent<K, V> event) {
    boolean typeHandled = switch (event.getEventType()) {
      case CREATED -> listener instanceof CacheEntryCreatedListener;
      case UPDATED -> listener instanceof CacheEntryUpdatedListener;
      case REMOVED -> listener instanceof CacheEntryRemovedListener;
      case EXPIRED -> listener instanceof CacheEntryExpiredListener;
    };
    return typeHandled && (filter == null || filter.evaluate(event));
  }

  @SuppressWarnings("unchecked")
  private void deliver(CacheEntryEvent<K, V> event) {
    List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
    try {
      switch (event.getEventType()) {
        case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
        case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
        case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
        case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
      }
    } catch (CacheEntryListenerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheEntryListenerException(e);
    }
  }

  void close() {
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly(listener);
    closeQuietly(filter);
  }

  private static void closeQuietly(Object o) {
    if (o instanceof Closeable c) {
      try {
        c.close();
      } catch (java.io.IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing " + o + " failed", e);
      }
    }
  }
}
