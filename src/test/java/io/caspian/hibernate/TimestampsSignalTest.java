package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.protocol.ClockTicks;
import org.junit.jupiter.api.Test;

class TimestampsSignalTest {
  @Test
  void preInvalidateIsToldApartFromInvalidate() {
    long clock = ClockTicks.fromMillis(System.currentTimeMillis());
    assertTrue(TimestampsSignal.isPreInvalidate(clock + TimestampsSignal.PRE_INVALIDATE_FLAG));
    assertFalse(TimestampsSignal.isPreInvalidate(clock));
    assertTrue(TimestampsSignal.isPreInvalidate(TimestampsSignal.PRE_INVALIDATE_FLAG), "also when the clock was down");
    assertFalse(TimestampsSignal.isPreInvalidate(0));
  }
}
