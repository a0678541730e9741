package io.caspian.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A JSR-107 cache whose entries live in memcached. Every conditional or read-modify-write operation
 * ({@code putIfAbsent}, {@code replace}, {@code remove(k, v)}, {@code getAndPut}, {@code invoke}, ...) is one
 * memcached CAS transition, atomic across every JVM that shares the pool. Values are stored by value; listeners
 * and statistics are those of this JVM.
 *
 * <p>An {@link EntryProcessor} may run more than once for one {@code invoke} when another writer wins the race;
 * only the run whose write succeeded takes effect, so a processor must not have other side effects.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CaspianCache<K, V> implements Cache<K, V>, ServerAwareCache<K, V> {
  private final CaspianCacheManager manager;
  private final String name;
  private final MutableConfiguration<K, V> configuration;
  private final EntryStore<K, V> store;
  private final ExpiryCalculator expiry;
  private final EventDispatcher<K, V> events;
  private final CaspianStatistics statistics;
  private final FailOpen failOpen;
  private final CaspianCacheConfigurationMXBean configurationBean;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<K, V> writer;
  private final ExecutorService executor;
  private volatile boolean closed;

  CaspianCache(CaspianCacheManager manager, String name, MutableConfiguration<K, V> configuration,
      EntryStore<K, V> store, ExecutorService executor) {
    this.manager = manager;
    this.name = name;
    this.configuration = configuration;
    this.store = store;
    this.executor = executor;
    this.expiry = new ExpiryCalculator(configuration.getExpiryPolicyFactory() == null
        ? new EternalExpiryPolicy() : configuration.getExpiryPolicyFactory().create());
    this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
    this.writer = writerOf(configuration);
    this.events = new EventDispatcher<>(this);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    this.statistics = new CaspianStatistics(store.memcached().stats(), configuration.isStatisticsEnabled());
    this.failOpen = new FailOpen(store.memcached().settings().failOpen(), name, store.memcached().stats());
    this.configurationBean = new CaspianCacheConfigurationMXBean(this);
    if (configuration.isManagementEnabled()) {
      JmxRegistration.register(this, configurationBean, JmxRegistration.Kind.CONFIGURATION);
    }
    if (configuration.isStatisticsEnabled()) {
      JmxRegistration.register(this, statistics, JmxRegistration.Kind.STATISTICS);
    }
  }

  @SuppressWarnings("unchecked")
  private static <K, V> CacheWriter<K, V> writerOf(MutableConfiguration<K, V> configuration) {
    // the writer accepts supertypes of K and V, so handing it K and V is safe
    return configuration.getCacheWriterFactory() == null
        ? null : (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    checkOpen();
    requireKey(key);
    long start = statistics.start();
    StoredEntry<K, V> entry = failOpen.read(() -> live(store.read(key)), null);
    V value;
    if (entry != null) {
      statistics.hits(1);
      touchOnAccess(entry);
      value = entry.value();
    } else {
      statistics.misses(1);
      value = readThrough(key);
    }
    statistics.getTime(start);
    return value;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    checkOpen();
    requireKeys(keys);
    long start = statistics.start();
    Map<K, StoredEntry<K, V>> found = failOpen.read(() -> store.readAll(keys), Map.of());
    Map<K, V> result = new LinkedHashMap<>();
    List<K> missing = new ArrayList<>();
    for (K key : keys) {
      StoredEntry<K, V> entry = live(found.get(key));
      if (entry == null) {
        missing.add(key);
      } else {
        touchOnAccess(entry);
        result.put(key, entry.value());
      }
    }
    statistics.hits(result.size());
    statistics.misses(missing.size());
    if (!missing.isEmpty() && isReadThrough()) {
      result.putAll(loadAndStore(missing, false));
    }
    statistics.getTime(start);
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    checkOpen();
    requireKey(key);
    return failOpen.read(() -> live(store.read(key)), null) != null;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    checkOpen();
    requireKeyValue(key, value);
    long start = statistics.start();
    writeThrough(key, value);
    failOpen.write(() -> {
      if (!events.hasListeners() && expiry.isEternal()) {
        // nothing depends on the previous value, so one unconditional set is enough
        store.write(key, value, StoredEntry.ETERNAL, System.currentTimeMillis());
        statistics.puts(1);
      } else {
        Change<V, Boolean> change = store.mutate(key, (live, now) -> putChange(live, value, now, Boolean.TRUE));
        fire(key, change);
        statistics.puts(change.kind() == Change.Kind.WRITE ? 1 : 0);
      }
    });
    statistics.putTime(start);
  }

  @Override
  public V getAndPut(K key, V value) {
    checkOpen();
    requireKeyValue(key, value);
    long start = statistics.start();
    writeThrough(key, value);
    Change<V, V> change = store.mutate(key, (live, now) ->
        putChange(live, value, now, live == null ? null : live.value()));
    fire(key, change);
    countRead(change.result() != null);
    statistics.puts(change.kind() == Change.Kind.WRITE ? 1 : 0);
    statistics.getTime(start);
    statistics.putTime(start);
    return change.result();
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    checkOpen();
    Objects.requireNonNull(map, "map");
    for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
      requireKeyValue(e.getKey(), e.getValue());
    }
    long start = statistics.start();
    Map<K, V> toStore = new LinkedHashMap<>(map);
    CacheWriterException failure = null;
    if (isWriteThrough() && !map.isEmpty()) {
      List<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>();
      map.forEach((k, v) -> pending.add(new CaspianEntry<>(k, v)));
      try {
        writer.writeAll(pending);
      } catch (RuntimeException e) {
        // what the writer left in the collection was not written, so must not be cached either
        for (Cache.Entry<? extends K, ? extends V> notWritten : pending) {
          toStore.remove(notWritten.getKey());
        }
        failure = writerException(e);
      }
    }
    for (Map.Entry<K, V> e : toStore.entrySet()) {
      K key = e.getKey();
      V value = e.getValue();
      failOpen.write(() -> {
        Change<V, Boolean> change = store.mutate(key, (live, now) -> putChange(live, value, now, Boolean.TRUE));
        fire(key, change);
        statistics.puts(change.kind() == Change.Kind.WRITE ? 1 : 0);
      });
    }
    statistics.putTime(start);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    checkOpen();
    requireKeyValue(key, value);
    long start = statistics.start();
    Change<V, Boolean> change = store.mutate(key, (live, now) -> {
      if (live != null) {
        return Change.keep(Boolean.FALSE);
      }
      writeThrough(key, value);
      return createChange(value, now, Boolean.TRUE);
    });
    boolean stored = change.result();
    fire(key, change);
    countRead(!stored);
    statistics.puts(change.kind() == Change.Kind.WRITE ? 1 : 0);
    statistics.putTime(start);
    return stored;
  }

  @Override
  public boolean remove(K key) {
    checkOpen();
    requireKey(key);
    long start = statistics.start();
    deleteThrough(key);
    boolean removed = failOpen.read(() -> {
      if (!events.hasListeners()) {
        // a plain delete cannot tell an expired item from a live one; only the eternal case may use it
        return expiry.isEternal() ? store.delete(key) : removeChange(key).result() != null;
      }
      return removeChange(key).result() != null;
    }, false);
    statistics.removals(removed ? 1 : 0);
    statistics.removeTime(start);
    return removed;
  }

  private Change<V, V> removeChange(K key) {
    Change<V, V> change = store.mutate(key, (live, now) ->
        live == null ? Change.keep(null) : Change.remove(live.value(), live.value()));
    fire(key, change);
    return change;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    checkOpen();
    requireKeyValue(key, oldValue);
    long start = statistics.start();
    Change<V, Boolean> change = store.mutate(key, (live, now) -> {
      if (live == null) {
        return Change.keep(null);
      }
      if (live.value().equals(oldValue)) {
        deleteThrough(key);
        return Change.remove(live.value(), Boolean.TRUE);
      }
      return accessChange(live, now, Boolean.FALSE);
    });
    boolean removed = Boolean.TRUE.equals(change.result());
    fire(key, change);
    countRead(change.result() != null);
    statistics.removals(removed ? 1 : 0);
    statistics.removeTime(start);
    return removed;
  }

  @Override
  public V getAndRemove(K key) {
    checkOpen();
    requireKey(key);
    long start = statistics.start();
    deleteThrough(key);
    Change<V, V> change = removeChange(key);
    V old = change.result();
    countRead(old != null);
    statistics.removals(old != null ? 1 : 0);
    statistics.getTime(start);
    statistics.removeTime(start);
    return old;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    checkOpen();
    requireKeyValue(key, oldValue);
    Objects.requireNonNull(newValue, "newValue");
    checkType(key, newValue);
    long start = statistics.start();
    Change<V, Boolean> change = store.mutate(key, (live, now) -> {
      if (live == null) {
        return Change.keep(null);
      }
      if (live.value().equals(oldValue)) {
        writeThrough(key, newValue);
        return updateChange(live, newValue, now, Boolean.TRUE);
      }
      return accessChange(live, now, Boolean.FALSE);
    });
    boolean replaced = Boolean.TRUE.equals(change.result());
    fire(key, change);
    countRead(change.result() != null);
    statistics.puts(replaced ? 1 : 0);
    statistics.putTime(start);
    return replaced;
  }

  @Override
  public boolean replace(K key, V value) {
    checkOpen();
    requireKeyValue(key, value);
    long start = statistics.start();
    Change<V, Boolean> change = store.mutate(key, (live, now) -> {
      if (live == null) {
        return Change.keep(Boolean.FALSE);
      }
      writeThrough(key, value);
      return updateChange(live, value, now, Boolean.TRUE);
    });
    boolean replaced = change.result();
    fire(key, change);
    countRead(replaced);
    statistics.puts(replaced ? 1 : 0);
    statistics.putTime(start);
    return replaced;
  }

  @Override
  public V getAndReplace(K key, V value) {
    checkOpen();
    requireKeyValue(key, value);
    long start = statistics.start();
    Change<V, V> change = store.mutate(key, (live, now) -> {
      if (live == null) {
        return Change.keep(null);
      }
      writeThrough(key, value);
      return updateChange(live, value, now, live.value());
    });
    V old = change.result();
    fire(key, change);
    countRead(old != null);
    statistics.puts(old != null ? 1 : 0);
    statistics.getTime(start);
    statistics.putTime(start);
    return old;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    checkOpen();
    requireKeys(keys);
    removeKeys(new LinkedHashSet<>(keys));
  }

  @Override
  public void removeAll() {
    checkOpen();
    Set<K> keys = new LinkedHashSet<>();
    for (List<StoredEntry<K, V>> batch : batches(store.memcachedKeys())) {
      for (StoredEntry<K, V> entry : batch) {
        keys.add(entry.key());
      }
    }
    removeKeys(keys);
  }

  private void removeKeys(Set<K> keys) {
    long start = statistics.start();
    Set<K> toRemove = new LinkedHashSet<>(keys);
    CacheWriterException failure = null;
    if (isWriteThrough() && !keys.isEmpty()) {
      Set<Object> pending = new LinkedHashSet<>(keys);
      try {
        writer.deleteAll(pending);
      } catch (RuntimeException e) {
        toRemove.removeIf(pending::contains);
        failure = writerException(e);
      }
    }
    for (K key : toRemove) {
      failOpen.write(() -> {
        Change<V, V> change = removeChange(key);
        statistics.removals(change.result() != null ? 1 : 0);
      });
    }
    statistics.removeTime(start);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void clear() {
    checkOpen();
    store.clear();
  }

  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    checkOpen();
    requireKey(key);
    Objects.requireNonNull(processor, "processor");
    return invoke(key, null, null, found -> processor, arguments);
  }

  @Override
  public <T> T invokeAlongside(K key, Set<? extends K> alongside, Set<K> unreachable,
      Function<Map<K, V>, EntryProcessor<K, V, T>> processorFor) {
    checkOpen();
    requireKey(key);
    requireKeys(alongside);
    Objects.requireNonNull(processorFor, "processorFor");
    return invoke(key, alongside, unreachable, processorFor);
  }

  /** invoke, the processor chosen from {@code alongside} read with the entry's first gets (null: nothing to read). */
  private <T> T invoke(K key, Set<? extends K> alongside, Set<K> unreachable,
      Function<Map<K, V>, EntryProcessor<K, V, T>> processorFor, Object... arguments) {
    long start = statistics.start();
    Function<K, V> loadFunction = isReadThrough() ? this::load : null;
    @SuppressWarnings("unchecked")
    ProcessorEntry<K, V>[] last = new ProcessorEntry[1];
    @SuppressWarnings("unchecked")
    EntryProcessor<K, V, T>[] chosen = new EntryProcessor[1];
    UnreadableAwareMutation<K, V, T> mutation = (live, unreadable, now) -> {
      EntryProcessor<K, V, T> processor = chosen[0];
      ProcessorEntry<K, V> entry =
          new ProcessorEntry<>(key, live == null ? null : live.value(), unreadable, loadFunction);
      last[0] = entry;
      T result;
      try {
        result = processor.process(entry, arguments);
      } catch (EntryProcessorException e) {
        throw e;
      } catch (Exception | Error e) {
        // nothing is written when the processor fails, whatever it threw
        throw new EntryProcessorException(e);
      }
      // the writer sees the net effect before memcached does, so a writer failure leaves the cache unchanged
      switch (entry.action()) {
        case CREATED, UPDATED -> writeThrough(key, entry.value());
        case REMOVED -> deleteThrough(key);
        default -> {
          if (entry.deletesMissing()) {
            deleteThrough(key);
          }
        }
      }
      return processorChange(entry, live, now, result);
    };
    Change<V, T> change;
    if (alongside == null) {
      chosen[0] = processorFor.apply(Map.of());
      change = store.mutate(key, mutation);
    } else {
      change = store.mutate(key, alongside, unreachable, found -> {
        Map<K, V> values = new LinkedHashMap<>();
        found.forEach((k, entry) -> {
          if (live(entry) != null) {
            values.put(k, entry.value());
          }
        });
        chosen[0] = Objects.requireNonNull(processorFor.apply(values), "processor");
      }, mutation);
    }
    ProcessorEntry<K, V> entry = last[0];
    switch (entry.action()) {
      case CREATED, UPDATED -> statistics.puts(1);
      case REMOVED -> statistics.removals(1);
      default -> { }
    }
    // looking the entry up is a hit or a miss, whatever the processor then does with it
    countRead(entry.existedBefore());
    fire(key, change);
    statistics.getTime(start);
    return change.result();
  }

  private <T> Change<V, T> processorChange(ProcessorEntry<K, V> entry, StoredEntry<K, V> live, long now, T result) {
    return switch (entry.action()) {
      case NONE -> Change.keep(result);
      case READ -> accessChange(live, now, result);
      case LOADED -> createChange(entry.value(), now, result);
      case CREATED -> createChange(entry.value(), now, result);
      case UPDATED -> updateChange(live, entry.value(), now, result);
      case REMOVED -> Change.remove(entry.original(), result);
    };
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    checkOpen();
    requireKeys(keys);
    Objects.requireNonNull(processor, "processor");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (CacheException e) {
        EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe
            : new EntryProcessorException(e);
        results.put(key, () -> {
          throw failure;
        });
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- loading

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
    checkOpen();
    requireKeys(keys);
    CompletionListener done = listener == null ? NO_LISTENER : listener;
    if (loader == null) {
      done.onCompletion();
      return;
    }
    Set<K> toLoad = new LinkedHashSet<>(keys);
    executor.execute(() -> {
      try {
        if (!replaceExistingValues) {
          Map<K, StoredEntry<K, V>> present = store.readAll(toLoad);
          present.forEach((k, e) -> {
            if (live(e) != null) {
              toLoad.remove(k);
            }
          });
        }
        if (!toLoad.isEmpty()) {
          loadAndStore(toLoad, replaceExistingValues);
        }
        done.onCompletion();
      } catch (Exception e) {
        done.onException(e);
      }
    });
  }

  private static final CompletionListener NO_LISTENER = new CompletionListener() {
    @Override
    public void onCompletion() {}

    @Override
    public void onException(Exception e) {}
  };

  private V readThrough(K key) {
    if (!isReadThrough()) {
      return null;
    }
    V value = load(key);
    if (value != null) {
      failOpen.write(() -> {
        Change<V, Boolean> change = store.mutate(key, (live, now) ->
            live != null ? Change.keep(Boolean.FALSE) : createChange(value, now, Boolean.TRUE));
        fire(key, change);
        statistics.puts(change.kind() == Change.Kind.WRITE ? 1 : 0);
      });
    }
    return value;
  }

  private V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException(e);
    }
  }

  private Map<K, V> loadAndStore(Collection<K> keys, boolean replaceExisting) {
    Map<K, V> loaded;
    try {
      loaded = loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException(e);
    }
    Map<K, V> result = new HashMap<>();
    if (loaded == null) {
      return result;
    }
    for (Map.Entry<? extends K, ? extends V> e : loaded.entrySet()) {
      K key = e.getKey();
      V value = e.getValue();
      if (key == null || value == null) {
        continue;
      }
      result.put(key, value);
      Change<V, Boolean> change = store.mutate(key, (live, now) -> {
        if (live == null) {
          return createChange(value, now, Boolean.TRUE);
        }
        return replaceExisting ? updateChange(live, value, now, Boolean.TRUE) : Change.keep(Boolean.FALSE);
      });
      fire(key, change);
      statistics.puts(change.kind() == Change.Kind.WRITE ? 1 : 0);
    }
    return result;
  }

  // ---------------------------------------------------------------- transitions (pure)

  private Change<V, Boolean> putChange(StoredEntry<K, V> live, V value, long now, Boolean result) {
    return putChange(live, value, now, (Object) result);
  }

  @SuppressWarnings("unchecked")
  private <R> Change<V, R> putChange(StoredEntry<K, V> live, V value, long now, Object result) {
    return live == null ? createChange(value, now, (R) result) : updateChange(live, value, now, (R) result);
  }

  private <R> Change<V, R> createChange(V value, long now, R result) {
    long expireAt = expiry.onCreation(now);
    if (expireAt <= now) {
      return Change.keep(result);
    }
    return Change.create(value, expireAt, result);
  }

  private <R> Change<V, R> updateChange(StoredEntry<K, V> live, V value, long now, R result) {
    long expireAt = expiry.onUpdate(now);
    return Change.update(value, expireAt == ExpiryCalculator.UNCHANGED ? live.expireAt() : expireAt,
        live.value(), result);
  }

  private <R> Change<V, R> accessChange(StoredEntry<K, V> live, long now, R result) {
    long expireAt = expiry.onAccess(now);
    if (expireAt == ExpiryCalculator.UNCHANGED || expireAt == live.expireAt()) {
      return Change.keep(result);
    }
    return expireAt <= now ? new Change<>(Change.Kind.REMOVE, null, 0, Change.Effect.NONE, null, result)
        : Change.touch(live.value(), expireAt, result);
  }

  /** Applies access expiry to an entry that was read without CAS; only if nobody changed it meanwhile. */
  private void touchOnAccess(StoredEntry<K, V> read) {
    if (expiry.isEternal()) {
      return;
    }
    long now = System.currentTimeMillis();
    long expireAt = expiry.onAccess(now);
    if (expireAt == ExpiryCalculator.UNCHANGED) {
      return;
    }
    store.mutate(read.key(), (live, t) -> {
      if (live == null || live.expireAt() != read.expireAt() || !Objects.equals(live.value(), read.value())) {
        return Change.keep(null);
      }
      return accessChange(live, t, null);
    });
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    checkOpen();
    Iterator<List<StoredEntry<K, V>>> pages = batches(store.memcachedKeys()).iterator();
    return new Iterator<>() {
      private Iterator<StoredEntry<K, V>> page = java.util.Collections.emptyIterator();
      private StoredEntry<K, V> next;
      private K lastKey;

      @Override
      public boolean hasNext() {
        while (next == null) {
          if (page.hasNext()) {
            next = live(page.next());
          } else if (pages.hasNext()) {
            page = pages.next().iterator();
          } else {
            return false;
          }
        }
        return true;
      }

      @Override
      public Cache.Entry<K, V> next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        StoredEntry<K, V> entry = next;
        next = null;
        lastKey = entry.key();
        statistics.hits(1);
        touchOnAccess(entry);
        return new CaspianEntry<>(entry.key(), entry.value());
      }

      @Override
      public void remove() {
        if (lastKey == null) {
          throw new IllegalStateException("next() was not called");
        }
        checkOpen();
        K key = lastKey;
        lastKey = null;
        deleteThrough(key);
        Change<V, V> change = removeChange(key);
        statistics.removals(change.result() != null ? 1 : 0);
      }
    };
  }

  /** Reads the entries behind a list of memcached keys lazily, a bulk get per page. */
  private Iterable<List<StoredEntry<K, V>>> batches(List<String> memcachedKeys) {
    return () -> new Iterator<>() {
      private int offset;

      @Override
      public boolean hasNext() {
        return offset < memcachedKeys.size();
      }

      @Override
      public List<StoredEntry<K, V>> next() {
        int end = Math.min(offset + 256, memcachedKeys.size());
        List<String> page = memcachedKeys.subList(offset, end);
        offset = end;
        return store.readStored(page);
      }
    };
  }

  // ---------------------------------------------------------------- listeners

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    events.register(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
    events.deregister(listenerConfiguration);
  }

  private void fire(K key, Change<V, ?> change) {
    switch (change.effect()) {
      case CREATED -> events.created(key, change.value());
      case UPDATED -> events.updated(key, change.value(), change.oldValue());
      case REMOVED -> events.removed(key, change.oldValue());
      case NONE -> { }
    }
  }

  // ---------------------------------------------------------------- management

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(configuration)) {
      return clazz.cast(new MutableConfiguration<>(configuration));
    }
    throw new IllegalArgumentException("the configuration is not a " + clazz.getName());
  }

  void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    statistics.setEnabled(enabled);
    if (enabled) {
      JmxRegistration.register(this, statistics, JmxRegistration.Kind.STATISTICS);
    } else {
      JmxRegistration.unregister(this, JmxRegistration.Kind.STATISTICS);
    }
  }

  void setManagementEnabled(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      JmxRegistration.register(this, configurationBean, JmxRegistration.Kind.CONFIGURATION);
    } else {
      JmxRegistration.unregister(this, JmxRegistration.Kind.CONFIGURATION);
    }
  }

  /** This JVM's statistics of the cache, also when they are not registered in JMX. */
  public CaspianCacheStatisticsMXBean statistics() {
    return statistics;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    manager.release(this);
    JmxRegistration.unregister(this, JmxRegistration.Kind.CONFIGURATION);
    JmxRegistration.unregister(this, JmxRegistration.Kind.STATISTICS);
    events.close();
    closeQuietly(loader);
    closeQuietly(writer);
    closeQuietly(expiry.policy());
  }

  private static void closeQuietly(Object o) {
    if (o instanceof java.io.Closeable c) {
      try {
        c.close();
      } catch (java.io.IOException | RuntimeException ignored) {
        // closing is best effort: the cache is closed either way
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    return Unwrapping.unwrap(this, store.memcached(), clazz);
  }

  @Override
  public java.net.SocketAddress serverOf(K key) {
    requireKey(key);
    return store.memcached().serverOf(store.memcachedKey(key));
  }

  @Override
  public List<java.net.SocketAddress> servers() {
    return store.memcached().servers();
  }

  @Override
  public java.util.function.LongSupplier incrementLater(K key, long delta, long initial) {
    checkOpen();
    requireKey(key);
    if (delta <= 0 || initial < 0) {
      throw new IllegalArgumentException("delta must be positive and initial not negative: " + delta + ", " + initial);
    }
    return store.incrementLater(key, delta, initial);
  }

  @Override
  public void raiseCounterLater(K key, long value) {
    checkOpen();
    requireKey(key);
    store.memcached().raiseCounterLater(store.memcachedKey(key), value);
  }

  @Override
  public Map<K, V> getAllReachable(Set<? extends K> keys, Set<K> unreachable) {
    return getAllReachable(keys, unreachable, null, null, null);
  }

  @Override
  public <K2> Map<K, V> getAllReachable(Set<? extends K> keys, Set<K> unreachable, Cache<K2, ?> other, K2 otherKey,
      java.util.function.Consumer<Object> otherValue) {
    checkOpen();
    requireKeys(keys);
    EntryStore<K2, Object> otherStore = null;
    if (other != null) {
      Objects.requireNonNull(otherKey, "otherKey");
      @SuppressWarnings("unchecked")
      CaspianCache<K2, Object> caspian = other.unwrap(CaspianCache.class);
      if (caspian.store.memcached() != store.memcached()) {
        throw new IllegalArgumentException(other.getName() + " is not a cache of the same CacheManager");
      }
      otherStore = caspian.store;
    }
    long start = statistics.start();
    Map<K, StoredEntry<K, V>> found = store.readReachable(keys, unreachable, otherStore, otherKey,
        entry -> {
          if (!entry.isExpired(System.currentTimeMillis())) {
            otherValue.accept(entry.value());
          }
        });
    Map<K, V> result = new LinkedHashMap<>();
    for (K key : keys) {
      StoredEntry<K, V> entry = live(found.get(key));
      if (entry != null) {
        touchOnAccess(entry);
        result.put(key, entry.value());
      }
    }
    statistics.hits(result.size());
    statistics.misses(keys.size() - result.size());
    statistics.getTime(start);
    return result;
  }

  // ---------------------------------------------------------------- helpers

  private boolean isReadThrough() {
    return loader != null && configuration.isReadThrough();
  }

  private boolean isWriteThrough() {
    return writer != null && configuration.isWriteThrough();
  }

  private void writeThrough(K key, V value) {
    if (isWriteThrough()) {
      try {
        writer.write(new CaspianEntry<>(key, value));
      } catch (RuntimeException e) {
        throw writerException(e);
      }
    }
  }

  private void deleteThrough(K key) {
    if (isWriteThrough()) {
      try {
        writer.delete(key);
      } catch (RuntimeException e) {
        throw writerException(e);
      }
    }
  }

  private static CacheWriterException writerException(RuntimeException e) {
    return e instanceof CacheWriterException cwe ? cwe : new CacheWriterException(e);
  }

  private StoredEntry<K, V> live(StoredEntry<K, V> entry) {
    return entry == null || entry.isExpired(System.currentTimeMillis()) ? null : entry;
  }

  private void countRead(boolean hit) {
    if (hit) {
      statistics.hits(1);
    } else {
      statistics.misses(1);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cache " + name + " is closed");
    }
  }

  private void requireKey(K key) {
    Objects.requireNonNull(key, "key");
  }

  private void requireKeys(Set<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
    }
  }

  private void requireKeyValue(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    checkType(key, value);
  }

  private void checkType(K key, V value) {
    Class<K> keyType = configuration.getKeyType();
    Class<V> valueType = configuration.getValueType();
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("key " + key.getClass().getName() + " is not a " + keyType.getName());
    }
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("value " + value.getClass().getName() + " is not a " + valueType.getName());
    }
  }

  @Override
  public String toString() {
    return "CaspianCache[" + name + "]";
  }

  CompleteConfiguration<K, V> configuration() {
    return configuration;
  }
}
