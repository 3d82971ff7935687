package org.berth.portal.servers;

import jakarta.inject.Singleton;
import org.berth.builder.BuildHandle;
import org.berth.launch.ImageSource;
import org.berth.launch.UserName;
import org.berth.portal.builds.Builds;

/**
 * The servers domain's images come from the builder: a repository's image at the resolved commit,
 * built when the registry lacks it, with the launching user recorded as one who waits for it (so
 * another user who asks for the same build cannot cancel it from under the launch). Build failures
 * reach the caller as the builder's own exceptions.
 */
@Singleton
class BuilderImageSource implements ImageSource {

  private final Builds builds;

  BuilderImageSource(Builds builds) {
    this.builds = builds;
  }

  @Override
  public BuiltImage imageOf(String repo, String ref, UserName requester) {
    BuildHandle handle = builds.submit(repo, ref, requester.value());
    return new BuiltImage(builds.await(handle).ref().toString(), handle.source().commit());
  }
}
