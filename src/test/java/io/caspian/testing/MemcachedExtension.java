package io.caspian.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A pool of real memcached processes for a test class: started before all tests, restarted if a test killed or
 * paused one, and always stopped afterwards.
 *
 * <pre>{@code @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);}</pre>
 *
 * <p>{@link #sasl} is one server that requires SASL ({@link MemcachedProcess#startSasl}), started before the first
 * test that runs: each test checks first that the SASL tools are installed, so that without them every test is
 * reported as skipped, with the reason.
 */
public final class MemcachedExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final int size;
  private final int memoryMb;
  /** The user and password of a {@link #sasl} server, or null. */
  private final String[] saslUser;
  private final List<MemcachedProcess> servers = new ArrayList<>();

  private MemcachedExtension(int size, int memoryMb, String[] saslUser) {
    this.size = size;
    this.memoryMb = memoryMb;
    this.saslUser = saslUser;
  }

  public static MemcachedExtension pool(int size) {
    return new MemcachedExtension(size, 64, null);
  }

  public static MemcachedExtension pool(int size, int memoryMb) {
    return new MemcachedExtension(size, memoryMb, null);
  }

  /** One server that requires SASL PLAIN and knows {@code user} with {@code password} (see {@link #server()}). */
  public static MemcachedExtension sasl(String user, String password) {
    return new MemcachedExtension(1, 64, new String[] {user, password});
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (saslUser != null) {
      return; // per test, see beforeEach
    }
    for (int i = 0; i < size; i++) {
      servers.add(MemcachedProcess.start(memoryMb, List.of()));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (saslUser != null) {
      MemcachedProcess.assumeSaslAvailable();
      if (servers.isEmpty()) {
        servers.add(MemcachedProcess.startSasl(saslUser[0], saslUser[1]));
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (MemcachedProcess server : servers) {
      if (!server.isAlive()) {
        server.restart();
      } else {
        server.resume();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    servers.forEach(MemcachedProcess::close);
    servers.clear();
  }

  public MemcachedProcess server(int index) {
    return servers.get(index);
  }

  /** The first (for {@link #sasl}, the only) server. */
  public MemcachedProcess server() {
    return servers.get(0);
  }

  public List<MemcachedProcess> servers() {
    return List.copyOf(servers);
  }

  /** The pool as a Caspian server list, {@code 127.0.0.1:p1,127.0.0.1:p2}. */
  public String addresses() {
    return servers.stream().map(MemcachedProcess::address).collect(Collectors.joining(","));
  }
}
