package io.caspian.hibernate;

/**
 * Decodes what Hibernate's stock {@code TimestampsCacheEnabledImpl} puts into the update-timestamps region.
 * It puts {@code nextTimestamp() + getTimeout()} on preInvalidate and {@code nextTimestamp()} on invalidate;
 * {@link CaspianRegionFactory getTimeout()} returns {@link #PRE_INVALIDATE_FLAG}, a bit no clock value ever
 * reaches, so the two calls are told apart exactly and no extra Hibernate setting is needed.
 */
public final class TimestampsSignal {
  public static final long PRE_INVALIDATE_FLAG = 1L << 62;

  private TimestampsSignal() {
  }

  public static boolean isPreInvalidate(long value) {
    return (value & PRE_INVALIDATE_FLAG) != 0;
  }
}
