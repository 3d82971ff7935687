package org.berth.builder;

/** No running, queued or recorded build has this id. */
public class NoSuchBuildException extends RuntimeException {

  public NoSuchBuildException(String id) {
    super("There is no build " + id + ". It may have been mistyped, or it was never started here.");
  }
}
