package io.caspian.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/** Passes bytes through untouched: encoding is the codec's job, not the client's. */
final class BytesTranscoder implements Transcoder<byte[]> {
  /** Marks items written by Caspian, to tell them from another application's in a dump. */
  static final int FLAGS = 0xCA5;

  private final int maxSize;

  BytesTranscoder(int maxSize) {
    this.maxSize = maxSize;
  }

  @Override
  public boolean asyncDecode(CachedData d) {
    return false;
  }

  @Override
  public CachedData encode(byte[] o) {
    return new CachedData(FLAGS, o, maxSize);
  }

  @Override
  public byte[] decode(CachedData d) {
    return d.getData();
  }

  @Override
  public int getMaxSize() {
    return maxSize;
  }
}
