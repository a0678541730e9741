package io.caspian.hibernate;

import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.event.spi.PostUpsertEvent;
import org.hibernate.event.spi.PostUpsertEventListener;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Makes a {@code StatelessSession}'s single-row writes (insert, update, upsert, delete) keep Caspian's promise:
 * Hibernate 7.4 locks and unlocks their entity and owned-collection cache entries, but never invalidates the
 * update timestamps of their tables nor the natural-id resolutions of their rows. This integrator adds post-write
 * listeners that do both, after the statement and once more when the transaction completes. It acts only on
 * SessionFactories whose region factory is a {@link CaspianRegionFactory}; stateful sessions are left to Hibernate.
 * Bulk HQL and native SQL statements are handled by Caspian's region access (see {@code CaspianReadWriteAccess}).
 *
 * <p>Registered through {@code META-INF/services/org.hibernate.integrator.spi.Integrator}.
 */
public final class CaspianStatelessIntegrator implements Integrator {
  /** Creates the integrator; Hibernate's service loader calls this. */
  public CaspianStatelessIntegrator() {
  }

  @Override
  public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
    var services = sessionFactory.getServiceRegistry();
    if (!(services.getService(RegionFactory.class) instanceof CaspianRegionFactory)) {
      return;
    }
    Listener listener = new Listener();
    EventListenerRegistry listeners = services.requireService(EventListenerRegistry.class);
    listeners.appendListeners(EventType.POST_INSERT, listener);
    listeners.appendListeners(EventType.POST_UPDATE, listener);
    listeners.appendListeners(EventType.POST_UPSERT, listener);
    listeners.appendListeners(EventType.POST_DELETE, listener);
  }

  /**
   * Nothing to undo. Declared although Hibernate 7 has a default: Hibernate 6.6 declares it abstract and calls it
   * while cleaning up a SessionFactory that failed to start, where its absence replaced Caspian's message naming
   * the supported versions with an {@code AbstractMethodError}.
   */
  @Override
  public void disintegrate(SessionFactoryImplementor sessionFactory,
      org.hibernate.service.spi.SessionFactoryServiceRegistry serviceRegistry) {
  }

  private static final class Listener implements PostInsertEventListener, PostUpdateEventListener,
      PostUpsertEventListener, PostDeleteEventListener {

    @Override
    public void onPostInsert(PostInsertEvent event) {
      // no natural-id work: nothing caches the absence of a natural id
      written(event.getSession(), event.getPersister());
    }

    @Override
    public void onPostUpdate(PostUpdateEvent event) {
      if (written(event.getSession(), event.getPersister())) {
        forgetChangedNaturalIds(event.getSession(), event.getPersister());
      }
    }

    @Override
    public void onPostUpsert(PostUpsertEvent event) {
      if (written(event.getSession(), event.getPersister())) {
        forgetChangedNaturalIds(event.getSession(), event.getPersister());
      }
    }

    @Override
    public void onPostDelete(PostDeleteEvent event) {
      if (written(event.getSession(), event.getPersister())) {
        lockNaturalId(event.getSession(), event.getPersister(), event.getEntity());
      }
    }

    /** @return whether the write came from a session whose cache bookkeeping Hibernate skips (and is now done) */
    private static boolean written(SharedSessionContractImplementor session, EntityPersister persister) {
      if (!StatelessWrites.skipsCacheBookkeeping(session)) {
        return false;
      }
      StatelessWrites.invalidateSpaces(session, (String[]) persister.getQuerySpaces());
      return true;
    }

    /**
     * The row's resolution goes through the soft-lock protocol: held from now, released when the transaction
     * completes, so a resolution loaded before that release is refused (the entity protocol of a delete).
     */
    private static void lockNaturalId(SharedSessionContractImplementor session, EntityPersister persister, Object entity) {
      if (!persister.hasNaturalIdCache() || entity == null) {
        return;
      }
      NaturalIdDataAccess access = persister.getNaturalIdCacheAccessStrategy();
      Object values = persister.getNaturalIdMapping().extractNaturalIdFromEntity(entity);
      Object key = access.generateCacheKey(values, persister.getRootEntityDescriptor().getEntityPersister(), session);
      SoftLock lock = access.lockItem(session, key, null);
      StatelessWrites.afterCompletion(session, () -> access.unlockItem(session, key, lock));
    }

    /**
     * A stateless update does not know the natural id the row held before, so the resolution under it cannot be
     * locked: the whole natural-id region is evicted after completion (loads that began before are refused then).
     */
    private static void forgetChangedNaturalIds(SharedSessionContractImplementor session, EntityPersister persister) {
      if (!persister.hasNaturalIdCache() || !persister.getNaturalIdMapping().isMutable()) {
        return;
      }
      NaturalIdDataAccess access = persister.getNaturalIdCacheAccessStrategy();
      StatelessWrites.afterCompletion(session, access::evictAll);
    }

    @Override
    public boolean requiresPostCommitHandling(EntityPersister persister) {
      return false;
    }
  }
}
