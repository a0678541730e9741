package io.caspian.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCache;
import io.caspian.jcache.CaspianCacheStatisticsMXBean;
import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.memcached.KeyEncoder;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.codec.ValueCodec;
import io.caspian.testing.LogCapture;
import io.caspian.testing.MemcachedExtension;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.zip.DeflaterOutputStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack table of issue 10, re-run: a second client writes crafted bytes under a real Caspian key, and the
 * victim, reading through {@code Cache.get}, must see a counted miss, at a bounded cost, with nothing instantiated
 * and nothing forged in its log. Allocation is measured per thread ({@code ThreadMXBean}), not timed: it is exact
 * on any machine. Each crafted item is what the old decoder fell for (see the comments), so each test fails on it.
 */
class AttackTableTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  static final AtomicInteger GADGETS = new AtomicInteger();

  /** Counts every instance deserialization brings to life. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      GADGETS.incrementAndGet();
    }
  }

  @RegisterExtension final LogCapture log = LogCapture.of(Level.ALL, "io.caspian");
  private final List<AutoCloseable> closing = new ArrayList<>();
  private String namespace;

  @BeforeEach
  void setUp() {
    namespace = "attack" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  // --- rows of the table ---------------------------------------------------------------------------------------

  @Test
  void nestedHashSetsAreRejectedAtTheDepthLimitInsteadOfPinningTheReader() {
    // depth 40: the old filter (maxdepth 64) admitted it, and hashing it would take about 2^12 times 11.9 s
    plantJava("k", serialize(serialDos(40)));
    Read read = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> read("k"));
    assertNull(read.value);
    assertEquals(1, read.stats.getRejectedValues());
    assertLogged("nesting deeper than 16");
  }

  @Test
  void arrayLengthsThatTheStreamCannotBackAreRejectedBeforeAllocation() {
    byte[] stream = nestedHugeArrayHeaders(40, 10_000_000);
    assertTrue(stream.length < 700, "a " + stream.length + "-byte item");
    plantJava("k", stream);
    Read read = read("k");
    assertNull(read.value);
    assertEquals(1, read.stats.getRejectedValues(), "rejected by the budget, not undecodable after allocating");
    // each header claims 40 MB (10M references); the old decoder allocated them one after another
    assertTrue(read.allocatedBytes < 16L << 20, "allocated " + read.allocatedBytes + " bytes");
    assertLogged("arrays of");
  }

  @Test
  void aDeflatedItemCannotInflateIntoAHugeValue() {
    byte[] deflated = deflate(serialize(new long[10_000_000])); // 80 MB of zeros
    assertTrue(deflated.length < 100_000, "a " + deflated.length + "-byte item");
    byte[] value = new byte[deflated.length + 1];
    value[0] = 2; // Java serialization, deflated
    System.arraycopy(deflated, 0, value, 1, deflated.length);
    plant("k", value);
    Read read = read("k");
    assertNull(read.value, "the old decoder returned the 80 MB array");
    assertEquals(1, read.stats.getUndecodableValues());
    assertTrue(read.allocatedBytes < 48L << 20, "allocated " + read.allocatedBytes + " bytes");
  }

  @Test
  void aUrlKeyedMapIsRejectedBeforeAnyUrlIsBuiltOrHashed() throws Exception {
    HashMap<java.net.URL, String> map = new HashMap<>();
    // an IP literal, so that building the item here resolves nothing; a host name would be resolved by the reader
    // when HashMap.readObject hashes the key, which is what the allow-list must prevent
    map.put(new URI("http://192.0.2.1/").toURL(), "x");
    plantJava("k", serialize(map));
    Read read = read("k");
    assertNull(read.value);
    assertEquals(1, read.stats.getRejectedValues());
    assertLogged("class java.net.URL is not in caspian.serialization.allow");
  }

  @Test
  void aSignedEntryCopiedToAnotherKeyIsATamperedMiss() {
    Properties signed = new Properties();
    signed.setProperty("caspian.security.key", "0123456789abcdef-attack-table");
    Cache<Object, Object> cache = victim(signed);
    cache.put("alice", "alice's row");
    cache.put("mallory", "mallory's row");
    Memcached attacker = attacker();
    attacker.set(memcachedKey("mallory"), 0, attacker.get(memcachedKey("alice")));
    Read read = read(cache, "mallory");
    assertNull(read.value, "a copy of alice's entry must not be served as mallory's");
    assertEquals(1, read.stats.getTamperedValues());
    assertEquals("alice's row", cache.get("alice"), "the original still verifies");

    // and an entry the attacker forges in full, unsigned: tampered too
    attacker.set(memcachedKey("mallory"), 0, entry("mallory", new ValueCodec("", 0, 1_000_000).encode("forged")));
    assertNull(cache.get("mallory"));
    assertEquals(2, cache.unwrap(CaspianCache.class).statistics().getTamperedValues());
    assertFalse(loggedText().contains("mallory"), "keys appear in the log only as hashes");
  }

  @Test
  void aNameSpelledLikeAnotherNamesHashedFormSharesNothingWithIt() {
    String longName = "n".repeat(100); // too long to stay readable: hashed, as "~..."
    String hashedForm = new KeyEncoder(longName).cachePrefix("c").split(":")[0];
    assertTrue(hashedForm.startsWith("~"), hashedForm);
    Cache<Object, Object> owner = cacheIn(longName, new Properties());
    owner.put("k", "owner's");
    Cache<Object, Object> impostor = cacheIn(hashedForm, new Properties());
    assertNull(impostor.get("k"), "a namespace spelled like another's hashed form reads nothing of it");
    impostor.put("k", "impostor's");
    assertEquals("owner's", owner.get("k"));
  }

  @Test
  void aClassNameWithANewlineCannotForgeALogLine() {
    String evil = "io.caspian.Evil\nINFO: user admin logged in";
    plantJava("alice@example.com", objectOfClassNamed(evil));
    Read read = read("alice@example.com");
    assertNull(read.value);
    assertEquals(1, read.stats.getRejectedValues());
    String text = loggedText();
    assertTrue(text.contains("io.caspian.Evil\\u000aINFO"), text);
    for (LogRecord r : log.records()) {
      assertFalse(r.getMessage().contains("\n"), "a log message with a line break: " + r.getMessage());
    }
    assertFalse(text.contains("alice"), "keys appear in the log only as hashes: " + text);
  }

  @Test
  void aClassOutsideTheAllowListIsNeverInstantiatedAndTheLogNamesIt() {
    plantJava("k", serialize(new Gadget()));
    int before = GADGETS.get();
    Read read = read("k");
    assertNull(read.value);
    assertEquals(before, GADGETS.get(), "never instantiated");
    assertEquals(1, read.stats.getRejectedValues());
    assertLogged("class " + Gadget.class.getName() + " is not in caspian.serialization.allow");
  }

  // --- the victim and the attacker -------------------------------------------------------------------------------

  private record Read(Object value, long allocatedBytes, CaspianCacheStatisticsMXBean stats) {}

  private Read read(String key) {
    return read(victim(new Properties()), key);
  }

  private static Read read(Cache<Object, Object> cache, String key) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    Object value = cache.get(key);
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    return new Read(value, allocated, cache.unwrap(CaspianCache.class).statistics());
  }

  private Cache<Object, Object> victim(Properties properties) {
    return cacheIn(namespace, properties);
  }

  private Cache<Object, Object> cacheIn(String ns, Properties properties) {
    CacheManager manager = new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/" + ns), null, properties);
    closing.add(manager);
    Cache<Object, Object> cache = manager.getCache("c");
    return cache != null ? cache : manager.createCache("c", new MutableConfiguration<>());
  }

  private Memcached attacker() {
    Memcached client = new Memcached(MemcachedSettings.builder().servers(memcached.addresses()).build());
    closing.add(client);
    return client;
  }

  private String memcachedKey(String key) {
    KeyEncoder encoder = new KeyEncoder(namespace);
    return encoder.encode(encoder.cachePrefix("c"), key, k -> {
      throw new AssertionError("string keys are not serialized");
    });
  }

  private void plantJava(String key, byte[] stream) {
    byte[] value = new byte[stream.length + 1];
    value[0] = 1; // Java serialization
    System.arraycopy(stream, 0, value, 1, stream.length);
    plant(key, value);
  }

  private void plant(String key, byte[] valueBytes) {
    attacker().set(memcachedKey(key), 0, entry(key, valueBytes));
  }

  /** A JCache entry as Caspian lays it out (format 'K', eternal), around crafted value bytes. */
  private static byte[] entry(String key, byte[] valueBytes) {
    byte[] keyBytes = new ValueCodec("", 0, 1_000_000).encode(key);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('K');
    out.write(0); // no deadline
    int length = keyBytes.length;
    while ((length & ~0x7f) != 0) {
      out.write((length & 0x7f) | 0x80);
      length >>>= 7;
    }
    out.write(length);
    out.writeBytes(keyBytes);
    out.writeBytes(valueBytes);
    return out.toByteArray();
  }

  // --- crafted payloads ------------------------------------------------------------------------------------------

  /** Sets nested so that rebuilding them hashes 2^depth times ("SerialDOS"). */
  private static Set<Object> serialDos(int depth) {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("foo"); // t1 != t2
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  /** An {@code Object[]} of {@code length} whose first element is another such array, and so on, cut short. */
  private static byte[] nestedHugeArrayHeaders(int levels, int length) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeShort(0xACED);
      out.writeShort(5);
      out.writeByte(0x75); // TC_ARRAY
      out.writeByte(0x72); // TC_CLASSDESC
      out.writeUTF("[Ljava.lang.Object;");
      out.writeLong(ObjectStreamClass.lookup(Object[].class).getSerialVersionUID());
      out.writeByte(2); // SC_SERIALIZABLE
      out.writeShort(0);
      out.writeByte(0x78); // TC_ENDBLOCKDATA
      out.writeByte(0x70); // no superclass
      out.writeInt(length);
      for (int i = 1; i < levels; i++) {
        out.writeByte(0x75);
        out.writeByte(0x71); // TC_REFERENCE to the class descriptor
        out.writeInt(0x7E0000);
        out.writeInt(length);
      }
      return bytes.toByteArray(); // truncated: no element beyond the headers
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stream holding one object of a class so named (which need not exist). */
  private static byte[] objectOfClassNamed(String name) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeShort(0xACED);
      out.writeShort(5);
      out.writeByte(0x73); // TC_OBJECT
      out.writeByte(0x72); // TC_CLASSDESC
      out.writeUTF(name);
      out.writeLong(1L);
      out.writeByte(2);
      out.writeShort(0);
      out.writeByte(0x78);
      out.writeByte(0x70);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] deflate(byte[] plain) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(bytes)) {
      out.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  // --- the log ---------------------------------------------------------------------------------------------------

  private String loggedText() {
    StringBuilder sb = new StringBuilder();
    for (LogRecord r : log.records()) {
      sb.append(r.getMessage()).append(" | ");
    }
    return sb.toString();
  }

  private void assertLogged(String fragment) {
    String text = loggedText();
    assertTrue(text.contains(fragment), "the log should say '" + fragment + "': " + text);
  }
}
