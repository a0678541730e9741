package io.caspian.hibernate;

import java.util.List;
import org.hibernate.boot.registry.selector.SimpleStrategyRegistrationImpl;
import org.hibernate.boot.registry.selector.StrategyRegistration;
import org.hibernate.boot.registry.selector.StrategyRegistrationProvider;
import org.hibernate.cache.spi.RegionFactory;

/** Lets users write {@code hibernate.cache.region.factory_class=caspian}. Registered in META-INF/services. */
public final class CaspianStrategyRegistrationProvider implements StrategyRegistrationProvider {
  @Override
  public Iterable<StrategyRegistration<?>> getStrategyRegistrations() {
    return List.of(new SimpleStrategyRegistrationImpl<>(
        RegionFactory.class,
        CaspianRegionFactory.class,
        CaspianRegionFactory.SHORT_NAME,
        CaspianRegionFactory.class.getName(),
        CaspianRegionFactory.class.getSimpleName()));
  }
}
