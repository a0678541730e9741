package io.caspian.memcached;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of a memcached counter: the decimal number {@code incr} and {@code decr} maintain, in ASCII, perhaps
 * space-padded (memcached pads when a decrement shortens the number in place).
 */
public final class CounterBytes {
  private CounterBytes() {}

  /** The counter's value, or null when {@code bytes} are not a counter or exceed a signed long. */
  public static Long parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || bytes.length > 20 || bytes[0] < '0' || bytes[0] > '9') {
      return null;
    }
    long value = 0;
    int i = 0;
    for (; i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
      if (value > (Long.MAX_VALUE - 9) / 10) {
        return null;
      }
      value = value * 10 + (bytes[i] - '0');
    }
    for (; i < bytes.length; i++) {
      if (bytes[i] != ' ') {
        return null;
      }
    }
    return value;
  }

  /** The bytes memcached keeps for a counter at {@code value} (not negative). */
  public static byte[] of(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }
}
