package io.caspian.memcached.codec;

/**
 * Stored bytes named a class that the deserialization allow-list does not admit. The class was not instantiated;
 * callers treat the entry as a miss.
 */
public final class RejectedClassException extends CodecException {
  private static final long serialVersionUID = 1L;

  public RejectedClassException(String message, Throwable cause) {
    super(message, cause);
  }
}
