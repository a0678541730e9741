/**
 * The transport: every memcached round trip Caspian makes, over raw bytes, and the API the JCache and Hibernate
 * layers build on. {@link io.caspian.memcached.Memcached} is the facade: single and bulk reads, writes, counters and
 * the one CAS loop ({@link io.caspian.memcached.Memcached#update}) that every atomic read-modify-write goes through,
 * whose parts live here too ({@link io.caspian.memcached.Transition}, {@link io.caspian.memcached.Decision},
 * {@link io.caspian.memcached.Update}, {@link io.caspian.memcached.Versioned}, {@link io.caspian.memcached.CasStatus}).
 * {@link io.caspian.memcached.MemcachedSettings} holds every {@code caspian.*} setting of a pool,
 * {@link io.caspian.memcached.TransportStats} what the transport counted, and
 * {@link io.caspian.memcached.MemcachedUnavailableException} is what a caller sees when a server does not answer.
 * Also here: memcached keys ({@link io.caspian.memcached.KeyEncoder}) and expiry times
 * ({@link io.caspian.memcached.Ttl}), counter bytes, and what may go into a log line
 * ({@link io.caspian.memcached.LogSafe}, {@link io.caspian.memcached.OncePerInterval}).
 *
 * <p>The sub-packages hold the rest, by concern: {@code codec} turns values into bytes and back, {@code security}
 * signs and verifies the bytes stored, {@code connection} builds the spymemcached client and watches its
 * connections (TLS, SASL, servers away and restarted, key listing). Their public types that are not named in the
 * user documentation are internal: public only because this package uses them.
 */
package io.caspian.memcached;
