package io.caspian.memcached;

/** An item's bytes with the CAS token memcached gave them. */
public record Versioned(byte[] value, long cas) {}
