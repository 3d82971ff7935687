package org.berth.builder;

/** A cancel from someone who did not ask for the build. */
public class NotYourBuildException extends BuildException {

  public NotYourBuildException(String id) {
    super(Failure.REFUSED, "Only those who asked for build " + id + " may cancel it.");
  }
}
