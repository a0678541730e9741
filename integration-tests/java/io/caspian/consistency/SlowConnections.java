package io.caspian.consistency;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.hibernate.engine.jdbc.connections.internal.DriverManagerConnectionProvider;

/**
 * Latency injection: Hibernate's own connection pool, with a random pause of up to {@value #LATENCY} ms after each
 * query's last row and before each commit, as a slow database or network would add. It widens the windows the
 * cache's protocol must close (a load's read and its put; a writer's flush and its commit) without changing what
 * any transaction does.
 */
public final class SlowConnections extends DriverManagerConnectionProvider {
  /** Hibernate setting: the largest pause, in ms. */
  public static final String LATENCY = "caspian.check.latency_ms";

  /** Set at quiescence: the audit measures the cache, not the latency. */
  static volatile boolean off;

  private int latencyMs;

  @Override
  public void configure(Map<String, Object> settings) {
    latencyMs = Integer.parseInt(String.valueOf(settings.getOrDefault(LATENCY, "0")));
    super.configure(settings);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = super.getConnection();
    return wrap(Connection.class, real, (m, args) -> {
      if (m.getName().equals("commit")) {
        pause();
      }
      Object result = m.invoke(real, args);
      return result instanceof Statement s && !(result instanceof Proxy) ? statement(s) : result;
    });
  }

  @Override
  public void closeConnection(Connection connection) throws SQLException {
    super.closeConnection(Proxy.isProxyClass(connection.getClass())
        ? ((Handler) Proxy.getInvocationHandler(connection)).target(Connection.class) : connection);
  }

  private Statement statement(Statement real) {
    Class<? extends Statement> type = real instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class
        : Statement.class;
    if (real instanceof java.sql.CallableStatement) {
      type = java.sql.CallableStatement.class;
    }
    return wrap(type, real, (m, args) -> {
      Object result = m.invoke(real, args);
      return result instanceof ResultSet rs ? resultSet(rs) : result;
    });
  }

  private ResultSet resultSet(ResultSet real) {
    boolean[] paused = {false};
    return wrap(ResultSet.class, real, (m, args) -> {
      boolean end = m.getName().equals("close") || m.getName().equals("next");
      Object result = m.invoke(real, args);
      if (end && !paused[0] && (result == null || Boolean.FALSE.equals(result))) {
        paused[0] = true;
        pause();
      }
      return result;
    });
  }

  private void pause() throws InterruptedException {
    if (latencyMs > 0 && !off) {
      Thread.sleep(ThreadLocalRandom.current().nextInt(latencyMs + 1));
    }
  }

  private interface Call {
    Object invoke(Method m, Object[] args) throws Throwable;
  }

  private record Handler(Object real, Call call) implements InvocationHandler {
    <T> T target(Class<T> type) {
      return type.cast(real);
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      try {
        return call.invoke(m, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  private static <T> T wrap(Class<? extends T> type, T real, Call call) {
    return type.cast(Proxy.newProxyInstance(SlowConnections.class.getClassLoader(), new Class<?>[] {type},
        new Handler(real, call)));
  }
}
