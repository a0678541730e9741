package io.caspian.hibernate;

import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.ReadWriteTransitions;
import io.caspian.hibernate.protocol.Step;
import io.caspian.hibernate.protocol.VersionOrder;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/** READ_WRITE natural-id access: the entity protocol with no version (see {@link CaspianReadWriteAccess}). */
final class CaspianNaturalIdReadWriteAccess extends CaspianReadWriteAccess implements NaturalIdDataAccess {
  private final CacheKeysFactory keysFactory;
  private final String entityName;

  CaspianNaturalIdReadWriteAccess(
      DomainDataRegion region, CacheKeysFactory keysFactory, RegionStore store, String entityName) {
    super(region, store, VersionOrder.NONE);
    this.keysFactory = keysFactory;
    this.entityName = entityName;
  }

  @Override
  protected String[] querySpaces(SessionFactoryImplementor factory) {
    return (String[]) factory.getMappingMetamodel().getEntityDescriptor(entityName).getQuerySpaces();
  }

  @Override
  public Object generateCacheKey(
      Object naturalIdValues, EntityPersister rootEntityDescriptor, SharedSessionContractImplementor session) {
    return keysFactory.createNaturalIdKey(naturalIdValues, rootEntityDescriptor, session);
  }

  @Override
  public Object getNaturalIdValues(Object cacheKey) {
    return keysFactory.getNaturalIdValues(cacheKey);
  }

  @Override
  public boolean insert(SharedSessionContractImplementor session, Object key, Object value) {
    return false;
  }

  @Override
  public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value) {
    return release(key, null, startedAt(session), false,
        stamp -> stepOnState(old -> ReadWriteTransitions.afterInsert(old, MappedValue.wrap(key, value), null, stamp)),
        null);
  }

  @Override
  public boolean update(SharedSessionContractImplementor session, Object key, Object value) {
    return false;
  }

  @Override
  public boolean afterUpdate(SharedSessionContractImplementor session, Object key, Object value, SoftLock lock) {
    handedBack(session, lock);
    return release(key, (LockId) lock, startedAt(session), true,
        stamp -> stepOnState(old -> ReadWriteTransitions.afterUpdate(
            old, (LockId) lock, MappedValue.wrap(key, value), null, stamp)),
        stamp -> stepOnState(old -> new Step(ReadWriteTransitions.unlock(old, (LockId) lock, stamp), false)));
  }
}
