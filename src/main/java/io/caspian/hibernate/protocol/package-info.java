/**
 * The READ_WRITE protocol core: the states Caspian stores for a region entry and a table, and the pure transitions
 * between them, apart from Hibernate's SPI and from memcached. Internal; not an API.
 *
 * <p>The states are immutable records. A READ_WRITE entry is a {@link io.caspian.hibernate.protocol.Stamped} (the
 * region epoch it was written in) around a {@link io.caspian.hibernate.protocol.ReadWriteState}: a readable
 * {@link io.caspian.hibernate.protocol.CachedItem} or a {@link io.caspian.hibernate.protocol.SoftLockState} made of
 * one {@link io.caspian.hibernate.protocol.SoftLockState.Lease} per writer, each identified by a
 * {@link io.caspian.hibernate.protocol.LockId}. A table of the update-timestamps region is a
 * {@link io.caspian.hibernate.protocol.TableState}.
 *
 * <p>The transitions are functions of the old state and their arguments only, since each is the body of one atomic
 * {@code Cache.invoke} that may run more than once: {@link io.caspian.hibernate.protocol.ReadWriteTransitions} (one
 * function per SPI operation, each returning a {@link io.caspian.hibernate.protocol.Step}),
 * {@link io.caspian.hibernate.protocol.Stamped#resolve} (what survives a region eviction), the static methods of
 * {@link io.caspian.hibernate.protocol.TableState}, and {@link io.caspian.hibernate.protocol.EndedNodes}, applied to
 * a state before a transition to end the leases of crashed nodes. They compare versions through
 * {@link io.caspian.hibernate.protocol.VersionOrder} and cluster-clock values computed by
 * {@link io.caspian.hibernate.protocol.ClockTicks}. docs/hibernate-design.md is the specification they implement.
 *
 * <p>Nothing here reads a clock, does I/O or knows a cache: the package {@code io.caspian.hibernate} obtains the
 * timestamps, runs the transitions inside memcached CAS loops, and adapts them to Hibernate's SPI.
 *
 * <p>Wire format: these records are stored in the compact format under the type ids listed in
 * {@code CaspianTypeAdapters}, which name no class, so they may move between packages; a changed field layout takes a
 * new id. No class here may be used as a cache key: a memcached key is the hash of the key's Java serialization,
 * which names its class (see {@code WireKeysTest}).
 */
package io.caspian.hibernate.protocol;
