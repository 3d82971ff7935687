package org.berth.builder.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.BuildException;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;

/**
 * Checks a git source before any git operation: allowed schemes, option-like values, and the host
 * (after DNS, every address) against the allow and deny lists. Internal addresses (loopback,
 * link-local, private, unique-local, unspecified, multicast) are denied unless allowed.
 */
public final class SourceValidator {
  static final Set<String> SCHEMES = Set.of("https", "http", "git", "ssh");
  private static final Pattern SCP =
      Pattern.compile("^(?:[A-Za-z0-9._~-]+@)?([A-Za-z0-9.-]+|\\[[0-9a-fA-F:.]+]):(?!//)(.+)$");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/+@{}-]{1,255}");

  private final SourcePolicy policy;
  private final HostResolver resolver;

  /** Resolves a host name to its addresses. */
  @FunctionalInterface
  public interface HostResolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  public SourceValidator(SourcePolicy policy) {
    this(policy, InetAddress::getAllByName);
  }

  public SourceValidator(SourcePolicy policy, HostResolver resolver) {
    this.policy = policy;
    this.resolver = resolver;
  }

  /** Returns the host the spec points at, or throws {@link SourceRefusedException}. */
  public String validate(SourceSpec spec) {
    String url = spec.repoUrl();
    String ref = spec.ref();
    if (url.startsWith("-")) {
      throw new SourceRefusedException(
          "The repository address cannot start with '-'. Give its URL, like"
              + " https://example.org/you/project.git.");
    }
    if (ref.startsWith("-")) {
      throw new SourceRefusedException(
          "The ref cannot start with '-'. Give a branch, a tag or a commit.");
    }
    if (!REF.matcher(ref).matches() || ref.contains("..")) {
      throw new SourceRefusedException(
          "The ref '" + ref + "' has characters git does not allow in branch or tag names.");
    }
    if (url.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new SourceRefusedException(
          "The repository address has spaces or control characters in it. Check it for typing"
              + " mistakes.");
    }
    String host = host(url);
    checkHost(host, url);
    return host;
  }

  static String host(String url) {
    if (url.contains("::") && !url.contains("://")) {
      throw new SourceRefusedException(
          "Berth cannot fetch from "
              + url
              + ": git transport helpers (like ext::) are not allowed. Give an https:// address.");
    }
    if (!url.contains("://")) {
      Matcher scp = SCP.matcher(url);
      if (scp.matches()) {
        return scp.group(1).replaceAll("^\\[|]$", "").toLowerCase(Locale.ROOT);
      }
      throw new SourceRefusedException(
          "Berth cannot fetch from '"
              + url
              + "': it is not a git address. Write it as https://host/owner/project.git, or as"
              + " gh/owner/repo/ref.");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new SourceRefusedException(
          "'" + url + "' is not a valid address. Check it for typing mistakes.");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new SourceRefusedException(
          "Berth cannot fetch from "
              + url
              + ": addresses starting with '"
              + scheme
              + ":' are not allowed. Use https://, http://, git:// or ssh://.");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new SourceRefusedException(
          "The address " + url + " names no host. Write it as https://host/owner/project.git.");
    }
    if (scheme.startsWith("http") && uri.getUserInfo() != null) {
      throw new SourceRefusedException(
          "Berth does not take a user name or password inside the address ("
              + scheme
              + "://"
              + uri.getHost()
              + "). Remove them from the address.");
    }
    return uri.getHost().replaceAll("^\\[|]$", "").toLowerCase(Locale.ROOT);
  }

  void checkHost(String host, String url) {
    checkedAddresses(host, url);
  }

  /**
   * Checks the host as {@link #checkHost} does and returns the addresses it checked, for a
   * connection to use instead of looking the name up again.
   */
  InetAddress[] checkedAddresses(String host, String url) {
    if (host.startsWith("-")) {
      throw new SourceRefusedException(
          "Berth cannot fetch from " + host + ": a host name cannot start with '-'.");
    }
    if (policy.denyHosts().contains(host)) {
      throw new SourceRefusedException(denied(host));
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new BuildException(
          BuildException.Failure.NETWORK,
          "Berth cannot find the host " + host + ". Check the address for typing mistakes.");
    }
    if (policy.allowHosts().contains(host)) {
      return addresses;
    }
    for (InetAddress address : addresses) {
      String ip = address.getHostAddress();
      if (policy.denyHosts().contains(ip)) {
        throw new SourceRefusedException(denied(host));
      }
      if (isInternal(address) && !policy.allowHosts().contains(ip)) {
        // The setting that allows it (berth.sources.allow-hosts) is for the admin docs, not here.
        throw new SourceRefusedException(
            "Berth cannot fetch from "
                + host
                + ": it is an internal address ("
                + ip
                + ") in the network Berth runs in, which Berth does not reach. Use a repository"
                + " on a public host, or ask the administrator of this Berth to allow this host.");
      }
    }
    return addresses;
  }

  private static String denied(String host) {
    return "Berth cannot fetch from "
        + host
        + ": this Berth does not allow that host. Ask its administrator if you need it.";
  }

  /** Loopback, link-local (incl. 169.254.169.254), private, unique-local, CGNAT, any, multicast. */
  public static boolean isInternal(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      return b0 == 0
          || (b0 == 100 && b1 >= 64 && b1 < 128)
          || (b0 == 198 && (b1 == 18 || b1 == 19))
          || b0 >= 240;
    }
    if (a instanceof Inet6Address) {
      int b0 = b[0] & 0xff;
      if ((b0 & 0xfe) == 0xfc) {
        return true; // fc00::/7 unique local
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }
}
