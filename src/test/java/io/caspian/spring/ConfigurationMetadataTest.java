package io.caspian.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hand-written Spring Boot configuration metadata lists exactly the keys the auto-configuration passes, each
 * with a description; and the core packages stay free of Spring and Micrometer.
 */
class ConfigurationMetadataTest {
  @Test
  void metadataListsEveryKeyPassedAndNoOther() throws IOException {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher property = Pattern.compile("\\{\\s*\"name\": \"(caspian\\.[^\"]+)\",\\s*\"type\": \"[^\"]+\","
        + "\\s*\"description\": \"([^\"]+)\"").matcher(json);
    Set<String> described = new TreeSet<>();
    while (property.find()) {
      assertTrue(property.group(2).length() > 10, property.group(1));
      described.add(property.group(1));
    }
    assertEquals(new TreeSet<>(CaspianEnvironment.KEYS), described);
  }

  @Test
  void corePackagesReferNeitherSpringNorMicrometer() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String pkg : List.of("jcache", "hibernate", "memcached")) {
      try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/caspian", pkg))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String source = Files.readString(file);
          if (source.contains("org.springframework") || source.contains("io.micrometer")
              || source.contains("io.caspian.spring") || source.contains("io.caspian.micrometer")) {
            offenders.add(file.toString());
          }
        }
      }
    }
    assertEquals(List.of(), offenders);
  }
}
