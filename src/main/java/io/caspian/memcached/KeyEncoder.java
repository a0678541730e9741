package io.caspian.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;

/**
 * Maps (namespace, cache, key object) to a memcached key that is the same in every JVM.
 *
 * <p>The form is {@code namespace:cache:tag:key}. Strings of printable ASCII and integral numbers stay readable
 * ({@code s:}, {@code l:}, {@code i:}, {@code u:} for UUIDs); every other key is identified by the SHA-256 of its
 * serialized form ({@code h:}), which is stable across JVMs, unlike {@code hashCode} or {@code toString}. A string
 * that is too long for memcached's 250-byte limit or holds spaces, control or non-ASCII characters is hashed too,
 * behind a readable prefix of its safe characters so that a human can still tell what it is.
 */
public final class KeyEncoder {
  /** memcached's limit on a key. */
  public static final int MAX_KEY_BYTES = 250;
  private static final int MAX_NAME = 64;
  private static final int READABLE_HINT = 32;

  private final String namespace;

  public KeyEncoder(String namespace) {
    this.namespace = safeName(namespace);
  }

  /** Every key of the cache starts with this, and no key of another cache or namespace does. */
  public String cachePrefix(String cacheName) {
    return namespace + ':' + safeName(cacheName) + ':';
  }

  /**
   * The memcached key of {@code key} in the cache whose {@link #cachePrefix prefix} is given.
   *
   * @param serializer the stable serialized form of a key that has no readable encoding
   */
  public String encode(String cachePrefix, Object key, Function<Object, byte[]> serializer) {
    if (key instanceof String s) {
      return encodeString(cachePrefix, s);
    }
    if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
      char tag = key instanceof Long ? 'l' : key instanceof Integer ? 'i' : key instanceof Short ? 'h' : 'b';
      return cachePrefix + tag + ':' + key;
    }
    if (key instanceof UUID u) {
      return cachePrefix + "u:" + u;
    }
    byte[] serialized = serializer.apply(key);
    return cachePrefix + "x:" + readableHint(key.getClass().getSimpleName()) + ':' + sha256('o', serialized);
  }

  private static String encodeString(String cachePrefix, String s) {
    String plain = cachePrefix + "s:" + s;
    if (isSafe(s) && plain.length() <= MAX_KEY_BYTES) {
      return plain;
    }
    return cachePrefix + "x:" + readableHint(s) + ':' + sha256('s', s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A cache or namespace name as it appears inside keys: itself when short and safe, else a hash. A hashed name
   * starts with {@code ~}, so a name starting with {@code ~} is hashed too: otherwise a name spelled like another
   * name's hashed form would share that name's keys.
   */
  static String safeName(String name) {
    if (name.length() <= MAX_NAME && isSafe(name) && name.indexOf(':') < 0 && !name.startsWith("~")) {
      return name;
    }
    return "~" + readableHint(name) + "~" + sha256('n', name.getBytes(StandardCharsets.UTF_8)).substring(0, 22);
  }

  private static boolean isSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String readableHint(String s) {
    StringBuilder sb = new StringBuilder(READABLE_HINT);
    for (int i = 0; i < s.length() && sb.length() < READABLE_HINT; i++) {
      char c = s.charAt(i);
      if (c > ' ' && c < 0x7f && c != ':' && c != '~') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String sha256(char domain, byte[] bytes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((byte) domain);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
