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
      throw new SourceRefusedException("repository URL looks like an option: " + url);
    }
    if (ref.startsWith("-")) {
      throw new SourceRefusedException("ref looks like an option: " + ref);
    }
    if (!REF.matcher(ref).matches() || ref.contains("..")) {
      throw new SourceRefusedException("ref has characters git does not allow: " + ref);
    }
    if (url.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new SourceRefusedException("repository URL contains spaces or control characters");
    }
    String host = host(url);
    checkHost(host, url);
    return host;
  }

  static String host(String url) {
    if (url.contains("::") && !url.contains("://")) {
      throw new SourceRefusedException("transport helpers (like ext::) are not allowed: " + url);
    }
    if (!url.contains("://")) {
      Matcher scp = SCP.matcher(url);
      if (scp.matches()) {
        return scp.group(1).replaceAll("^\\[|]$", "").toLowerCase(Locale.ROOT);
      }
      throw new SourceRefusedException(
          "not a git URL (use https://, http://, git:// or ssh://): " + url);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new SourceRefusedException("not a valid URL: " + url);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new SourceRefusedException(
          "scheme '" + scheme + "' is not allowed (allowed: https, http, git, ssh): " + url);
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new SourceRefusedException("URL has no host: " + url);
    }
    if (scheme.startsWith("http") && uri.getUserInfo() != null) {
      throw new SourceRefusedException(
          "credentials in the URL are not allowed: " + scheme + "://" + uri.getHost());
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
      throw new SourceRefusedException("host looks like an option: " + host);
    }
    if (policy.denyHosts().contains(host)) {
      throw new SourceRefusedException("host " + host + " is on the deny list");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new BuildException(
          BuildException.Failure.NETWORK, "host " + host + " cannot be resolved");
    }
    if (policy.allowHosts().contains(host)) {
      return addresses;
    }
    for (InetAddress address : addresses) {
      String ip = address.getHostAddress();
      if (policy.denyHosts().contains(ip)) {
        throw new SourceRefusedException("host " + host + " (" + ip + ") is on the deny list");
      }
      if (isInternal(address) && !policy.allowHosts().contains(ip)) {
        throw new SourceRefusedException(
            "host "
                + host
                + " resolves to an internal address ("
                + ip
                + "); not allowed"
                + " unless listed in berth.sources.allow-hosts");
      }
    }
    return addresses;
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
