package io.caspian.memcached;

/**
 * memcached did not answer within the operation timeout, or the node that owns the key is down. Nothing is known
 * about whether a write took effect.
 */
public final class MemcachedUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MemcachedUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
