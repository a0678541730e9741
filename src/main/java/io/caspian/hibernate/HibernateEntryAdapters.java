package io.caspian.hibernate;

import io.caspian.memcached.codec.CodecException;
import io.caspian.memcached.codec.CompactInput;
import io.caspian.memcached.codec.TypeAdapter;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hibernate.cache.spi.entry.CollectionCacheEntry;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.cache.spi.entry.StructuredCollectionCacheEntry;

/**
 * Compact-format adapters for Hibernate's own cache entries, whose disassembled state is an array of basic values:
 * stored this way, an entity or collection entry is read back without {@code ObjectInputStream} unless one of its
 * values is of a type the compact format does not know.
 *
 * <p>Hibernate's loader casts what the cache returns to these exact classes, so they must be rebuilt as such.
 * {@code CollectionCacheEntry} is, through the public {@code StructuredCollectionCacheEntry.destructure} (which needs
 * no persister). {@code StandardCacheEntryImpl} has only a package-private constructor taking its three fields, used
 * here reflectively (hibernate-core is an automatic module or on the class path, both of which open it); where that
 * is refused, the adapter is left out and such entries keep going through Java serialization.
 */
final class HibernateEntryAdapters {
  private static final System.Logger LOG = System.getLogger(HibernateEntryAdapters.class.getName());
  private static final MethodHandle NEW_ENTITY_ENTRY = entityEntryConstructor();

  private HibernateEntryAdapters() {}

  static List<TypeAdapter<?>> available(int entityEntryId, int collectionEntryId) {
    List<TypeAdapter<?>> adapters = new ArrayList<>(2);
    if (NEW_ENTITY_ENTRY != null) {
      adapters.add(TypeAdapter.of(entityEntryId, StandardCacheEntryImpl.class, (v, out) -> {
        out.writeValue(v.getDisassembledState());
        out.writeValue(v.getSubclass());
        out.writeValue(v.getVersion());
      }, HibernateEntryAdapters::readEntityEntry));
    }
    adapters.add(new CollectionEntryAdapter(collectionEntryId));
    return adapters;
  }

  private static StandardCacheEntryImpl readEntityEntry(CompactInput in) {
    Object state = in.readValue();
    Object subclass = in.readValue();
    Object version = in.readValue();
    if (state != null && !(state instanceof Serializable[]) || subclass != null && !(subclass instanceof String)) {
      throw new CodecException("corrupt compact value: not an entity cache entry");
    }
    try {
      return (StandardCacheEntryImpl) NEW_ENTITY_ENTRY.invoke((Serializable[]) state, (String) subclass, version);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new CodecException("cannot rebuild an entity cache entry: " + e, e);
    }
  }

  private static MethodHandle entityEntryConstructor() {
    try {
      Constructor<StandardCacheEntryImpl> constructor = StandardCacheEntryImpl.class
          .getDeclaredConstructor(Serializable[].class, String.class, Object.class);
      constructor.setAccessible(true);
      return MethodHandles.lookup().unreflectConstructor(constructor);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(System.Logger.Level.INFO, () -> "entity cache entries stay Java-serialized: " + e);
      return null;
    }
  }

  /** {@code CollectionCacheEntry}: its state is a {@code Serializable[]} for every collection type Hibernate has. */
  private static final class CollectionEntryAdapter implements TypeAdapter<CollectionCacheEntry> {
    private final int typeId;

    CollectionEntryAdapter(int typeId) {
      this.typeId = typeId;
    }

    @Override
    public int typeId() {
      return typeId;
    }

    @Override
    public Class<CollectionCacheEntry> type() {
      return CollectionCacheEntry.class;
    }

    @Override
    public boolean handles(CollectionCacheEntry value) {
      try {
        return value.getState() != null;
      } catch (ClassCastException e) {
        return false; // a state of another shape: left to Java serialization
      }
    }

    @Override
    public void write(CollectionCacheEntry value, io.caspian.memcached.codec.CompactOutput out) {
      out.writeValues(value.getState());
    }

    @Override
    public CollectionCacheEntry read(CompactInput in) {
      Serializable[] state = in.readSerializables();
      return (CollectionCacheEntry) StructuredCollectionCacheEntry.INSTANCE.destructure(Arrays.asList(state), null);
    }
  }
}
