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
  /** Seconds after which Caspian presumes a soft lock's writer dead; short, so a killed node's locks clear quickly. */
  /**
   * The default lock timeout: a killed node's locks must end by its heartbeat ({@link #NODE_TIMEOUT_SECONDS}) and a
   * failed release by its retry, not by the timeout running out during the audit.
   */
  static final int LOCK_TIMEOUT_SECONDS = 60;
  static final int NODE_TIMEOUT_SECONDS = 2;

  private final List<MemcachedProcess> memcached = new ArrayList<>();
  private final Server database;
  private final List<Process> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String regionFactory;
  private final String servers;
  private final String namespace;
  final String jdbcUrl;

  Cluster(int nodeCount, int memcachedCount, String regionFactory) throws Exception {
    this(nodeCount, memcachedCount, 64, regionFactory);
  }

  /** {@code memcachedMb} per memcached server: a few MB put the pool under LRU eviction. */
  Cluster(int nodeCount, int memcachedCount, int memcachedMb, String regionFactory) throws Exception {
    this.regionFactory = regionFactory;
    try {
      for (int i = 0; i < memcachedCount; i++) {
        memcached.add(MemcachedProcess.start(memcachedMb, List.of()));
      }
      database = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-ifNotExists").start();
      jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/mem:cluster"
          + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
      createSchema();
      servers = String.join(",", memcached.stream().map(MemcachedProcess::address).toList());
      namespace = "cluster" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      for (int i = 0; i < nodeCount; i++) {
        nodes.add(startNode("v1"));
        ports.add(0);
      }
      for (int i = 0; i < nodeCount; i++) {
        ports.set(i, awaitPort(nodes.get(i)));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** A node answered, with an error: the application failed the request (not the network). */
  static final class ServerError extends IOException {
    ServerError(String message) {
      super(message);
    }
  }

  /** The memcached server list, for a client of the test's own (a noisy neighbour). */
  String servers() {
    return servers;
  }

  /** kill -9 of application node {@code index}: in-flight transactions die with it, its soft locks stay behind. */
  void killNode(int index) throws InterruptedException {
    Process node = nodes.get(index);
    node.destroyForcibly();
    node.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts node {@code index} again (after {@link #killNode} or to redeploy it) with mapping release v1 or v2. */
  void restartNode(int index, String release) throws Exception {
    killNode(index);
    Process node = startNode(release);
    nodes.set(index, node);
    ports.set(index, awaitPort(node));
  }

  boolean isUp(int index) {
    return nodes.get(index).isAlive();
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
      throw new ServerError("node " + index + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** What is left at quiescence: cached state against the database, acknowledged increments against the rows. */
  record Audit(long staleEntities, long staleCollections, long staleQueries, long lostUpdates,
      long unacknowledgedCommits, long uncacheable) {
    long staleEntries() {
      return staleEntities + staleCollections + staleQueries;
    }
  }

  /**
   * Checks every live node's cached entities, collections and query results against the database, that every
   * entity is cacheable again within a lock timeout of quiescence (no soft lock left behind for good), and the
   * database's balances against the increments the driver saw acknowledged ({@code acknowledged[id]}). A balance
   * above the acknowledged count is an increment whose answer was lost with a killed node: not a lost update.
   */
  Audit audit(long[] acknowledged) throws Exception {
    String ids = String.join(",", java.util.stream.IntStream.rangeClosed(1, ACCOUNTS)
        .mapToObj(Integer::toString).toList());
    long[] stale = new long[3];
    for (int node = 0; node < size(); node++) {
      if (!isUp(node)) {
        continue;
      }
      String[] answer = call(node, "/stale?ids=" + ids).trim().split(" ");
      for (int i = 0; i < 3; i++) {
        stale[i] += Long.parseLong(answer[i]);
      }
    }
    // a soft lock left by a killed node ends one node timeout after its last heartbeat, one whose release failed
    // lands with the next retry (every second): not one lock timeout (60 s) later
    long uncacheable = 0;
    long waitDeadline = System.nanoTime() + (NODE_TIMEOUT_SECONDS + 5) * 1_000_000_000L;
    for (int id = 1; id <= ACCOUNTS; id++) {
      int node = id % size();
      while (isUp(node) && !Boolean.parseBoolean(call(node, "/cached?id=" + id).trim())) {
        if (System.nanoTime() > waitDeadline) {
          uncacheable++;
          break;
        }
        Thread.sleep(250);
      }
    }
    long lost = 0;
    long unacknowledged = 0;
    for (int id = 1; id <= ACCOUNTS; id++) {
      long balance = balance(id);
      lost += Math.max(0, acknowledged[id] - balance);
      unacknowledged += Math.max(0, balance - acknowledged[id]);
    }
    return new Audit(stale[0], stale[1], stale[2], lost, unacknowledged, uncacheable);
  }

  /**
   * Commands the pool has served so far (gets counted per key, storage commands including cas and add, incr/decr,
   * deletes, touches), read from each live server's {@code stats}.
   */
  long memcachedOps() {
    return memcachedStats(COUNTED_STATS);
  }

  /**
   * Times the application nodes waited for memcached so far, and of those the background threads' (see
   * {@code AppNode#roundTrips}); dead nodes count 0.
   */
  long[] roundTrips() {
    long[] total = new long[2];
    for (int node = 0; node < size(); node++) {
      try {
        String[] answer = call(node, "/roundtrips").trim().split(" ");
        total[0] += Long.parseLong(answer[0]);
        total[1] += Long.parseLong(answer[1]);
      } catch (Exception e) {
        // a killed or restarting node (or one of an earlier release): its count is missing from this sample
      }
    }
    return total;
  }

  /** Items the pool's servers evicted to make room (LRU), so far. */
  long memcachedEvictions() {
    return memcachedStats(java.util.Set.of("evictions"));
  }

  private long memcachedStats(java.util.Set<String> names) {
    long total = 0;
    for (MemcachedProcess server : memcached) {
      if (!server.isAlive()) {
        continue;
      }
      try {
        total += server.stats().entrySet().stream().filter(e -> names.contains(e.getKey()))
            .mapToLong(java.util.Map.Entry::getValue).sum();
      } catch (IOException e) {
        // a paused server: its count is missing from this sample
      }
    }
    return total;
  }

  private static final java.util.Set<String> COUNTED_STATS = java.util.Set.of("cmd_get", "cmd_set", "cmd_touch",
      "incr_hits", "incr_misses", "decr_hits", "decr_misses", "delete_hits", "delete_misses");

  long balance(long id) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
        var rs = s.executeQuery("select balance from Account where id = " + id)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void createSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      // release 2 of the application maps the nullable note column, release 1 does not
      s.execute("create table Account (id bigint not null primary key, code varchar(32) not null unique, "
          + "balance bigint not null, version bigint not null, note varchar(255))");
      s.execute("create table Account_items (Account_id bigint not null, items bigint not null, "
          + "primary key (Account_id, items))");
      for (int id = 1; id <= ACCOUNTS; id++) {
        s.execute("insert into Account values (" + id + ", '" + AccountBase.code(id) + "', 0, 0, null)");
        s.execute("insert into Account_items values (" + id + ", 1)");
      }
    }
  }

  private Process startNode(String release) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    if (release.equals("v2")) {
      cp = releaseTwoClasses(cp) + File.pathSeparator + cp;
    }
    return new ProcessBuilder(java, "-cp", cp, "-Xmx256m",
        "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
        AppNode.class.getName(), jdbcUrl, servers, namespace, regionFactory, release,
        Integer.toString(LOCK_TIMEOUT_SECONDS), Integer.toString(NODE_TIMEOUT_SECONDS))
        .redirectErrorStream(true).start();
  }

  /**
   * Compiles release 2's Account (same class name, one column more) into a directory of its own, once, and returns
   * it: put first on a node's class path, it shadows release 1's class, as a redeployed application would.
   */
  private static synchronized String releaseTwoClasses(String classPath) throws IOException {
    java.nio.file.Path out = java.nio.file.Path.of("target", "rolling-v2-classes").toAbsolutePath();
    java.nio.file.Path source = java.nio.file.Path.of("integration-tests", "rolling-v2", "io", "caspian", "cluster",
        "Account.java").toAbsolutePath();
    if (!java.nio.file.Files.exists(out.resolve("io/caspian/cluster/Account.class"))) {
      java.nio.file.Files.createDirectories(out);
      int status = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", out.toString(),
          "-cp", classPath, "-proc:none", source.toString());
      if (status != 0) {
        throw new IOException("could not compile " + source);
      }
    }
    return out.toString();
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
    return port.get(90, TimeUnit.SECONDS);
  }

  private static void drain(BufferedReader out, long pid) {
    try (java.io.PrintWriter log = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "cluster-logs")).resolve(pid + ".log")), true)) {
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
