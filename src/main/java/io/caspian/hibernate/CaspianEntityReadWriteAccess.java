package io.caspian.hibernate;

import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.ReadWriteTransitions;
import io.caspian.hibernate.protocol.Step;
import io.caspian.hibernate.protocol.VersionOrder;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/** READ_WRITE entity access, atomic across JVMs (see {@link CaspianReadWriteAccess}). */
final class CaspianEntityReadWriteAccess extends CaspianReadWriteAccess implements EntityDataAccess {
  private final CacheKeysFactory keysFactory;
  private final String entityName;

  CaspianEntityReadWriteAccess(DomainDataRegion region, CacheKeysFactory keysFactory, RegionStore store,
      VersionOrder order, String entityName) {
    super(region, store, order);
    this.keysFactory = keysFactory;
    this.entityName = entityName;
  }

  @Override
  protected String[] querySpaces(SessionFactoryImplementor factory) {
    return (String[]) factory.getMappingMetamodel().getEntityDescriptor(entityName).getQuerySpaces();
  }

  @Override
  public Object generateCacheKey(
      Object id, EntityPersister rootEntityDescriptor, SessionFactoryImplementor factory, String tenantIdentifier) {
    return keysFactory.createEntityKey(id, rootEntityDescriptor, factory, tenantIdentifier);
  }

  @Override
  public Object getCacheKeyId(Object cacheKey) {
    return keysFactory.getEntityId(cacheKey);
  }

  @Override
  public boolean insert(SharedSessionContractImplementor session, Object key, Object value, Object version) {
    return false; // the row is not committed yet: cache it in afterInsert
  }

  @Override
  public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value, Object version) {
    return release(key, null, startedAt(session), false,
        stamp -> stepOnState(old -> ReadWriteTransitions.afterInsert(old, MappedValue.wrap(key, value), version, stamp)),
        null);
  }

  @Override
  public boolean update(
      SharedSessionContractImplementor session, Object key, Object value, Object currentVersion, Object previousVersion) {
    return false; // the soft lock taken by lockItem stays until afterUpdate
  }

  @Override
  public boolean afterUpdate(
      SharedSessionContractImplementor session,
      Object key,
      Object value,
      Object currentVersion,
      Object previousVersion,
      SoftLock lock) {
    handedBack(session, lock);
    return release(key, (LockId) lock, startedAt(session), true,
        stamp -> stepOnState(old -> ReadWriteTransitions.afterUpdate(
            old, (LockId) lock, MappedValue.wrap(key, value), currentVersion, stamp)),
        stamp -> stepOnState(old -> new Step(ReadWriteTransitions.unlock(old, (LockId) lock, stamp), false)));
  }
}
