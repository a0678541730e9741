package io.caspian.memcached.security;

import io.caspian.memcached.codec.CodecException;

/**
 * A stored value failed authentication ({@link ValueSigner}); the transport has counted and logged it, so a reader
 * only treats it as a miss.
 */
public final class TamperedValueException extends CodecException {
  private static final long serialVersionUID = 1L;

  public TamperedValueException() {
    super("value failed authentication");
  }
}
