/**
 * Spring Boot integration (optional: nothing outside this package refers to Spring). {@link
 * io.caspian.spring.CaspianAutoConfiguration}, registered in {@code
 * META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}, works on Spring Boot 4.0 and
 * 3.5 alike and, when Spring Cache runs on Caspian's JCache provider:
 * <ul>
 *   <li>passes the {@code caspian.*} keys of the environment ({@code application.properties}, environment variables,
 *       system properties; see {@link io.caspian.spring.CaspianEnvironment}) to the provider's {@code CacheManager};
 *   <li>accepts {@code spring.cache.jcache.config=memcached://host:port,host:port/namespace}, and reads a
 *       {@code .properties} resource there as {@code caspian.*} keys;
 *   <li>turns statistics on for every cache, so Spring Boot's {@code cache.gets} meters move;
 *   <li>with Micrometer present, registers {@link io.caspian.micrometer.CaspianMeterBinder} over the JCache
 *       {@code CacheManager} bean and the Caspian region factories of the Hibernate {@code EntityManagerFactory}
 *       beans.
 * </ul>
 * Spring Boot's own customization interfaces moved package between 3.5 and 4.0, so they are implemented here by
 * name ({@link io.caspian.spring.BootHooks}) rather than compiled against one of them.
 */
package io.caspian.spring;
