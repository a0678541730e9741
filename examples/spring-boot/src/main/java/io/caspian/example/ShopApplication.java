package io.caspian.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/** A shop whose products live in the database, cached by Caspian (Hibernate's second-level cache on memcached). */
@SpringBootApplication
@EnableCaching
public class ShopApplication {
  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }
}
