package io.caspian.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts one memcached for the whole test JVM and points Caspian's default CacheManager URI at it through the
 * {@code caspian.memcached.servers} system property. Tests that use {@code Caching.getCachingProvider()} without
 * a URI (the JSR-107 TCK among them) then run against a real server that nothing else on the machine uses.
 */
public final class MemcachedSessionListener implements LauncherSessionListener {
  private static MemcachedProcess server;

  @Override
  public synchronized void launcherSessionOpened(LauncherSession session) {
    if (server == null && System.getProperty("caspian.memcached.servers") == null) {
      server = MemcachedProcess.start(256, java.util.List.of());
      System.setProperty("caspian.memcached.servers", server.address());
      MemcachedProcess started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "memcached-stop"));
    }
  }

  @Override
  public synchronized void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
