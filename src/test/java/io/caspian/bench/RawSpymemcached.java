package io.caspian.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;

/** The baseline client of the benchmarks: plain spymemcached configured as Caspian configures its own. */
final class RawSpymemcached {
  private RawSpymemcached() {}

  static MemcachedClient connect(int port) throws IOException {
    return new MemcachedClient(new ConnectionFactoryBuilder()
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
        .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
        .setFailureMode(FailureMode.Cancel)
        .setDaemon(true).build(), List.of(new InetSocketAddress("127.0.0.1", port)));
  }
}
