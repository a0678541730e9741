package io.caspian.bench;

import io.caspian.testing.MemcachedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers a benchmark talks to, each in a process of its own on a free 127.0.0.1 port: memcached, H2 in TCP
 * server mode (so "no second-level cache" is a real network round trip to the database), a Hazelcast member and
 * redis-server. {@link BenchRunner} starts them once per run and hands their addresses to JMH's forks as system
 * properties ({@code caspian.bench.memcached}, {@code .h2}, {@code .hazelcast}, {@code .redis}); a fork started
 * without them (JMH run directly) starts the ones it needs itself and stops them when it exits.
 */
final class BenchServers {
  static final String MEMCACHED = "memcached";
  static final String H2 = "h2";
  static final String HAZELCAST = "hazelcast";
  static final String REDIS = "redis";

  /** What Hazelcast asks for to use the JDK's internal API, for its best performance (member and client). */
  static final List<String> HAZELCAST_JVM_ARGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private static final Map<String, Server> STARTED = new ConcurrentHashMap<>();

  private BenchServers() {}

  /** A started server: its {@code 127.0.0.1:port} address and how to stop it. */
  record Server(String address, AutoCloseable stop) implements AutoCloseable {
    @Override
    public void close() {
      try {
        stop.close();
      } catch (Exception e) {
        System.err.println("caspian bench: stopping " + address + ": " + e);
      }
    }
  }

  /** The address of the named server: the one the runner started, or one this JVM starts (once) and stops at exit. */
  static String address(String name) {
    String given = System.getProperty("caspian.bench." + name);
    if (given != null && !given.isBlank()) {
      return given;
    }
    return STARTED.computeIfAbsent(name, n -> {
      Server s = start(n);
      Runtime.getRuntime().addShutdownHook(new Thread(s::close));
      return s;
    }).address();
  }

  /** The port of a {@code 127.0.0.1:port} address. */
  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The JDBC URL of an in-memory H2 database named {@code name} on the H2 TCP server. */
  static String h2Url(String name) {
    return "jdbc:h2:tcp://" + address(H2) + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
  }

  static Server start(String name) {
    return switch (name) {
      case MEMCACHED -> {
        MemcachedProcess p = MemcachedProcess.start();
        yield new Server(p.address(), p::close);
      }
      case H2 -> {
        int port = freePort();
        yield java("h2", List.of("org.h2.tools.Server", "-tcp", "-tcpPort", Integer.toString(port), "-ifNotExists"),
            port, "TCP server running");
      }
      case HAZELCAST -> {
        int port = freePort();
        yield java("hazelcast", List.of(HazelcastMember.class.getName(), Integer.toString(port)), port,
            HazelcastMember.READY);
      }
      case REDIS -> redis();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** A JVM of its own with this JVM's class path, its output in target/bench/NAME.log. */
  private static Server java(String name, List<String> mainAndArgs, int port, String readyLine) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC"));
    command.addAll(HAZELCAST_JVM_ARGS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.addAll(mainAndArgs);
    return launch(name, command, port, readyLine);
  }

  private static Server redis() {
    int port = freePort();
    String binary = redisBinary();
    List<String> command = List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--databases", "1");
    return launch("redis", command, port, "Ready to accept connections");
  }

  static String redisBinary() {
    return MemcachedProcess.binary("CASPIAN_REDIS_BIN", "redis-server");
  }

  private static Server launch(String name, List<String> command, int port, String readyLine) {
    Path log = Path.of("target", "bench", name + "-" + port + ".log").toAbsolutePath();
    Process process;
    try {
      Files.createDirectories(log.getParent());
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    Server server = new Server("127.0.0.1:" + port, () -> stop(process));
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail(log));
        }
        if (Files.readString(log).contains(readyLine) && listening(port)) {
          return server;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException(name + " did not start on port " + port + " within 90 s: " + tail(log));
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      server.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
