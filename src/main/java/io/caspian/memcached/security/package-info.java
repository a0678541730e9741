/**
 * Authentication of the values stored in memcached: {@link io.caspian.memcached.security.ValueSigner} signs each
 * value with an HMAC over its key and bytes and verifies it before anything decodes it, with the secrets
 * {@link io.caspian.memcached.security.SecuritySettings} resolves (a property, a file or the environment). The
 * transport ({@link io.caspian.memcached.Memcached}) verifies what it reads, counts and logs the failures, and hands
 * its readers a placeholder instead ({@code Memcached.isTampered}), which they read as a miss
 * ({@link io.caspian.memcached.security.TamperedValueException} where a codec meets one). See docs/security.md.
 *
 * <p>The security of the connections themselves (TLS, SASL) lives with the connections, in
 * {@code io.caspian.memcached.connection}.
 */
package io.caspian.memcached.security;
