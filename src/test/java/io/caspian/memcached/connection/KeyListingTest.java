package io.caspian.memcached.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.testing.MemcachedExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyListingTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  @Test
  void listsEveryKeyJustWrittenUnderThePrefixAndNoOther() {
    try (Memcached client = new Memcached(MemcachedSettings.builder().servers(memcached.addresses()).build())) {
      for (int round = 0; round < 20; round++) {
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 10; i++) {
          String key = "ns:c" + round + ":s:k" + i;
          client.set(key, 0, new byte[] {1, 2});
          written.add(key);
          client.set("ns:other" + round + ":s:k" + i, 0, new byte[] {1});
        }
        List<String> listed = client.keys("ns:c" + round + ":");
        assertEquals(written, new HashSet<>(listed), "round " + round);
      }
    }
  }
}
