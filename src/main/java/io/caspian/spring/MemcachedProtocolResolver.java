package io.caspian.spring;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ProtocolResolver;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Makes {@code memcached://host:port/namespace} a resource location of the application context, so that Spring
 * Boot, which binds {@code spring.cache.jcache.config} as a {@link Resource} and insists that it exists, hands the
 * URI itself to Caspian's provider instead of stopping at startup.
 */
final class MemcachedProtocolResolver implements BeanFactoryPostProcessor, ResourceLoaderAware, ProtocolResolver {
  private ResourceLoader resourceLoader;

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    if (resourceLoader instanceof DefaultResourceLoader loader && !loader.getProtocolResolvers().contains(this)) {
      loader.addProtocolResolver(this);
    }
  }

  @Override
  public Resource resolve(String location, ResourceLoader loader) {
    return CaspianEnvironment.isMemcachedUri(location) ? new MemcachedUriResource(URI.create(location.trim())) : null;
  }

  /** A cache manager URI as a resource: it exists, has a URI and no content. */
  static final class MemcachedUriResource extends AbstractResource {
    private final URI uri;

    MemcachedUriResource(URI uri) {
      this.uri = uri;
    }

    @Override
    public boolean exists() {
      return true;
    }

    @Override
    public boolean isReadable() {
      return false;
    }

    @Override
    public URI getURI() {
      return uri;
    }

    @Override
    public String getDescription() {
      return "Caspian cache manager URI " + uri;
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof MemcachedUriResource r && r.uri.equals(uri);
    }

    @Override
    public int hashCode() {
      return uri.hashCode();
    }
  }
}
