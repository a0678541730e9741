package io.caspian.example;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Price quotes, an expensive computation cached with Spring Cache in the {@code prices} cache: a Caspian JCache
 * cache in memcached, so a quote computed by one instance is served by every other one.
 */
@Service
public class PriceService {
  private final ProductRepository products;
  private final AtomicLong computations = new AtomicLong();

  public PriceService(ProductRepository products) {
    this.products = products;
  }

  /** A product's price with tax, in cents; the record is cached (allowed by caspian.serialization.allow). */
  @Cacheable("prices")
  public Quote quote(long productId) {
    computations.incrementAndGet();
    Product product = products.findById(productId).orElseThrow(() -> new NotFound(productId));
    return new Quote(productId, product.getPrice() * 120 / 100, "EUR");
  }

  /** How many quotes this instance computed (not served from the cache). */
  public long computations() {
    return computations.get();
  }

  public record Quote(long productId, long cents, String currency) implements java.io.Serializable {
  }
}
