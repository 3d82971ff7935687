package org.berth.portal.servers;

import java.util.ArrayList;
import java.util.List;
import org.berth.launch.Resources;
import org.berth.portal.auth.Secrets;

/**
 * A launch spec with defaults applied and every value checked. {@link #hash()} covers what the
 * container is made from (image, memory, CPUs): a change there recreates the container; the rest
 * (idle timeout, path, culling) is updated in place.
 */
public record ResolvedSpec(
    String image, Resources resources, String path, boolean cullingDisabled) {

  public String hash() {
    String canonical =
        image + "\n" + resources.memoryBytes() + "\n" + Double.toString(resources.cpus());
    return Secrets.sha256(canonical);
  }

  /** What differs from a stored server's spec, in words, for the "recreate?" question. */
  List<String> changesFrom(ServerRecord old) {
    List<String> changes = new ArrayList<>();
    if (!old.image().equals(image)) {
      changes.add("image: " + old.image() + " → " + image);
    }
    if (old.memoryBytes() != resources.memoryBytes()) {
      changes.add(
          "memory: "
              + (old.memoryBytes() >> 20)
              + " MiB → "
              + (resources.memoryBytes() >> 20)
              + " MiB");
    }
    if (old.cpus() != resources.cpus()) {
      changes.add("CPUs: " + old.cpus() + " → " + resources.cpus());
    }
    return changes;
  }
}
