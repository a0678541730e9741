package io.caspian.hibernate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.cfg.Configuration;

/**
 * Test fixture: two versions of the same classes (io.caspian.hibernate.rolling.Account, Entry, Memo), as the old and
 * the new build of an application. Hibernate names entities and cache keys by class name, so a rolling deploy means
 * equal class names with different fields: each version is compiled from test resources (rolling/v1, rolling/v2)
 * into a class loader of its own.
 */
final class RollingMappings {
  static final String V1 = "v1";
  static final String V2 = "v2";
  private static final String PACKAGE = "io.caspian.hibernate.rolling.";
  private static final Map<String, ClassLoader> LOADERS = new ConcurrentHashMap<>();

  private RollingMappings() {
  }

  /** A configuration with the {@code version} classes and their class loader; nothing else set. */
  static Configuration configuration(String version) {
    ClassLoader loader = loader(version);
    Configuration configuration =
        new Configuration(new BootstrapServiceRegistryBuilder().applyClassLoader(loader).build());
    for (String name : List.of("Account", "Entry", "Memo")) {
      configuration.addAnnotatedClass(type(version, name));
    }
    return configuration;
  }

  static Class<?> type(String version, String simpleName) {
    try {
      return Class.forName(PACKAGE + simpleName, true, loader(version));
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  static Object newInstance(String version, String simpleName, Object... fieldValues) {
    try {
      var constructor = type(version, simpleName).getDeclaredConstructor();
      constructor.setAccessible(true);
      Object instance = constructor.newInstance();
      for (int i = 0; i < fieldValues.length; i += 2) {
        set(instance, (String) fieldValues[i], fieldValues[i + 1]);
      }
      return instance;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  static Object get(Object target, String field) {
    try {
      return field(target, field).get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static void set(Object target, String field, Object value) {
    try {
      field(target, field).set(target, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Field field(Object target, String name) {
    // through the class hierarchy: Hibernate may hand out a proxy subclass
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        return type.getDeclaredField(name);
      } catch (NoSuchFieldException next) {
        // keep looking
      }
    }
    throw new IllegalArgumentException(target.getClass() + " has no field " + name);
  }

  private static ClassLoader loader(String version) {
    return LOADERS.computeIfAbsent(version, RollingMappings::compile);
  }

  private static ClassLoader compile(String version) {
    try {
      Path sources = Paths.get(RollingMappings.class.getResource("/rolling/" + version).toURI());
      Path output = Files.createTempDirectory("caspian-rolling-" + version);
      List<String> arguments = new ArrayList<>(List.of("-d", output.toString(), "-classpath", classPath(),
          "-proc:none", "-nowarn"));
      try (Stream<Path> files = Files.walk(sources)) {
        files.filter(file -> file.toString().endsWith(".java")).forEach(file -> arguments.add(file.toString()));
      }
      JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
      if (compiler.run(null, null, null, arguments.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("could not compile the " + version + " fixture classes");
      }
      return new URLClassLoader(new URL[] {output.toUri().toURL()}, RollingMappings.class.getClassLoader());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The jars of the annotations the fixtures use (surefire's class path may be a manifest-only jar). */
  private static String classPath() throws MalformedURLException, URISyntaxException {
    List<String> entries = new ArrayList<>();
    for (Class<?> type : List.of(jakarta.persistence.Entity.class, org.hibernate.annotations.Cache.class)) {
      entries.add(Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(java.io.File.pathSeparator, entries);
  }
}
