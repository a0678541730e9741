package io.caspian.hibernate;

import java.time.Duration;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * For tests that check what a node's transactions left in the cache right after they return: waits for the work
 * Caspian does after a commit in the background ({@link CaspianSettings#ASYNC_COMPLETION}). Until it lands the keys
 * read as misses (soft locks), which is safe but not what a hit-counting assertion expects.
 */
public final class Completions {
  private Completions() {}

  /** Waits for every factory that runs Caspian; others are skipped. */
  public static void await(SessionFactory... factories) {
    for (SessionFactory factory : factories) {
      if (factory.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory()
          instanceof CaspianRegionFactory caspian) {
        try {
          if (!caspian.awaitCompletions(Duration.ofSeconds(10))) {
            throw new AssertionError("transaction completions still pending after 10 s");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}
