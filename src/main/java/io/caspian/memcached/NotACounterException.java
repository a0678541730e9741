package io.caspian.memcached;

/**
 * memcached refused an increment because the item under the key is not a decimal number: something other than a
 * counter was written there (an older format, or anyone on memcached's network). Not an outage: the caller decides
 * whether to replace the item.
 */
public final class NotACounterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotACounterException(String key) {
    super("the item under " + key + " is not a counter (incr refused: non-numeric value)");
  }
}
