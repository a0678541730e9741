package io.caspian.hibernate;

import io.caspian.hibernate.protocol.VersionOrder;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.collection.CollectionPersister;

/**
 * READ_WRITE collection access: lockItem / unlockItem / putFromLoad / remove, versioned by the owner's version
 * (see {@link CaspianReadWriteAccess}).
 */
final class CaspianCollectionReadWriteAccess extends CaspianReadWriteAccess implements CollectionDataAccess {
  private final CacheKeysFactory keysFactory;
  private final String role;

  CaspianCollectionReadWriteAccess(
      DomainDataRegion region, CacheKeysFactory keysFactory, RegionStore store, VersionOrder order, String role) {
    super(region, store, order);
    this.keysFactory = keysFactory;
    this.role = role;
  }

  @Override
  protected String[] querySpaces(SessionFactoryImplementor factory) {
    return factory.getMappingMetamodel().getCollectionDescriptor(role).getCollectionSpaces();
  }

  @Override
  public Object generateCacheKey(
      Object id, CollectionPersister collectionDescriptor, SessionFactoryImplementor factory, String tenantIdentifier) {
    return keysFactory.createCollectionKey(id, collectionDescriptor, factory, tenantIdentifier);
  }

  @Override
  public Object getCacheKeyId(Object cacheKey) {
    return keysFactory.getCollectionId(cacheKey);
  }
}
