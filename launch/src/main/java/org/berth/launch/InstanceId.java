package org.berth.launch;

/**
 * This Berth's instance id: written on everything it makes in a back end, so that two Berths
 * sharing one engine never take each other's servers for orphans. Lowercase letters, digits and
 * hyphens.
 */
public record InstanceId(String value) {

  public InstanceId {
    if (value == null || !value.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException(
          "An instance id uses lowercase letters, digits and hyphens (at most 63).");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
