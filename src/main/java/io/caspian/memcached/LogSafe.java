package io.caspian.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns what memcached handed us into text fit for a log line. Keys may hold personal data (an e-mail used as a
 * cache key) and anything read off memcached may be crafted to forge log lines, so keys appear only as a short hash
 * and names only with control characters escaped.
 */
public final class LogSafe {
  private static final int MAX_NAME = 200;

  private LogSafe() {}

  /**
   * A short, stable hash of a memcached key, the same in every JVM: enough to find the key in another node's log
   * or in a dump of memcached (hash the dumped keys likewise), nothing to read the key from.
   */
  public static String keyHash(String memcachedKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(memcachedKey.getBytes(StandardCharsets.UTF_8));
      return "#" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code text} with control and non-ASCII characters escaped ({@code \\uXXXX}) and cut at 200 characters. */
  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_NAME) + 8);
    for (int i = 0; i < text.length() && i < MAX_NAME; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '\\') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (text.length() > MAX_NAME) {
      sb.append("...(").append(text.length()).append(" chars)");
    }
    return sb.toString();
  }
}
