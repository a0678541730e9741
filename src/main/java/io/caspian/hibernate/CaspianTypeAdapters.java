package io.caspian.hibernate;

import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.SoftLockState;
import io.caspian.hibernate.protocol.Stamped;
import io.caspian.hibernate.protocol.TableState;
import io.caspian.memcached.codec.CodecException;
import io.caspian.memcached.codec.CompactInput;
import io.caspian.memcached.codec.CompactOutput;
import io.caspian.memcached.codec.TypeAdapter;
import io.caspian.memcached.codec.TypeAdapters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The compact-format adapters the region factory registers with its cache manager, so that region entries and
 * keys are stored without Java serialization: Caspian's own state records here, Hibernate's cache entries in
 * {@link HibernateEntryAdapters}.
 *
 * <p>The type ids are a wire format shared by every node of a namespace; they are all listed here, never reused,
 * and a changed layout takes a new id. Ids 1-99 are Caspian's.
 *
 * <table>
 *   <caption>Type ids</caption>
 *   <tr><th>id</th><th>type</th><th>fields</th></tr>
 *   <tr><td>1</td><td>{@link Stamped}</td><td>long epoch, value state</td></tr>
 *   <tr><td>2</td><td>{@link MappedValue}</td><td>int mapping, value</td></tr>
 *   <tr><td>3</td><td>{@link CachedItem}</td><td>value, value version, long timestamp</td></tr>
 *   <tr><td>4</td><td>{@link SoftLockState}</td><td>count, leases (as in 5), long deadline, value version,
 *       boolean concurrent, long unlockTimestamp</td></tr>
 *   <tr><td>5</td><td>{@link SoftLockState.Lease}</td><td>lock id (as in 6), long deadline</td></tr>
 *   <tr><td>6</td><td>{@link LockId}</td><td>8+8 bytes node UUID, long sequence</td></tr>
 *   <tr><td>7</td><td>{@link TableState}</td><td>int writers, long writersDeadline, long lastCommit, count,
 *       leases (as in 5)</td></tr>
 *   <tr><td>8</td><td>{@link CaspianCacheKey}</td><td>string role, value id, value tenant</td></tr>
 *   <tr><td>9</td><td>{@code RegionEpoch.EpochCopy}</td><td>int index</td></tr>
 *   <tr><td>20</td><td>Hibernate's {@code StandardCacheEntryImpl}</td><td>value disassembled state
 *       ({@code Serializable[]}), value subclass, value version</td></tr>
 *   <tr><td>21</td><td>Hibernate's {@code CollectionCacheEntry}</td><td>value state ({@code Serializable[]})</td></tr>
 * </table>
 *
 * <p>"value" is any value in the compact format (nested adapters, built-ins, or an embedded Java serialization
 * stream read through the allow-list), "long"/"int" zigzag varints.
 */
public final class CaspianTypeAdapters {
  static final int STAMPED = 1;
  static final int MAPPED_VALUE = 2;
  static final int CACHED_ITEM = 3;
  static final int SOFT_LOCK = 4;
  static final int LEASE = 5;
  static final int LOCK_ID = 6;
  static final int TABLE_STATE = 7;
  static final int CACHE_KEY = 8;
  static final int EPOCH_COPY = 9;
  static final int STANDARD_CACHE_ENTRY = 20;
  static final int COLLECTION_CACHE_ENTRY = 21;

  /** Every adapter; Hibernate's entry adapters only where this Hibernate version lets them be rebuilt. */
  static final TypeAdapters ALL = TypeAdapters.of(adapters());

  private CaspianTypeAdapters() {}

  /**
   * Every adapter: what the region factory puts under {@link TypeAdapters#PROPERTY} in its cache manager's
   * properties; for a cache manager built by hand to read and write the same items.
   */
  public static TypeAdapters all() {
    return ALL;
  }

  private static List<TypeAdapter<?>> adapters() {
    List<TypeAdapter<?>> all = new ArrayList<>(List.of(
        TypeAdapter.of(STAMPED, Stamped.class, (v, out) -> {
          out.writeLong(v.epoch());
          out.writeValue(v.state());
        }, in -> new Stamped(in.readLong(), in.readValue())),
        TypeAdapter.of(MAPPED_VALUE, MappedValue.class, (v, out) -> {
          out.writeInt(v.mapping());
          out.writeValue(v.value());
        }, in -> new MappedValue(in.readInt(), in.readValue())),
        TypeAdapter.of(CACHED_ITEM, CachedItem.class, (v, out) -> {
          out.writeValue(v.value());
          out.writeValue(v.version());
          out.writeLong(v.timestamp());
        }, in -> new CachedItem(in.readValue(), in.readValue(), in.readLong())),
        TypeAdapter.of(SOFT_LOCK, SoftLockState.class, (v, out) -> {
          writeLeases(v.leases(), out);
          out.writeLong(v.deadline());
          out.writeValue(v.version());
          out.writeBoolean(v.concurrent());
          out.writeLong(v.unlockTimestamp());
        }, in -> new SoftLockState(readLeases(in), in.readLong(), in.readValue(), in.readBoolean(), in.readLong())),
        TypeAdapter.of(LEASE, SoftLockState.Lease.class, CaspianTypeAdapters::writeLease,
            CaspianTypeAdapters::readLease),
        TypeAdapter.of(LOCK_ID, LockId.class, CaspianTypeAdapters::writeLockId, CaspianTypeAdapters::readLockId),
        TypeAdapter.of(TABLE_STATE, TableState.class, (v, out) -> {
          out.writeInt(v.writers());
          out.writeLong(v.writersDeadline());
          out.writeLong(v.lastCommit());
          writeLeases(v.leases(), out);
        }, in -> new TableState(in.readInt(), in.readLong(), in.readLong(), readLeases(in))),
        TypeAdapter.of(CACHE_KEY, CaspianCacheKey.class, (v, out) -> {
          out.writeString(v.role());
          out.writeValue(v.id());
          out.writeValue(v.tenant());
        }, in -> new CaspianCacheKey(in.readString(), serializable(in.readValue()), string(in.readValue()), null)),
        TypeAdapter.of(EPOCH_COPY, RegionEpoch.EpochCopy.class, (v, out) -> out.writeInt(v.index()),
            in -> new RegionEpoch.EpochCopy(in.readInt()))));
    all.addAll(HibernateEntryAdapters.available(STANDARD_CACHE_ENTRY, COLLECTION_CACHE_ENTRY));
    return all;
  }

  private static void writeLeases(List<SoftLockState.Lease> leases, CompactOutput out) {
    out.writeCount(leases.size());
    for (SoftLockState.Lease lease : leases) {
      writeLease(lease, out);
    }
  }

  private static List<SoftLockState.Lease> readLeases(CompactInput in) {
    int count = in.readCount();
    List<SoftLockState.Lease> leases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      leases.add(readLease(in));
    }
    return leases;
  }

  private static void writeLease(SoftLockState.Lease lease, CompactOutput out) {
    writeLockId(lease.id(), out);
    out.writeLong(lease.deadline());
  }

  private static SoftLockState.Lease readLease(CompactInput in) {
    return new SoftLockState.Lease(readLockId(in), in.readLong());
  }

  private static void writeLockId(LockId id, CompactOutput out) {
    // the node id is random: 16 fixed bytes beat varints of random longs
    out.writeFixedLong(id.node().getMostSignificantBits());
    out.writeFixedLong(id.node().getLeastSignificantBits());
    out.writeLong(id.sequence());
  }

  private static LockId readLockId(CompactInput in) {
    return new LockId(new UUID(in.readFixedLong(), in.readFixedLong()), in.readLong());
  }

  static Serializable serializable(Object value) {
    if (value == null || value instanceof Serializable) {
      return (Serializable) value;
    }
    throw new CodecException("corrupt compact value: " + value.getClass().getName() + " is not Serializable");
  }

  private static String string(Object value) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new CodecException("corrupt compact value: tenant of type " + value.getClass().getName());
  }
}
