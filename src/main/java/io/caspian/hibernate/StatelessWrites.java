package io.caspian.hibernate;

import org.hibernate.cache.spi.TimestampsCache;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.TransactionCompletionCallbacks.AfterCompletionCallback;

/**
 * What Hibernate leaves undone for a {@code StatelessSession}'s writes (see docs/hibernate-design.md,
 * "StatelessSession"): it never pre-invalidates or invalidates update timestamps for them, and it runs a bulk
 * statement's region cleanup to its end before the statement executes. These helpers redo both around the
 * session's own transaction completion, as Hibernate's action queue does for a stateful session.
 */
final class StatelessWrites {
  private StatelessWrites() {
  }

  /**
   * Whether Hibernate skips the cache bookkeeping of {@code session}'s writes: a session without an action queue
   * (a StatelessSession) has no after-transaction processes for entity writes and releases bulk cleanups at once.
   */
  static boolean skipsCacheBookkeeping(SharedSessionContractImplementor session) {
    return session != null && !session.isEventSource();
  }

  /**
   * Marks {@code spaces} as being written now and records the write's commit once the session's transaction
   * completes (at once when no transaction is in progress: the statement was auto-committed).
   */
  static void invalidateSpaces(SharedSessionContractImplementor session, String[] spaces) {
    if (spaces == null || spaces.length == 0
        || !session.getFactory().getSessionFactoryOptions().isQueryCacheEnabled()) {
      return;
    }
    TimestampsCache timestamps = session.getFactory().getCache().getTimestampsCache();
    // while the write is in flight no node may cache a result over these tables, as for a stateful session
    timestamps.preInvalidate(spaces, session);
    if (session.isTransactionInProgress()) {
      var callbacks = session.getTransactionCompletionCallbacksImplementor();
      for (String space : spaces) {
        // invalidated by Hibernate after completion, with the session's other completion work
        callbacks.addSpaceToInvalidate(space);
      }
    } else {
      timestamps.invalidate(spaces, session);
    }
  }

  /**
   * Runs {@code action} after the session's transaction completes, committed or not (a rolled-back write may still
   * have been seen by loads through READ UNCOMMITTED or a lost-update race: invalidating again is cheap and safe);
   * at once when no transaction is in progress.
   */
  static void afterCompletion(SharedSessionContractImplementor session, Runnable action) {
    if (session.isTransactionInProgress()) {
      session.getTransactionCompletionCallbacks().registerCallback(
          (AfterCompletionCallback) (success, completing) -> action.run());
    } else {
      action.run();
    }
  }
}
