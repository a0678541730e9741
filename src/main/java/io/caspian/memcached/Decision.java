package io.caspian.memcached;

import java.util.Objects;

/**
 * What a {@link Transition} decided from the current item: keep it, write new bytes, or remove it; plus whatever
 * result the caller wants back from the attempt that won.
 *
 * @param <R> the caller's result
 */
public final class Decision<R> {
  /** The three outcomes. */
  public enum Kind { KEEP, WRITE, REMOVE }

  private final Kind kind;
  private final byte[] value;
  private final int ttlSeconds;
  private final R result;

  private Decision(Kind kind, byte[] value, int ttlSeconds, R result) {
    this.kind = kind;
    this.value = value;
    this.ttlSeconds = ttlSeconds;
    this.result = result;
  }

  /** Leave the item as it is (no round trip). */
  public static <R> Decision<R> keep(R result) {
    return new Decision<>(Kind.KEEP, null, 0, result);
  }

  /** Replace the item (or create it) with {@code value}, which the server drops after {@code ttlSeconds} (0: never). */
  public static <R> Decision<R> write(byte[] value, int ttlSeconds, R result) {
    return new Decision<>(Kind.WRITE, Objects.requireNonNull(value), ttlSeconds, result);
  }

  /** Delete the item. */
  public static <R> Decision<R> remove(R result) {
    return new Decision<>(Kind.REMOVE, null, 0, result);
  }

  public Kind kind() {
    return kind;
  }

  public byte[] value() {
    return value;
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  public R result() {
    return result;
  }
}
