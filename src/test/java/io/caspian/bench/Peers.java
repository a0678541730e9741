package io.caspian.bench;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The peers' JCache managers, each obtained through its standard JCache provider: Hazelcast's client provider
 * ({@code HazelcastClientCachingProvider}) connected to the member {@link BenchServers} started, and Redisson's
 * ({@code org.redisson.jcache.JCachingProvider}) configured by a YAML file to the redis-server it started. Both
 * with their default serialization and settings.
 */
final class Peers {
  static final String HAZELCAST_PROVIDER = "com.hazelcast.client.cache.HazelcastClientCachingProvider";
  static final String REDISSON_PROVIDER = "org.redisson.jcache.JCachingProvider";

  private Peers() {}

  /** A cache manager and whatever else must be shut down with it. */
  record Manager(CacheManager manager, AutoCloseable also) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try {
        manager.close();
      } finally {
        also.close();
      }
    }
  }

  static Manager hazelcast() {
    ClientConfig config = new ClientConfig().setClusterName(HazelcastMember.CLUSTER);
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().addAddress(BenchServers.address(BenchServers.HAZELCAST));
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(30_000);
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    CacheManager manager = Caching.getCachingProvider(HAZELCAST_PROVIDER)
        .getCacheManager(null, null, HazelcastCachingProvider.propertiesByInstanceItself(client));
    return new Manager(manager, client::shutdown);
  }

  static Manager redisson() {
    try {
      Path yaml = Files.createTempFile("caspian-bench-redisson", ".yaml");
      Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://"
          + BenchServers.address(BenchServers.REDIS) + "\"\n");
      CacheManager manager = Caching.getCachingProvider(REDISSON_PROVIDER)
          .getCacheManager(yaml.toUri(), Peers.class.getClassLoader());
      return new Manager(manager, () -> Files.deleteIfExists(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
