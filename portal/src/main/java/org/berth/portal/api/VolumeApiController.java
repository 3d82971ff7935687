package org.berth.portal.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.berth.launch.Principal;
import org.berth.portal.account.Principals;
import org.berth.portal.auth.Csrf;
import org.berth.portal.auth.CurrentUser;
import org.berth.portal.volumes.VolumeView;
import org.berth.volumes.Access;
import org.berth.volumes.Grantee;
import org.berth.volumes.Member;
import org.berth.volumes.VolumeException;
import org.berth.volumes.Volumes;

/**
 * The caller's volumes and those shared with them. A volume is named by its name (the caller's own)
 * or by {@code owner/name}; a member by user name or {@code group:name}.
 */
@Controller("/api/v1/volumes")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "volumes")
class VolumeApiController {

  private final Volumes volumes;
  private final Csrf csrf;
  private final Principals principals;

  VolumeApiController(Volumes volumes, Csrf csrf, Principals principals) {
    this.volumes = volumes;
    this.csrf = csrf;
    this.principals = principals;
  }

  /** A new volume's name. */
  @Serdeable
  record NewVolume(@Nullable String name) {}

  /** A member's access: {@code ro} or {@code rw}. */
  @Serdeable
  record MemberAccess(@Nullable String access) {}

  @Get
  @Operation(summary = "The caller's volumes, then those shared with them")
  List<VolumeView> list(Authentication authentication) {
    Principal p = principals.of(CurrentUser.of(authentication));
    return volumes.list(p).stream().map(v -> VolumeView.of(v, p)).toList();
  }

  @Post
  @Operation(summary = "Create a volume (within the caller's quota)")
  HttpResponse<VolumeView> create(
      HttpRequest<?> request, Authentication authentication, @Nullable @Body NewVolume body) {
    Principal p = principals.of(csrf.require(authentication, request, null));
    volumes.create(p, body == null ? null : body.name());
    return HttpResponse.created(VolumeView.of(volumes.get(p, body.name()), p));
  }

  @Get("/{name}")
  @Operation(summary = "One of the caller's volumes")
  VolumeView get(Authentication authentication, @PathVariable String name) {
    Principal p = principals.of(CurrentUser.of(authentication));
    return VolumeView.of(volumes.get(p, name), p);
  }

  @Get("/{owner}/{name}")
  @Operation(summary = "A volume shared with the caller")
  VolumeView getShared(
      Authentication authentication, @PathVariable String owner, @PathVariable String name) {
    return get(authentication, owner + "/" + name);
  }

  @Put("/{name}/members/{member}")
  @Operation(
      summary = "Share the volume with a user or group:name, read-only (ro) or read-write (rw)")
  VolumeView share(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @PathVariable String member,
      @Nullable @Body MemberAccess body) {
    Principal p = principals.of(csrf.require(authentication, request, null));
    if (body == null || body.access() == null) {
      throw new VolumeException.Invalid(
          "Send the access: {\"access\": \"ro\"} or {\"access\": \"rw\"}.");
    }
    volumes.share(p, name, new Member(Grantee.parse(member), Access.parse(body.access())));
    return VolumeView.of(volumes.get(p, name), p);
  }

  @Delete("/{name}/members/{member}")
  @Operation(summary = "Stop sharing the volume with a user or group")
  VolumeView unshare(
      HttpRequest<?> request,
      Authentication authentication,
      @PathVariable String name,
      @PathVariable String member) {
    Principal p = principals.of(csrf.require(authentication, request, null));
    volumes.unshare(p, name, Grantee.parse(member));
    return VolumeView.of(volumes.get(p, name), p);
  }

  @Delete("/{name}")
  @Operation(summary = "Delete a volume and its data (refused while a server mounts it)")
  HttpResponse<?> delete(
      HttpRequest<?> request, Authentication authentication, @PathVariable String name) {
    volumes.delete(principals.of(csrf.require(authentication, request, null)), name);
    return HttpResponse.noContent();
  }
}
