package org.berth.builder;

/** The source (URL, host or ref) was refused before any git operation. */
public class SourceRefusedException extends BuildException {
  public SourceRefusedException(String message) {
    super(Failure.REFUSED, message);
  }
}
