package io.caspian.spring;

import io.caspian.jcache.CaspianCacheManager;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Properties;
import java.util.function.Consumer;
import javax.cache.CacheManager;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers Caspian's implementations of Spring Boot's JCache hooks, {@code JCachePropertiesCustomizer} and
 * {@code JCacheManagerCustomizer}, under whichever package the running Boot has them: {@code
 * org.springframework.boot.cache.autoconfigure} (4.0) or {@code org.springframework.boot.autoconfigure.cache} (3.5).
 * Both are one-method interfaces, implemented here by a proxy, so one jar serves both Boot generations.
 */
final class BootHooks implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {
  static final String[] PACKAGES = {"org.springframework.boot.cache.autoconfigure.",
      "org.springframework.boot.autoconfigure.cache."};

  private Environment environment;
  private ResourceLoader resources;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resources = resourceLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    ClassLoader loader = resources.getClassLoader();
    Environment env = environment;
    ResourceLoader res = resources;
    register(registry, loader, "JCachePropertiesCustomizer", "caspianJCachePropertiesCustomizer",
        (Properties properties) -> {
          if (CaspianEnvironment.caspianIsTheProvider(env)) {
            properties.putAll(CaspianEnvironment.cacheManagerProperties(env, res));
          }
        });
    register(registry, loader, "JCacheManagerCustomizer", "caspianJCacheStatisticsCustomizer",
        (CacheManager manager) -> enableStatistics(manager));
    Class<?> hibernateCustomizer = find(loader, HIBERNATE_PROPERTIES_CUSTOMIZERS);
    if (hibernateCustomizer != null && !registry.containsBeanDefinition("caspianHibernateNamespaceCustomizer")) {
      RootBeanDefinition definition = new RootBeanDefinition(hibernateCustomizer);
      definition.setInstanceSupplier(() -> proxy(hibernateCustomizer, loader,
          (java.util.Map<String, Object> properties) -> defaultHibernateNamespace(env, properties)));
      registry.registerBeanDefinition("caspianHibernateNamespaceCustomizer", definition);
    }
    if (ClassUtils.isPresent("io.micrometer.core.instrument.binder.cache.CacheMeterBinder", loader)) {
      Class<?> provider = find(loader, METER_BINDER_PROVIDERS);
      if (provider != null && !registry.containsBeanDefinition("caspianCacheMeterBinderProvider")) {
        RootBeanDefinition definition = new RootBeanDefinition(provider);
        definition.setInstanceSupplier(() -> Proxy.newProxyInstance(loader, new Class<?>[] {provider},
            new SpringCacheMeters(provider)));
        // before Boot's JCache binder, which reads through JMX and fails on a URI naming several servers
        definition.setAttribute("order", org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
        registry.registerBeanDefinition("caspianCacheMeterBinderProvider", definition);
      }
    }
  }

  /** Where Boot keeps {@code HibernatePropertiesCustomizer}: 4.0, then 3.5. */
  static final String[] HIBERNATE_PROPERTIES_CUSTOMIZERS = {
      "org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer",
      "org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer"};

  /**
   * With Caspian as the region factory and no namespace configured, the application's name is the regions'
   * namespace: Boot's persistence unit is always called {@code default}, which names nothing.
   */
  static void defaultHibernateNamespace(Environment environment, java.util.Map<String, Object> properties) {
    Object factory = properties.get("hibernate.cache.region.factory_class");
    boolean caspian = factory != null && (factory.toString().trim().equals("caspian")
        || factory.toString().trim().equals("io.caspian.hibernate.CaspianRegionFactory")
        || factory instanceof Class<?> type && type.getName().equals("io.caspian.hibernate.CaspianRegionFactory"));
    String name = environment.getProperty("spring.application.name");
    if (caspian && name != null && !name.isBlank()
        && !properties.containsKey("hibernate.cache.caspian.namespace")) {
      properties.put("hibernate.cache.caspian.namespace", CaspianEnvironment.namespaceOf(name));
    }
  }

  /** Where Boot keeps {@code CacheMeterBinderProvider}: 4.0, then 3.5. */
  static final String[] METER_BINDER_PROVIDERS = {"org.springframework.boot.cache.metrics.CacheMeterBinderProvider",
      "org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider"};

  static Class<?> find(ClassLoader loader, String[] names) {
    for (String name : names) {
      if (ClassUtils.isPresent(name, loader)) {
        return ClassUtils.resolveClassName(name, loader);
      }
    }
    return null;
  }

  /** Statistics on for every cache of a Caspian manager: JSR-107 has them off by default, and so has Spring Boot. */
  static void enableStatistics(CacheManager manager) {
    if (manager instanceof CaspianCacheManager) {
      for (String name : manager.getCacheNames()) {
        manager.enableStatistics(name, true);
      }
    }
  }

  private static <T> void register(BeanDefinitionRegistry registry, ClassLoader loader, String simpleName,
      String beanName, Consumer<T> action) {
    Class<?> hook = find(loader, simpleName);
    if (hook == null || registry.containsBeanDefinition(beanName)) {
      return;
    }
    RootBeanDefinition definition = new RootBeanDefinition(hook);
    definition.setInstanceSupplier(() -> proxy(hook, loader, action));
    registry.registerBeanDefinition(beanName, definition);
  }

  /** The Boot class of this simple name in the first package of {@link #PACKAGES} that has it, or null. */
  static Class<?> find(ClassLoader loader, String simpleName) {
    for (String pkg : PACKAGES) {
      if (ClassUtils.isPresent(pkg + simpleName, loader)) {
        return ClassUtils.resolveClassName(pkg + simpleName, loader);
      }
    }
    return null;
  }

  /** An implementation of the one-method interface {@code hook} that hands its one argument to {@code action}. */
  @SuppressWarnings("unchecked")
  static <T> Object proxy(Class<?> hook, ClassLoader loader, Consumer<T> action) {
    String description = "Caspian " + hook.getSimpleName();
    InvocationHandler handler = (Object self, Method method, Object[] args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> self == args[0];
          case "hashCode" -> System.identityHashCode(self);
          default -> description;
        };
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(self, method, args);
      }
      action.accept((T) args[0]);
      return null;
    };
    return Proxy.newProxyInstance(loader, new Class<?>[] {hook}, handler);
  }
}
