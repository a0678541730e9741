package io.caspian.memcached.connection;

import io.caspian.memcached.MemcachedSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.protocol.binary.BinaryMemcachedNodeImpl;

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
   * The server list is static ({@link ClientMode#Static}): no ElastiCache auto discovery, even for a host whose
   * name contains {@code .cfg.}. With {@link MemcachedSettings#tls()} every connection is TLS, each server's
   * certificate checked against its own host (see {@link Tls}).
   */
  public static MemcachedClient create(MemcachedSettings settings) {
    return create(settings, new ConnectionProblems(settings));
  }

  /** As {@link #create(MemcachedSettings)}, telling {@code problems} of every connection made and lost (internal). */
  public static MemcachedClient create(MemcachedSettings settings, ConnectionProblems problems) {
    ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
        .setClientMode(ClientMode.Static)
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
        .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
        .setFailureMode(FailureMode.Cancel)
        .setOpTimeout(settings.operationTimeout().toMillis())
        .setOpQueueMaxBlockTime(settings.operationTimeout().toMillis())
        .setMaxReconnectDelay(2)
        .setTimeoutExceptionThreshold(64)
        .setDaemon(true)
        .setInitialObservers(List.of(problems));
    Tls tls = problems.tls();
    if (tls != null) {
      // the per-node factories below name each node's own host; this one is never asked
      builder.setSSLContext(tls.context()).setSkipTlsHostnameVerification(true);
    }
    settings.saslUsername().ifPresent(user ->
        builder.setAuthDescriptor(new SaslAuthentication(user, settings.saslPassword())));
    ConnectionFactory factory = tls == null ? builder.build() : namingEachNode(builder.build(), settings.servers());
    try {
      List<InetSocketAddress> servers = named(settings.servers());
      return settings.saslUsername().isPresent()
          ? new AuthenticatingClient(factory, servers)
          : new MemcachedClient(factory, servers);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create memcached client for " + settings.serverList(), e);
    }
  }

  /** The SASL outcome of each server of a client this factory made, or null when it does not use SASL (internal). */
  public static SaslAuthentication sasl(MemcachedClient client) {
    return client instanceof AuthenticatingClient authenticating ? authenticating.sasl() : null;
  }

  /**
   * The client library verifies one host name for all its connections ({@code setHostnameForTlsVerification}), which
   * fits a pool behind one wildcard certificate but not servers with certificates of their own. So each node gets
   * a view of the factory that names the node's own host, as written in the server list; the node asks it only for
   * that, the SSLContext and the failure mode. Certificate and name checks are {@link Tls}'s trust manager's.
   */
  private static ConnectionFactory namingEachNode(ConnectionFactory base, List<InetSocketAddress> servers) {
    // the nodes' addresses are rebuilt from the IP address: find each one's host as configured
    Map<InetSocketAddress, String> hosts = new HashMap<>();
    for (InetSocketAddress server : servers) {
      hosts.put(new InetSocketAddress(server.getAddress(), server.getPort()), server.getHostString());
    }
    return (ConnectionFactory) Proxy.newProxyInstance(ConnectionFactory.class.getClassLoader(),
        new Class<?>[] {ConnectionFactory.class}, (proxy, method, args) -> {
          if (method.getName().equals("createConnection") && args != null && args.length == 1) {
            // as DefaultConnectionFactory.createConnection, with this factory, so that it makes the nodes below
            @SuppressWarnings("unchecked")
            List<InetSocketAddress> addresses = (List<InetSocketAddress>) args[0];
            return new MemcachedConnection(base.getReadBufSize(), (ConnectionFactory) proxy, addresses,
                base.getInitialObservers(), base.getFailureMode(), base.getOperationFactory());
          }
          if (method.getName().equals("createMemcachedNode") && args != null && args.length == 3) {
            InetSocketAddress address = (InetSocketAddress) args[0];
            String host = hosts.getOrDefault(new InetSocketAddress(address.getAddress(), address.getPort()),
                address.getHostString());
            ConnectionFactory named = naming(base, host);
            // as DefaultConnectionFactory.createMemcachedNode does for the binary protocol, with the named view
            MemcachedNode node = new BinaryMemcachedNodeImpl(address, (SocketChannel) args[1], (Integer) args[2],
                base.createReadOperationQueue(), base.createWriteOperationQueue(), base.createOperationQueue(),
                base.getOpQueueMaxBlockTime(), base.getAuthDescriptor() != null, base.getOperationTimeout(),
                base.getAuthWaitTime(), named);
            return node;
          }
          return delegate(base, method, args);
        });
  }

  /**
   * Copies of the addresses whose host name is the one configured, for the client: it asks each address for its
   * host name, which for an address written as an IP would be a reverse DNS lookup, cached in the shared
   * {@link java.net.InetAddress} (and from then on returned as its host string, e.g. "localhost" for 127.0.0.1).
   */
  private static List<InetSocketAddress> named(List<InetSocketAddress> servers) {
    List<InetSocketAddress> copies = new java.util.ArrayList<>();
    for (InetSocketAddress server : servers) {
      if (server.isUnresolved()) {
        copies.add(server);
        continue;
      }
      try {
        copies.add(new InetSocketAddress(java.net.InetAddress.getByAddress(server.getHostString(),
            server.getAddress().getAddress()), server.getPort()));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e); // only for an address of illegal length
      }
    }
    return copies;
  }

  private static ConnectionFactory naming(ConnectionFactory base, String host) {
    return (ConnectionFactory) Proxy.newProxyInstance(ConnectionFactory.class.getClassLoader(),
        new Class<?>[] {ConnectionFactory.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getHostnameForTlsVerification" -> host;
          case "skipTlsHostnameVerification" -> false;
          default -> delegate(base, method, args);
        });
  }

  private static Object delegate(ConnectionFactory base, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(base, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
