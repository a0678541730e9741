package io.caspian.memcached.connection;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;

/**
 * Tells when a memcached server may have lost what it held (a restart, a {@code flush_all}): on every reconnection
 * the client reports, and, since a client does not always notice a quick restart, through one small canary item per
 * server that this client wrote and checks twice a second; a missing canary means the server forgot.
 *
 * <p>Canary keys are unique to this client, so several JVMs never confuse each other's canaries; each is placed on
 * its server by the client's own node locator.
 *
 * <p>Internal; not an API: public only for {@link io.caspian.memcached.Memcached}.
 */
public final class RestartWatch implements AutoCloseable {
  private static final long PERIOD_MILLIS = 500;

  private final MemcachedClient client;
  private final long timeoutMillis;
  private final List<Consumer<SocketAddress>> listeners = new CopyOnWriteArrayList<>();
  private final Map<SocketAddress, String> canaries = new LinkedHashMap<>();
  private final ScheduledExecutorService checker;

  public RestartWatch(MemcachedClient client, List<? extends SocketAddress> servers, long timeoutMillis) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
    String prefix = "caspian:canary:" + UUID.randomUUID() + ":";
    for (int i = 0; canaries.size() < servers.size() && i < 100_000; i++) {
      String key = prefix + i;
      MemcachedNode node = client.getNodeLocator().getPrimary(key);
      canaries.putIfAbsent(node.getSocketAddress(), key);
    }
    canaries.forEach((server, key) -> plant(key));
    client.addObserver(new ConnectionObserver() {
      @Override
      public void connectionEstablished(SocketAddress server, int reconnectCount) {
        if (reconnectCount > 0) {
          restarted(server);
        }
      }

      @Override
      public void connectionLost(SocketAddress server) {
        // its keys fail fast (FailureMode.Cancel) until it is back
      }
    });
    checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "caspian-restart-watch");
      thread.setDaemon(true);
      return thread;
    });
    checker.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  public void addListener(Consumer<SocketAddress> listener) {
    listeners.add(listener);
  }

  private void check() {
    canaries.forEach((server, key) -> {
      Object found;
      try {
        Future<Object> get = client.asyncGet(key);
        found = get.get(timeoutMillis, TimeUnit.MILLISECONDS);
      } catch (Exception unreachable) {
        return; // down or slow: nothing can be read from it either; judge when it answers again
      }
      if (found == null) {
        restarted(server);
        plant(key);
      }
    });
  }

  private void restarted(SocketAddress server) {
    for (Consumer<SocketAddress> listener : listeners) {
      listener.accept(server);
    }
  }

  private void plant(String key) {
    try {
      client.set(key, 0, "1");
    } catch (RuntimeException e) {
      // the next check finds it missing and plants it again
    }
  }

  /** Stops checking and removes this client's canaries (best effort: they are tiny and LRU takes them anyway). */
  @Override
  public void close() {
    checker.shutdownNow();
    for (String key : canaries.values()) {
      try {
        client.delete(key);
      } catch (RuntimeException e) {
        // the server is away: the canary goes with its memory or its LRU
      }
    }
  }
}
