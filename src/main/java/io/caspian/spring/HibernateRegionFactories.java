package io.caspian.spring;

import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.springframework.beans.factory.ListableBeanFactory;

/** The Hibernate region factories of the context's EntityManagerFactory beans; loaded only when Hibernate is present. */
final class HibernateRegionFactories {
  private HibernateRegionFactories() {}

  static List<Object> of(ListableBeanFactory beans) {
    List<Object> factories = new ArrayList<>();
    for (EntityManagerFactory emf : beans.getBeansOfType(EntityManagerFactory.class, false, false).values()) {
      try {
        factories.add(emf.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory());
      } catch (RuntimeException notHibernate) {
        // another JPA provider: no Caspian regions
      }
    }
    return factories;
  }
}
