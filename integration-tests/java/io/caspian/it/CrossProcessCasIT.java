package io.caspian.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedExtension;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claim Caspian is built on, proven with separate processes: three JVMs, four threads each, increment four
 * shared counters on a pool of two memcached servers. With {@code invoke} (gets/cas) not one increment is lost;
 * with {@code get} then {@code put} the same workload loses increments, so the check can fail.
 */
class CrossProcessCasIT {
  private static final int JVMS = 3;
  private static final int THREADS = 4;
  private static final int INCREMENTS = 300;
  private static final int COUNTERS = 4;
  private static final Pattern RESULT = Pattern.compile("RESULT increments=(\\d+) conflicts=(\\d+)");

  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private CacheManager manager;
  private Cache<String, Long> counters;

  @BeforeEach
  void setUp() {
    manager = new CaspianCachingProvider()
        .getCacheManager(URI.create("memcached://" + memcached.addresses() + "/cross-process"), null);
    counters = manager.getCache("counters", String.class, Long.class);
    if (counters == null) {
      counters = manager.createCache("counters",
          new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
    }
    counters.clear();
  }

  @Test
  void invokeLosesNoIncrementAcrossProcesses() throws Exception {
    long[] result = runWorkers("invoke");
    long stored = total();
    System.out.printf("cross-process invoke: %d increments, %d stored, %d CAS conflicts%n",
        result[0], stored, result[1]);
    assertEquals(JVMS * THREADS * INCREMENTS, result[0]);
    assertEquals(result[0], stored, "every increment made through invoke must be in memcached");
    manager.close();
  }

  @Test
  void getThenPutLosesIncrementsSoTheCheckCanFail() throws Exception {
    long[] result = runWorkers("plain");
    long stored = total();
    System.out.printf("cross-process get+put: %d increments, %d stored, %d lost%n",
        result[0], stored, result[0] - stored);
    assertEquals(JVMS * THREADS * INCREMENTS, result[0]);
    assertTrue(stored < result[0], "12 threads in 3 JVMs on 4 keys must lose some get+put increments");
    manager.close();
  }

  private long total() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < COUNTERS; i++) {
      keys.add("counter-" + i);
    }
    Map<String, Long> values = counters.getAll(keys);
    return values.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Runs the workers and returns {total increments, total conflicts}. */
  private static long[] runWorkers(String mode) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < JVMS; i++) {
        processes.add(new ProcessBuilder(java, "-cp", classPath(), "-Xmx256m",
            "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
            CounterWorker.class.getName(), memcached.addresses(), mode, Integer.toString(THREADS),
            Integer.toString(INCREMENTS), Integer.toString(COUNTERS))
            .redirectErrorStream(true).start());
      }
      long increments = 0;
      long conflicts = 0;
      for (Process p : processes) {
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            output.append(line).append('\n');
          }
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "worker did not finish");
        assertEquals(0, p.exitValue(), "worker failed:\n" + output);
        Matcher m = RESULT.matcher(output);
        assertTrue(m.find(), "no result line in:\n" + output);
        increments += Long.parseLong(m.group(1));
        conflicts += Long.parseLong(m.group(2));
      }
      return new long[] {increments, conflicts};
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  /** Under failsafe the JVM's own class path may be a manifest-only jar; the test class path is explicit. */
  private static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}
