package io.caspian.hibernate;

import io.caspian.hibernate.protocol.VersionOrder;
import org.hibernate.cache.CacheException;
import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.cfg.spi.NaturalIdDataCachingConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.support.DomainDataRegionImpl;

/**
 * An entity/collection/natural-id region: Hibernate's stock READ_ONLY and NONSTRICT_READ_WRITE access over a
 * {@link RegionStore}, Caspian's own atomic READ_WRITE access, and no TRANSACTIONAL.
 *
 * <p>Note: the superclass constructor builds the access objects before this class's fields would be assigned, so
 * everything is reached through the superclass ({@link #getCacheStorageAccess()}, {@link #getEffectiveKeysFactory()}).
 */
public class CaspianDomainDataRegion extends DomainDataRegionImpl {

  public CaspianDomainDataRegion(
      DomainDataRegionConfig regionConfig,
      CaspianRegionFactory regionFactory,
      RegionStore store,
      CacheKeysFactory defaultKeysFactory,
      DomainDataRegionBuildingContext buildingContext) {
    super(regionConfig, regionFactory, store, defaultKeysFactory, buildingContext);
  }

  private RegionStore store() {
    return (RegionStore) getCacheStorageAccess();
  }

  @Override
  protected EntityDataAccess generateReadWriteEntityAccess(EntityDataCachingConfig config) {
    var comparator = config.getVersionComparatorAccess() == null ? null : config.getVersionComparatorAccess().get();
    return new CaspianEntityReadWriteAccess(this, getEffectiveKeysFactory(), store(), VersionOrder.of(comparator),
        config.getNavigableRole().getFullPath());
  }

  @Override
  protected NaturalIdDataAccess generateReadWriteNaturalIdAccess(NaturalIdDataCachingConfig config) {
    return new CaspianNaturalIdReadWriteAccess(
        this, getEffectiveKeysFactory(), store(), config.getNavigableRole().getFullPath());
  }

  @Override
  public CollectionDataAccess generateCollectionAccess(CollectionDataCachingConfig config) {
    if (config.getAccessType() == AccessType.READ_WRITE) {
      return new CaspianCollectionReadWriteAccess(
          this, getEffectiveKeysFactory(), store(), VersionOrder.of(config.getOwnerVersionComparator()),
          config.getNavigableRole().getFullPath());
    }
    return super.generateCollectionAccess(config);
  }

  @Override
  protected EntityDataAccess generateTransactionalEntityDataAccess(EntityDataCachingConfig config) {
    throw transactionalUnsupported(config.getNavigableRole().getFullPath());
  }

  @Override
  protected NaturalIdDataAccess generateTransactionalNaturalIdDataAccess(NaturalIdDataCachingConfig config) {
    throw transactionalUnsupported(config.getNavigableRole().getFullPath());
  }

  @Override
  protected CollectionDataAccess generateTransactionalCollectionDataAccess(CollectionDataCachingConfig config) {
    throw transactionalUnsupported(config.getNavigableRole().getFullPath());
  }

  private CacheException transactionalUnsupported(String role) {
    return new CacheException("Caspian does not support TRANSACTIONAL cache access (" + role + " in region '"
        + getName() + "'): memcached has no XA transactions. Use READ_WRITE, which Caspian makes atomic across JVMs.");
  }
}
