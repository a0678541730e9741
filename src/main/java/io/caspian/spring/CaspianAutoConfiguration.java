package io.caspian.spring;

import io.caspian.micrometer.CaspianMeterBinder;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot auto-configuration of Caspian (Boot 4.0 and 3.5): the {@code caspian.*} keys for the JCache provider
 * and statistics on for Spring Cache (both through Boot's JCache hooks, see {@link BootHooks}), {@code
 * memcached://} URIs in {@code spring.cache.jcache.config} ({@link MemcachedProtocolResolver}), and with Micrometer a
 * {@link CaspianMeterBinder} over the JCache {@code CacheManager} beans and the Hibernate region factories.
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
    "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration"})
@ConditionalOnClass(name = {"javax.cache.Caching", "io.caspian.jcache.CaspianCachingProvider"})
@Import(BootHooks.class)
public class CaspianAutoConfiguration {
  /** Lets {@code spring.cache.jcache.config} be a {@code memcached://} URI. */
  @Bean
  static BeanFactoryPostProcessor caspianMemcachedProtocolResolver() {
    return new MemcachedProtocolResolver();
  }

  /** The meters, when Micrometer is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    CaspianMeterBinder caspianMeterBinder(ListableBeanFactory beans) {
      return new CaspianMeterBinder(
          () -> beans.getBeansOfType(javax.cache.CacheManager.class, false, false).values(),
          () -> regionFactories(beans));
    }

    private static List<Object> regionFactories(ListableBeanFactory beans) {
      ClassLoader loader = Metrics.class.getClassLoader();
      if (!ClassUtils.isPresent("jakarta.persistence.EntityManagerFactory", loader)
          || !ClassUtils.isPresent("org.hibernate.engine.spi.SessionFactoryImplementor", loader)) {
        return List.of();
      }
      return new ArrayList<>(HibernateRegionFactories.of(beans));
    }
  }
}
