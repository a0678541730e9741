/**
 * Micrometer meters of Caspian's counters (optional: nothing outside this package refers to Micrometer).
 * {@link io.caspian.micrometer.CaspianMeterBinder} binds, per JCache {@code CacheManager} and per Hibernate
 * {@code CaspianRegionFactory} handed to it, the transport's counters and a round-trip timer per server, per JCache
 * cache and per Hibernate region its hits, misses, puts and removals; per region factory its lost and abandoned
 * locks, server restarts and mapping mismatches. Spring Boot registers it by itself (see {@code io.caspian.spring}); elsewhere call {@code
 * bindTo(registry)}. Meter names and tags are listed in docs/spring-boot.md.
 */
package io.caspian.micrometer;
