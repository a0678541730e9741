package io.caspian.cluster;

import java.util.concurrent.ThreadLocalRandom;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.MemcachedClient;

/**
 * Another application sharing the memcached pool: it writes values of the same sizes as Caspian's entries as fast
 * as it can, so that a small memcached evicts Caspian's entries, soft locks, tombstones and clock by LRU.
 */
final class NoisyNeighbour implements AutoCloseable {
  private final MemcachedClient client;
  private final Thread writer;
  private volatile boolean running = true;

  NoisyNeighbour(String servers) throws java.io.IOException {
    client = new MemcachedClient(AddrUtil.getAddresses(servers.replace(',', ' ')));
    writer = new Thread(this::write, "noisy-neighbour");
    writer.setDaemon(true);
    writer.start();
  }

  private void write() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long n = 0;
    while (running) {
      for (int i = 0; i < 200; i++) {
        client.set("noise:" + n++, 0, new byte[64 + random.nextInt(3000)]);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    writer.join(5000);
    client.shutdown();
  }
}
