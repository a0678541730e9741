package io.caspian.memcached.connection;

import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;

/**
 * spymemcached's log output, to {@code java.util.logging}. spymemcached calls {@code debug} unguarded on its IO
 * thread for every batch of operations, and its own {@code SunLogger} captures a stack trace (to name the caller)
 * before asking whether the level is enabled: in a profile of a cache hit that was a third of the IO thread's CPU,
 * on the path of every round trip. This one asks first.
 *
 * <p>Its connection chatter goes to DEBUG ({@code FINE}): with a server down it logs a WARN with a full
 * {@code ConnectException} stack trace at every reconnect attempt, every two seconds, forever. {@link ConnectionLog}
 * says instead, once, that a server went away and, once, that it is back.
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
    java.util.logging.Level julLevel = isConnectionChatter(level, message, e)
        ? java.util.logging.Level.FINE : julLevel(level);
    if (logger.isLoggable(julLevel)) {
      logger.log(julLevel, String.valueOf(message), e);
    }
  }

  /** Reconnects, lost connections, I/O errors and spymemcached's lifecycle INFO lines: ConnectionLog's job. */
  private static boolean isConnectionChatter(Level level, Object message, Throwable e) {
    if (level == Level.INFO) {
      return true;
    }
    if (level != Level.WARN && level != Level.ERROR) {
      return false;
    }
    if (e instanceof java.io.IOException) {
      return true;
    }
    String text = String.valueOf(message);
    // "Discarding partially completed op" also names the operation's key, which the log must not show
    return text.startsWith("Closing, and reopening") || text.startsWith("Reconnect")
        || text.contains("Could not redistribute") || text.startsWith("Discarding partially completed op");
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
