package io.github.vigil.spi;

/**
 * A run could not be started. The message names what was wrong (the binary, the directory).
 */
public class SpawnException extends Exception {

  public SpawnException(String message) {
    super(message);
  }

  public SpawnException(String message, Throwable cause) {
    super(message, cause);
  }
}
