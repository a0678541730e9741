package io.caspian.example;

import java.util.Map;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ShopController {
  private final ProductRepository products;
  private final PriceService prices;

  public ShopController(ProductRepository products, PriceService prices) {
    this.products = products;
    this.prices = prices;
  }

  /** A product: from the second-level cache when an instance has read or written it before, else the database. */
  @GetMapping("/products/{id}")
  public Map<String, Object> product(@PathVariable long id) {
    return view(products.findById(id).orElseThrow(() -> new NotFound(id)));
  }

  /** Renames a product; body {@code {"name": "..."}}. Every instance reads the new name at once. */
  @PutMapping("/products/{id}")
  @Transactional
  public Map<String, Object> rename(@PathVariable long id, @RequestBody Map<String, String> body) {
    Product product = products.findById(id).orElseThrow(() -> new NotFound(id));
    product.setName(body.get("name"));
    products.flush();
    return view(product);
  }

  /** A price quote: the {@code @Cacheable} path (Spring Cache on Caspian's JCache). */
  @GetMapping("/prices/{id}")
  public PriceService.Quote price(@PathVariable long id) {
    return prices.quote(id);
  }

  private static Map<String, Object> view(Product product) {
    return Map.of("id", product.getId(), "name", product.getName(), "price", product.getPrice(),
        "version", product.getVersion());
  }
}
