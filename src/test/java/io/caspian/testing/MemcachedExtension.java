package io.caspian.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A pool of real memcached processes for a test class: started before all tests, restarted if a test killed or
 * paused one, and always stopped afterwards.
 *
 * <pre>{@code @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);}</pre>
 */
public final class MemcachedExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final int size;
  private final int memoryMb;
  private final List<MemcachedProcess> servers = new ArrayList<>();

  private MemcachedExtension(int size, int memoryMb) {
    this.size = size;
    this.memoryMb = memoryMb;
  }

  public static MemcachedExtension pool(int size) {
    return new MemcachedExtension(size, 64);
  }

  public static MemcachedExtension pool(int size, int memoryMb) {
    return new MemcachedExtension(size, memoryMb);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    for (int i = 0; i < size; i++) {
      servers.add(MemcachedProcess.start(memoryMb, List.of()));
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

  public List<MemcachedProcess> servers() {
    return List.copyOf(servers);
  }

  /** The pool as a Caspian server list, {@code 127.0.0.1:p1,127.0.0.1:p2}. */
  public String addresses() {
    return servers.stream().map(MemcachedProcess::address).collect(Collectors.joining(","));
  }
}
