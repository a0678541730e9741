package io.caspian.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the named {@code java.util.logging} loggers (and their children) log during each test, from {@code level}
 * up; the loggers' levels are set for the test and reset afterwards.
 *
 * <pre>{@code @RegisterExtension final LogCapture log = LogCapture.of(Level.INFO, "io.caspian");}</pre>
 */
public final class LogCapture extends Handler implements BeforeEachCallback, AfterEachCallback {
  private final Level level;
  private final List<String> loggers;
  private final List<LogRecord> records = new ArrayList<>();

  private LogCapture(Level level, List<String> loggers) {
    this.level = level;
    this.loggers = loggers;
  }

  public static LogCapture of(Level level, String... loggers) {
    return new LogCapture(level, List.of(loggers));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    synchronized (records) {
      records.clear();
    }
    for (String name : loggers) {
      Logger.getLogger(name).addHandler(this);
      Logger.getLogger(name).setLevel(level);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (String name : loggers) {
      Logger.getLogger(name).removeHandler(this);
      Logger.getLogger(name).setLevel(null);
    }
  }

  /** The records logged so far in this test. */
  public List<LogRecord> records() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  @Override
  public void publish(LogRecord record) {
    synchronized (records) {
      records.add(record);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
