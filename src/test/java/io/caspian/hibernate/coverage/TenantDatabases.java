package io.caspian.hibernate.coverage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;

/** Database-per-tenant: each tenant id names its own H2 in-memory database. */
final class TenantDatabases implements MultiTenantConnectionProvider<String> {
  private static final long serialVersionUID = 1L;
  private final String prefix;

  TenantDatabases(String prefix, String... tenants) throws SQLException {
    this.prefix = prefix;
    for (String tenant : tenants) {
      try (Connection c = getConnection(tenant); Statement s = c.createStatement()) {
        s.execute("create table if not exists Account (id bigint primary key, holder varchar(255), "
            + "version bigint not null)");
      }
    }
  }

  @Override
  public Connection getAnyConnection() throws SQLException {
    return getConnection("any");
  }

  @Override
  public void releaseAnyConnection(Connection connection) throws SQLException {
    connection.close();
  }

  @Override
  public Connection getConnection(String tenant) throws SQLException {
    return DriverManager.getConnection("jdbc:h2:mem:" + prefix + "_" + tenant + ";DB_CLOSE_DELAY=-1");
  }

  @Override
  public void releaseConnection(String tenant, Connection connection) throws SQLException {
    connection.close();
  }

  @Override
  public boolean supportsAggressiveRelease() {
    return false;
  }

  @Override
  public boolean isUnwrappableAs(Class<?> unwrapType) {
    return false;
  }

  @Override
  public <T> T unwrap(Class<T> unwrapType) {
    throw new UnsupportedOperationException();
  }
}
