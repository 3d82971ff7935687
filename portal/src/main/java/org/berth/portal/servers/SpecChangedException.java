package org.berth.portal.servers;

import java.util.List;
import org.berth.launch.LaunchException;

/** The server exists with another spec; recreating it needs the owner's yes. */
public class SpecChangedException extends LaunchException {

  private final List<String> changes;

  public SpecChangedException(String name, List<String> changes) {
    super(
        "The server "
            + name
            + " exists with a different spec ("
            + String.join("; ", changes)
            + "). Confirm to recreate it; the files in its home are kept.");
    this.changes = List.copyOf(changes);
  }

  public List<String> changes() {
    return changes;
  }
}
