package io.caspian.memcached;

import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;

/**
 * spymemcached's log output, to {@code java.util.logging}. spymemcached calls {@code debug} unguarded on its IO
 * thread for every batch of operations, and its own {@code SunLogger} captures a stack trace (to name the caller)
 * before asking whether the level is enabled: in a profile of a cache hit that was a third of the IO thread's CPU,
 * on the path of every round trip. This one asks first.
 */
public final class SpyLogger extends AbstractLogger {
  private final java.util.logging.Logger logger;

  /** Called by spymemcached's {@code LoggerFactory} with the logging class's name. */
  public SpyLogger(String name) {
    super(name);
    this.logger = java.util.logging.Logger.getLogger(name);
  }

  @Override
  public boolean isTraceEnabled() {
    return logger.isLoggable(java.util.logging.Level.FINEST);
  }

  @Override
  public boolean isDebugEnabled() {
    return logger.isLoggable(java.util.logging.Level.FINE);
  }

  @Override
  public boolean isInfoEnabled() {
    return logger.isLoggable(java.util.logging.Level.INFO);
  }

  @Override
  public void log(Level level, Object message, Throwable e) {
    java.util.logging.Level julLevel = julLevel(level);
    if (logger.isLoggable(julLevel)) {
      logger.log(julLevel, String.valueOf(message), e);
    }
  }

  private static java.util.logging.Level julLevel(Level level) {
    if (level == null) {
      return java.util.logging.Level.SEVERE;
    }
    return switch (level) {
      case TRACE -> java.util.logging.Level.FINEST;
      case DEBUG -> java.util.logging.Level.FINE;
      case INFO -> java.util.logging.Level.INFO;
      case WARN -> java.util.logging.Level.WARNING;
      case ERROR, FATAL -> java.util.logging.Level.SEVERE;
    };
  }
}
