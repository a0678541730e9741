package io.caspian.hibernate.protocol;

/**
 * The outcome of one transition: the state to store ({@code null} = no entry) and the answer Hibernate gets
 * (e.g. whether a put happened).
 *
 * @param next     the new state; the very same instance as the old state means "write nothing"
 * @param accepted the boolean Hibernate's SPI method returns
 */
public record Step(ReadWriteState next, boolean accepted) {

  /** The step that writes nothing and answers false. */
  public static Step unchanged(ReadWriteState old) {
    return new Step(old, false);
  }

  /** Whether storing {@code next} would change anything compared to {@code old}. */
  public boolean changes(ReadWriteState old) {
    return next != old;
  }
}
