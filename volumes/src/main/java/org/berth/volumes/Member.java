package org.berth.volumes;

/** A member of a volume and what they may do with it. */
public record Member(Grantee grantee, Access access) {

  public Member {
    if (grantee == null || access == null) {
      throw new VolumeException.Invalid("A member has a grantee and an access.");
    }
  }
}
