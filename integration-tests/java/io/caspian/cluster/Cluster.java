package io.caspian.cluster;

import io.caspian.testing.MemcachedProcess;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;

/**
 * A small production-like cluster on one machine: N {@link AppNode} JVMs behind a round-robin "load balancer", one
 * H2 database in TCP server mode and a memcached pool, all on 127.0.0.1. Everything it starts it stops.
 */
final class Cluster implements AutoCloseable {
  static final int ACCOUNTS = 5;

  private final List<MemcachedProcess> memcached = new ArrayList<>();
  private final Server database;
  private final List<Process> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String jdbcUrl;

  Cluster(int nodeCount, int memcachedCount, String regionFactory) throws Exception {
    try {
      for (int i = 0; i < memcachedCount; i++) {
        memcached.add(MemcachedProcess.start());
      }
      database = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-ifNotExists").start();
      jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/mem:cluster"
          + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
      createSchema();
      String servers = String.join(",", memcached.stream().map(MemcachedProcess::address).toList());
      String namespace = "cluster" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      for (int i = 0; i < nodeCount; i++) {
        nodes.add(startNode(servers, namespace, regionFactory));
      }
      for (Process node : nodes) {
        ports.add(awaitPort(node));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** The memcached servers of the pool, for fault injection. */
  MemcachedProcess memcached(int index) {
    return memcached.get(index);
  }

  int size() {
    return ports.size();
  }

  /** GET {@code path} on node {@code index}; the body, or an exception for a non-200 answer. */
  String call(int index, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ports.get(index) + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("node " + index + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  long balance(long id) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
        var rs = s.executeQuery("select balance from Account where id = " + id)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void createSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("create table Account (id bigint not null primary key, balance bigint not null, "
          + "version bigint not null)");
      for (int id = 1; id <= ACCOUNTS; id++) {
        s.execute("insert into Account values (" + id + ", 0, 0)");
      }
    }
  }

  private Process startNode(String servers, String namespace, String regionFactory) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(java, "-cp", cp, "-Xmx256m",
        "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
        AppNode.class.getName(), jdbcUrl, servers, namespace, regionFactory)
        .redirectErrorStream(true).start();
  }

  private static int awaitPort(Process node) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      StringBuilder seen = new StringBuilder();
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("PORT ")) {
            // keep draining so that the node never blocks on a full pipe
            Thread drain = new Thread(() -> drain(out), "node-output");
            drain.setDaemon(true);
            drain.start();
            return Integer.parseInt(line.substring(5).trim());
          }
          seen.append(line).append('\n');
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalStateException("node exited before listening:\n" + seen);
    });
    return port.get(90, TimeUnit.SECONDS);
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // discard
      }
    } catch (IOException ignored) {
      // the node is gone
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    nodes.forEach(Process::destroyForcibly);
    for (Process node : nodes) {
      try {
        node.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (database != null) {
      database.stop();
    }
    memcached.forEach(MemcachedProcess::close);
  }
}
