package io.caspian.hibernate;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.SessionFactory;
import org.hibernate.SessionFactoryObserver;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;

/**
 * Tells the region factory once a SessionFactory using Caspian is built (a schema recreated at start evicts the
 * regions then), and with the query cache on gives each table it maps an update-timestamps state if memcached
 * holds none. A missing state reads as "written just now" (a lost state must never read as "never written"), which
 * would otherwise make the query results of the first transactions over a never-written table stale.
 */
public final class TableStatesIntegrator implements Integrator {
  @Override
  public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
    if (!(sessionFactory.getServiceRegistry().getService(RegionFactory.class) instanceof CaspianRegionFactory caspian)) {
      return;
    }
    boolean queryCache = sessionFactory.getSessionFactoryOptions().isQueryCacheEnabled();
    sessionFactory.addObserver(new SessionFactoryObserver() {
      @Override
      public void sessionFactoryCreated(SessionFactory factory) {
        if (!queryCache) {
          caspian.sessionFactoryCreated(List.of());
          return;
        }
        var metamodel = ((SessionFactoryImplementor) factory).getMappingMetamodel();
        Set<String> tables = new LinkedHashSet<>();
        metamodel.forEachEntityDescriptor(entity -> tables.addAll(List.of((String[]) entity.getQuerySpaces())));
        metamodel.forEachCollectionDescriptor(collection ->
            tables.addAll(List.of((String[]) collection.getCollectionSpaces())));
        caspian.sessionFactoryCreated(tables);
      }
    });
  }

  @Override
  public void disintegrate(SessionFactoryImplementor sessionFactory,
      org.hibernate.service.spi.SessionFactoryServiceRegistry serviceRegistry) {
  }
}
