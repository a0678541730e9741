package io.caspian.memcached;

import java.io.IOException;
import java.io.UncheckedIOException;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;

/** Builds the spymemcached client the way Caspian needs it. */
public final class MemcachedClientFactory {
  static {
    // spymemcached logs every reconnect attempt to stderr by default; route it to java.util.logging instead, through
    // a logger that checks the level before doing any work (see SpyLogger)
    if (System.getProperty("net.spy.log.LoggerImpl") == null) {
      System.setProperty("net.spy.log.LoggerImpl", SpyLogger.class.getName());
    }
  }

  private MemcachedClientFactory() {}

  /**
   * Creates a client: binary protocol (needed for SASL and for CAS on delete), Ketama consistent hashing so that a
   * change of the pool moves few keys, and {@link FailureMode#Cancel}: operations on a dead node fail at once
   * instead of moving its keys to another node, whose copies would turn stale when the node comes back.
   * The constructor does not wait for the servers: a pool that is down yields a client whose operations fail.
   */
  public static MemcachedClient create(MemcachedSettings settings) {
    ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
        .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
        .setFailureMode(FailureMode.Cancel)
        .setOpTimeout(settings.operationTimeout().toMillis())
        .setOpQueueMaxBlockTime(settings.operationTimeout().toMillis())
        .setMaxReconnectDelay(2)
        .setTimeoutExceptionThreshold(64)
        .setDaemon(true);
    settings.saslUsername().ifPresent(user ->
        builder.setAuthDescriptor(new SaslAuthentication(user, settings.saslPassword())));
    ConnectionFactory factory = builder.build();
    try {
      return settings.saslUsername().isPresent()
          ? new AuthenticatingClient(factory, settings.servers())
          : new MemcachedClient(factory, settings.servers());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create memcached client for " + settings.serverList(), e);
    }
  }
}
