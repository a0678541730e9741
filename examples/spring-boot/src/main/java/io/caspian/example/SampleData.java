package io.caspian.example;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Three products, inserted by the first instance that finds the table empty. */
@Component
public class SampleData implements ApplicationRunner {
  private final ProductRepository products;

  public SampleData(ProductRepository products) {
    this.products = products;
  }

  @Override
  @Transactional
  public void run(ApplicationArguments args) {
    if (products.count() == 0) {
      products.save(new Product(1L, "Kettle", 2_500));
      products.save(new Product(2L, "Teapot", 1_800));
      products.save(new Product(3L, "Mug", 600));
    }
  }
}
