package io.caspian.versions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Caspian on Hibernate 6.6 (Spring Boot 3.x's), for real: the region factory compiled against 7.x, Hibernate
 * 6.6.33's jars (resolved by Maven for this test) instead of 7.4's. It must refuse to start with the one line that
 * names the supported versions, not start and then fail on the first cached entity (a {@code NoSuchMethodError}).
 */
class HibernateVersionGateIT {
  @Test
  void onHibernate66TheSessionFactoryRefusesToStartNamingTheSupportedVersions() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "hibernate-6.6-gate"));
    Path classPathFile = dir.resolve("classpath.txt");
    Process resolve = new ProcessBuilder("mvn", "-B", "-q", "-ntp", "dependency:build-classpath",
        "-Dhibernate.version=6.6.33.Final", "-Dmdep.includeScope=test", "-Dmdep.outputFile=" + classPathFile)
        .redirectErrorStream(true).redirectOutput(dir.resolve("mvn.log").toFile()).start();
    assertTrue(resolve.waitFor(5, TimeUnit.MINUTES) && resolve.exitValue() == 0,
        "resolving Hibernate 6.6: " + Files.readString(dir.resolve("mvn.log")));
    List<String> entries = new ArrayList<>(List.of(
        Path.of("target", "classes").toAbsolutePath().toString(),
        Path.of("target", "test-classes").toAbsolutePath().toString()));
    entries.add(Files.readString(classPathFile, StandardCharsets.UTF_8).trim());
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    try (MemcachedProcess memcached = MemcachedProcess.start()) {
      Process run = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, entries),
          StartOnHibernate66.class.getName(), memcached.address())
          .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
      assertTrue(run.waitFor(2, TimeUnit.MINUTES), "the 6.6 run did not finish");
      String out = Files.readString(dir.resolve("run.log"));
      assertTrue(out.contains("HIBERNATE 6.6.33"), "ran on Hibernate 6.6: " + out);
      assertTrue(out.contains("FAILED org.hibernate.cache.CacheException: Caspian requires Hibernate ORM 7.2"),
          "refused with the supported versions: " + out);
    }
  }
}
