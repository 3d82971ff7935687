package org.berth.portal.builds;

/** No running or recent build has this id. */
public class NoSuchBuildException extends RuntimeException {

  public NoSuchBuildException(String id) {
    super("There is no build " + id + " (finished builds are kept until Berth restarts).");
  }
}
