package org.berth.portal.builds;

import org.berth.builder.BuildException;

/** A cancel from someone who did not ask for the build (403). */
public class NotYourBuildException extends BuildException {

  public NotYourBuildException(String id) {
    super(Failure.REFUSED, "Only those who asked for build " + id + " may cancel it.");
  }
}
