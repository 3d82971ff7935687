package org.berth.builder.source;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.berth.builder.BuildException;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a git source before any git operation: allowed schemes, option-like values, and the host
 * (after DNS, every address) against the allow and deny lists. Internal addresses (see {@link
 * #isInternal}) and this host's own addresses are denied unless allowed. The same rules decide
 * which hosts a Dockerfile may download from ({@link #whyNotReachable}). Thread-safe.
 */
public final class SourceValidator {
  private static final Logger LOG = LoggerFactory.getLogger(SourceValidator.class);
  static final Set<String> SCHEMES = Set.of("https", "http", "git", "ssh");
  private static final Pattern SCP =
      Pattern.compile("^(?:[A-Za-z0-9._~-]+@)?([A-Za-z0-9.-]+|\\[[0-9a-fA-F:.]+]):(?!//)(.+)$");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/+@{}-]{1,255}");

  private final SourcePolicy policy;
  private final HostResolver resolver;
  private final Supplier<Set<InetAddress>> localAddresses;

  /** Resolves a host name to its addresses. */
  @FunctionalInterface
  public interface HostResolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** The rules of {@code policy}, with the system's DNS and this machine's interfaces. */
  public SourceValidator(SourcePolicy policy) {
    this(policy, InetAddress::getAllByName, SourceValidator::interfaceAddresses);
  }

  /** With this machine's interfaces as its own addresses. */
  public SourceValidator(SourcePolicy policy, HostResolver resolver) {
    this(policy, resolver, SourceValidator::interfaceAddresses);
  }

  /**
   * @param localAddresses this host's own addresses, asked at each check (interfaces come and go)
   */
  public SourceValidator(
      SourcePolicy policy, HostResolver resolver, Supplier<Set<InetAddress>> localAddresses) {
    this.policy = policy;
    this.resolver = resolver;
    this.localAddresses = localAddresses;
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
    Verdict verdict = verdict(host);
    if (verdict.unresolvable()) {
      throw new BuildException(
          BuildException.Failure.NETWORK, "host " + host + " cannot be resolved");
    }
    if (verdict.refused()) {
      throw new SourceRefusedException(
          "Berth cannot fetch from "
              + host
              + ": "
              + verdict.why(host)
              + (verdict.denied() ? "" : " Use a public git host, or ask the admin to allow it."));
    }
    return verdict.addresses();
  }

  /**
   * Why a build may not download from {@code host} (by the same rules as repository hosts), as a
   * sentence about the host for a user; empty when it may. A host that cannot be resolved is
   * refused too: the engine could not download from it either, and a name that answers only later
   * is what DNS rebinding looks like.
   */
  public Optional<String> whyNotReachable(String host) {
    String h = host.replaceAll("^\\[|]$", "").toLowerCase(Locale.ROOT);
    if (h.isEmpty() || h.startsWith("-")) {
      return Optional.of("the address has no valid host");
    }
    Verdict verdict = verdict(h);
    if (verdict.unresolvable()) {
      return Optional.of(h + " cannot be resolved");
    }
    return verdict.refused() ? Optional.of(verdict.about(h)) : Optional.empty();
  }

  private Verdict verdict(String host) {
    if (policy.denyHosts().contains(host)) {
      return Verdict.deny();
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return new Verdict(null, null, false, true);
    }
    if (policy.allowHosts().contains(host)) {
      return new Verdict(addresses, null, false, false);
    }
    Set<InetAddress> local = null;
    for (InetAddress address : addresses) {
      String ip = address.getHostAddress();
      if (policy.denyHosts().contains(ip)) {
        return Verdict.deny();
      }
      if (policy.allowHosts().contains(ip)) {
        continue;
      }
      if (local == null) {
        local = localAddresses();
      }
      if (isInternal(address) || isLocal(address, local)) {
        return new Verdict(null, ip, false, false);
      }
    }
    return new Verdict(addresses, null, false, false);
  }

  /**
   * What the host rules decided.
   *
   * @param addresses the checked addresses when allowed
   * @param internalIp the first internal address found, when refused for it
   * @param denied whether the deny list refused it
   * @param unresolvable whether DNS had no answer
   */
  private record Verdict(
      InetAddress[] addresses, String internalIp, boolean denied, boolean unresolvable) {
    static Verdict deny() {
      return new Verdict(null, null, true, false);
    }

    boolean refused() {
      return denied || internalIp != null;
    }

    /** "it is an address inside this network, ..." about a host named just before. */
    String why(String host) {
      if (denied) {
        return "the admin has blocked this host.";
      }
      return (host.equals(internalIp) || isLiteral(host)
              ? "it is an address"
              : "it points to " + internalIp + ", an address")
          + " inside this network, which Berth does not reach for security.";
    }

    /** The same as a sentence of its own: "10.1.2.3 is an address inside this network, ...". */
    String about(String host) {
      if (denied) {
        return "the admin has blocked " + host;
      }
      return (host.equals(internalIp) || isLiteral(host)
              ? host + " is an address"
              : host + " points to " + internalIp + ", an address")
          + " inside this network, which Berth does not let builds reach for security";
    }
  }

  private static boolean isLiteral(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }

  private Set<InetAddress> localAddresses() {
    try {
      return localAddresses.get();
    } catch (RuntimeException e) {
      LOG.warn("cannot list this host's addresses: {}", e.toString());
      return Set.of();
    }
  }

  private static boolean isLocal(InetAddress address, Set<InetAddress> local) {
    byte[] bytes = address.getAddress();
    for (InetAddress l : local) {
      if (Arrays.equals(bytes, l.getAddress())) {
        return true;
      }
    }
    return false;
  }

  /** Every address of this machine's network interfaces, read afresh each time. */
  static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> all = new HashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        all.addAll(Collections.list(nic.getInetAddresses()));
      }
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /**
   * Addresses a repository or download must not come from: loopback, link-local (incl.
   * 169.254.169.254), private, unique-local, CGNAT, unspecified, multicast, reserved and
   * documentation ranges, and IPv6 addresses that embed an IPv4 one of those (IPv4-mapped and
   * -compatible, NAT64, 6to4, Teredo). This host's own addresses are checked separately.
   */
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
      int b2 = b[2] & 0xff;
      return b0 == 0
          || (b0 == 100 && b1 >= 64 && b1 < 128) // 100.64.0.0/10 CGNAT
          || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) // 192.0.0.0/24, 192.0.2.0/24
          || (b0 == 198 && (b1 == 18 || b1 == 19)) // 198.18.0.0/15 benchmarking
          || (b0 == 198 && b1 == 51 && b2 == 100) // 198.51.100.0/24 documentation
          || (b0 == 203 && b1 == 0 && b2 == 113) // 203.0.113.0/24 documentation
          || b0 >= 240;
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if ((b[0] & 0xfe) == 0xfc) {
      return true; // fc00::/7 unique local
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return true; // 2001:db8::/32 documentation
    }
    if (w0 == 0x0100 && zero(b, 2, 8)) {
      return true; // 100::/64 discard-only
    }
    if (w0 == 0x0064 && w1 == 0xff9b && b[4] == 0 && b[5] == 1) {
      return true; // 64:ff9b:1::/48 local-use NAT64: its IPv4 side is a local network
    }
    byte[] embedded = null;
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      embedded = slice(b, 12); // ::ffff:0:0/96 mapped (the JDK usually gives an Inet4Address)
    } else if (zero(b, 0, 12)) {
      embedded = slice(b, 12); // ::/96 IPv4-compatible (:: and ::1 were handled above)
    } else if (w0 == 0x0064 && w1 == 0xff9b && zero(b, 4, 12)) {
      embedded = slice(b, 12); // 64:ff9b::/96 NAT64
    } else if (w0 == 0x2002) {
      embedded = slice(b, 2); // 2002::/16 6to4
    } else if (w0 == 0x2001 && w1 == 0) {
      embedded = slice(b, 12); // 2001::/32 Teredo: the client's address, inverted
      for (int i = 0; i < 4; i++) {
        embedded[i] = (byte) ~embedded[i];
      }
    }
    if (embedded == null) {
      return false;
    }
    try {
      return isInternal(InetAddress.getByAddress(embedded));
    } catch (UnknownHostException e) {
      return true;
    }
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] slice(byte[] b, int from) {
    return Arrays.copyOfRange(b, from, from + 4);
  }
}
