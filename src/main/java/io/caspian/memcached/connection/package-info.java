/**
 * The connections to the memcached servers. {@link io.caspian.memcached.connection.MemcachedClientFactory} builds
 * the spymemcached client (binary protocol, Ketama, fail fast on a dead node), over TLS
 * ({@link io.caspian.memcached.connection.TlsSettings}, {@code Tls}) and with SASL
 * ({@link io.caspian.memcached.connection.SaslAuthentication}) when configured.
 * {@link io.caspian.memcached.connection.ConnectionProblems} keeps what is known of each server's connection (away
 * since when, closing at once, failed handshakes) and says it in failure messages and, once each way, in the log;
 * {@link io.caspian.memcached.connection.SpyLogger} keeps spymemcached's own chatter at DEBUG.
 * {@link io.caspian.memcached.connection.RestartWatch} tells when a server may have lost what it held, and
 * {@link io.caspian.memcached.connection.KeyLister} lists keys over the text protocol.
 *
 * <p>Internal but for {@code TlsSettings}, {@code MemcachedClientFactory.create(MemcachedSettings)} and
 * {@code KeyLister.keysOn}: the other public types are public only for {@link io.caspian.memcached.Memcached}.
 */
package io.caspian.memcached.connection;
