package io.caspian.consistency;

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
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.h2.tools.Server;

/**
 * The checker's cluster on 127.0.0.1: N {@link ConsistencyNode} JVMs, one H2 database in TCP server mode, and a
 * memcached pool, all of the same cache kind ({@code caspian} or {@code stock}). Everything it starts it stops.
 */
final class ConsistencyCluster implements AutoCloseable {
  static final int TAGS = 5;
  /** Seconds after which Caspian presumes a soft lock's writer dead; short, so a killed node's locks clear quickly. */
  static final int LOCK_TIMEOUT_SECONDS = 5;
  /** Below the lock timeout, so that a killed or paused node's locks end by its heartbeat, not by their deadline. */
  static final int NODE_TIMEOUT_SECONDS = 2;

  private final List<MemcachedProcess> memcached = new ArrayList<>();
  private final List<Process> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  /** Whether node i answers: false from its kill until its replacement listens. */
  private final AtomicIntegerArray ready;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String cache;
  private final int httpThreads;
  private final int latencyMs;
  private Server database;
  private String servers;
  private String namespace;
  private String jdbcUrl;

  /** A node answered with an error status: {@code body} is what the node said. */
  static final class ServerError extends IOException {
    final String body;

    ServerError(int node, int status, String body) {
      super("node " + node + " answered " + status + ": " + body);
      this.body = body;
    }
  }

  ConsistencyCluster(int nodeCount, int memcachedCount, int memcachedMb, String cache, int httpThreads,
      int latencyMs) throws Exception {
    this.cache = cache;
    this.latencyMs = latencyMs;
    this.ready = new AtomicIntegerArray(nodeCount);
    this.httpThreads = httpThreads;
    try {
      for (int i = 0; i < memcachedCount; i++) {
        memcached.add(MemcachedProcess.start(memcachedMb, List.of()));
      }
      database = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-ifNotExists").start();
      jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/mem:consistency"
          + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
      servers = String.join(",", memcached.stream().map(MemcachedProcess::address).toList());
      // a namespace per run, so that runs sharing memcached servers never share entries
      namespace = "consistency" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      for (int i = 0; i < nodeCount; i++) {
        nodes.add(startNode());
        ports.add(0);
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Creates the schema and {@code parents} rows (two children and one tag each), recording them as committed. */
  void seed(int parents, History history) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("create table CTag (id bigint primary key, seq bigint not null)");
      s.execute("create table CParent (id bigint primary key, code varchar(32) not null unique, "
          + "version bigint not null, seq bigint not null)");
      s.execute("create table CChild (id bigint primary key, seq bigint not null, "
          + "parent_id bigint not null references CParent(id))");
      s.execute("create table CParent_Tag (parent_id bigint not null references CParent(id), "
          + "tag_id bigint not null references CTag(id), primary key (parent_id, tag_id))");
      long now = System.nanoTime();
      for (long t = 1; t <= TAGS; t++) {
        s.execute("insert into CTag values (" + t + ", 0)");
        history.commit(new History.Commit("T" + t, 0, "0", now, now, true, "seed"));
      }
      for (long p = 1; p <= parents; p++) {
        long tag = 1 + p % TAGS;
        s.execute("insert into CParent values (" + p + ", '" + Parent.code(p) + "', 0, 0)");
        s.execute("insert into CChild values (" + (2 * p - 1) + ", 0, " + p + "), (" + 2 * p + ", 0, " + p + ")");
        s.execute("insert into CParent_Tag values (" + p + ", " + tag + ")");
        history.commit(new History.Commit("P" + p, 0, "0", now, now, true, "seed"));
        history.commit(new History.Commit("P" + p + ".c", 0, History.set(List.of(2 * p - 1, 2 * p)), now, now,
            true, "seed"));
        history.commit(new History.Commit("P" + p + ".t", 0, History.set(List.of(tag)), now, now, true, "seed"));
        history.commit(new History.Commit("C" + (2 * p - 1), 0, "0", now, now, true, "seed"));
        history.commit(new History.Commit("C" + 2 * p, 0, "0", now, now, true, "seed"));
      }
    }
  }

  /** Waits for every node to listen; the nodes boot in parallel meanwhile. */
  void awaitNodes() throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      ports.set(i, awaitPort(nodes.get(i)));
      ready.set(i, 1);
    }
  }

  int size() {
    return nodes.size();
  }

  boolean isUp(int index) {
    return ready.get(index) == 1 && nodes.get(index).isAlive();
  }

  MemcachedProcess memcached(int index) {
    return memcached.get(index);
  }

  /** kill -9 of node {@code index}: in-flight transactions die with it, its soft locks stay behind. */
  void killNode(int index) throws InterruptedException {
    ready.set(index, 0);
    nodes.get(index).destroyForcibly();
    nodes.get(index).waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP of node {@code index}: a long GC pause, as far as memcached and the other nodes can tell. */
  void pauseNode(int index) throws Exception {
    signal(index, "STOP");
  }

  void resumeNode(int index) throws Exception {
    signal(index, "CONT");
  }

  private void signal(int index, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(nodes.get(index).pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " of node " + index + " failed");
    }
  }

  void restartNode(int index) throws Exception {
    killNode(index);
    Process node = startNode();
    nodes.set(index, node);
    ports.set(index, awaitPort(node));
    ready.set(index, 1);
  }

  /** POSTs {@code body} to {@code path} on node {@code index}; the answer, or ServerError for a non-200 answer. */
  String call(int index, String path, String body) throws IOException, InterruptedException {
    return call(index, path, body, Duration.ofSeconds(60));
  }

  String call(int index, String path, String body, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ports.get(index) + path)).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new ServerError(index, response.statusCode(), response.body());
    }
    return response.body();
  }

  private Process startNode() throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(java, "-cp", cp, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
        ConsistencyNode.class.getName(), jdbcUrl, servers, namespace, cache,
        Integer.toString(LOCK_TIMEOUT_SECONDS), Integer.toString(httpThreads),
        Integer.toString(latencyMs))
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
            Thread drain = new Thread(() -> drain(out, node.pid()), "node-output");
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
    return port.get(120, TimeUnit.SECONDS);
  }

  private static void drain(BufferedReader out, long pid) {
    try (java.io.PrintWriter log = new java.io.PrintWriter(Files.newBufferedWriter(
        Files.createDirectories(Path.of("target", "consistency-logs")).resolve(pid + ".log")), true)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        log.println(line);
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
