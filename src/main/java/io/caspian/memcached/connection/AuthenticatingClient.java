package io.caspian.memcached.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;

/**
 * A client whose connections authenticate through {@link SaslAuthentication} rather than spymemcached's
 * {@code AuthThread}. The authentication state lives in the connection factory's {@code AuthDescriptor}, since the
 * client may be told of a connection before its constructor returns (the superclass registers it as observer then).
 */
final class AuthenticatingClient extends MemcachedClient {
  AuthenticatingClient(ConnectionFactory factory, List<InetSocketAddress> servers) throws IOException {
    super(factory, servers);
  }

  SaslAuthentication sasl() {
    return (SaslAuthentication) authDescriptor;
  }

  @Override
  public void connectionEstablished(SocketAddress server, int reconnectCount) {
    for (MemcachedNode node : mconn.getLocator().getAll()) {
      if (node.getSocketAddress().equals(server)) {
        sasl().connected(mconn, opFact, node);
      }
    }
  }
}
