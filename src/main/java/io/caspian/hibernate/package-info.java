/**
 * Caspian's Hibernate ORM second-level cache: what Hibernate and users see, and the runtime that runs the protocol
 * of {@link io.caspian.hibernate.protocol} against memcached.
 *
 * <p>Entry points: {@link io.caspian.hibernate.CaspianRegionFactory} (named in
 * {@code hibernate.cache.region.factory_class}, or as {@code caspian} through
 * {@link io.caspian.hibernate.CaspianStrategyRegistrationProvider}), configured by
 * {@link io.caspian.hibernate.CaspianSettings}. Hibernate's SPI adapters: the regions
 * ({@link io.caspian.hibernate.CaspianDomainDataRegion}), the READ_WRITE access strategies for entities,
 * collections and natural ids, the update-timestamps storage ({@link io.caspian.hibernate.TimestampsStore} with
 * {@link io.caspian.hibernate.TimestampsSignal}), the per-session
 * {@link io.caspian.hibernate.CaspianTransactionSynchronization}, and the integrators that the
 * {@code META-INF/services} files register ({@link io.caspian.hibernate.CaspianStatelessIntegrator},
 * {@link io.caspian.hibernate.TableStatesIntegrator}).
 *
 * <p>Runtime: {@link io.caspian.hibernate.RegionStore} (a region's entries and its epoch, whose copies
 * {@code RegionEpoch} keeps on every server), {@link io.caspian.hibernate.ClusterClock}, node heartbeats
 * ({@code NodeLiveness}), background completions ({@code CompletionQueue}), and the encoding of region entries:
 * {@link io.caspian.hibernate.CaspianTypeAdapters} (the compact format's type ids, a wire format), Hibernate's
 * entries, {@link io.caspian.hibernate.MappedValue} and {@code MappingFingerprint} (values tagged with the mapping
 * that wrote them, for rolling deploys).
 *
 * <p>Cache keys stay in this package, whatever concern they belong to: {@link io.caspian.hibernate.CaspianCacheKey},
 * {@code RegionStore.EpochKey}, {@code RegionEpoch.EpochCopy} and {@code NodeLiveness.NodeKey}. A memcached key is
 * the hash of the key object's Java serialization, which names its class, so moving or renaming one of them would
 * part the nodes of two releases during a rolling deploy; {@code WireKeysTest} holds their keys fixed.
 */
package io.caspian.hibernate;
