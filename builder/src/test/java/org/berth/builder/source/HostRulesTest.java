package org.berth.builder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.berth.builder.SourcePolicy;
import org.berth.builder.SourceRefusedException;
import org.berth.builder.SourceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which hosts a repository (or a Dockerfile download) may come from, and how a refusal reads. */
class HostRulesTest {
  static final byte[] PUBLIC = {93, (byte) 184, (byte) 216, 34};

  /** Every name resolves to a public address unless it is an IP literal. */
  static final SourceValidator.HostResolver PUBLIC_DNS =
      host ->
          host.matches("[0-9.]+|.*:.*|localhost")
              ? InetAddress.getAllByName(host)
              : new InetAddress[] {InetAddress.getByAddress(host, PUBLIC)};

  final SourceValidator validator =
      new SourceValidator(SourcePolicy.defaults(), PUBLIC_DNS, Set::of);

  SourceRefusedException refused(String url) {
    return assertThrows(
        SourceRefusedException.class,
        () -> validator.validate(SourceSpec.of(url, "main")),
        url + " should be refused");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // IPv4-compatible (::/96)
        "https://[::127.0.0.1]/a",
        "https://[::7f00:1]/a",
        "https://[::10.0.0.1]/a",
        "https://[::a9fe:a9fe]/a",
        // NAT64 (64:ff9b::/96) and local-use NAT64 (64:ff9b:1::/48)
        "https://[64:ff9b::127.0.0.1]/a",
        "https://[64:ff9b::a9fe:a9fe]/a",
        "https://[64:ff9b::c0a8:101]/a",
        "https://[64:ff9b:1::5db8:d822]/a",
        // 6to4 (2002::/16) with the IPv4 in its second and third groups
        "https://[2002:7f00:1::1]/a",
        "https://[2002:a9fe:a9fe::]/a",
        "https://[2002:c0a8:101::1]/a",
        "https://[2002:0a00:0001:1::5]/a",
        // Teredo (2001::/32): the client's IPv4 is stored inverted in the last 32 bits
        "https://[2001:0:5db8:d822::80ff:fffe]/a",
      })
  void refusesIpv6AddressesThatEmbedAnInternalIpv4(String url) {
    assertTrue(refused(url).getMessage().contains("inside this network"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://192.0.0.1/a",
        "https://192.0.0.170/a",
        "https://192.0.2.10/a",
        "https://198.51.100.7/a",
        "https://203.0.113.9/a",
        "https://[2001:db8::1]/a",
        "https://[100::1]/a"
      })
  void refusesSpecialPurposeIpv4AndIpv6Ranges(String url) {
    refused(url);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://[2002:5db8:d822::1]/a",
        "https://[64:ff9b::5db8:d822]/a",
        "https://[2606:4700::6810:84e5]/a",
        "https://93.184.216.34/a"
      })
  void acceptsPublicAddressesAndEmbeddingsOfPublicOnes(String url) {
    assertEquals(
        url.replaceAll("^https://\\[?|]?/a$", ""), validator.validate(SourceSpec.of(url, "main")));
  }

  @Test
  void refusesThisHostsOwnAddressesEvenWhenTheyLookPublic() throws Exception {
    InetAddress own = InetAddress.getByAddress(PUBLIC);
    SourceValidator onThisHost =
        new SourceValidator(SourcePolicy.defaults(), PUBLIC_DNS, () -> Set.of(own));
    for (String url : List.of("https://93.184.216.34/a", "https://git.example.org/a")) {
      SourceRefusedException e =
          assertThrows(
              SourceRefusedException.class,
              () -> onThisHost.validate(SourceSpec.of(url, "main")),
              url);
      assertTrue(e.getMessage().contains("93.184.216.34"), e.getMessage());
    }
    SourceValidator allowed =
        new SourceValidator(
            SourcePolicy.defaults().withAllowHosts(Set.of("93.184.216.34")),
            PUBLIC_DNS,
            () -> Set.of(own));
    assertEquals(
        "93.184.216.34", allowed.validate(SourceSpec.of("https://93.184.216.34/a", "main")));
  }

  @Test
  void theDefaultRulesKnowEveryAddressOfThisMachinesInterfaces() throws Exception {
    SourceValidator real = new SourceValidator(SourcePolicy.defaults());
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        String literal = a.getHostAddress().replaceAll("%.*$", "");
        String url = "https://" + (literal.contains(":") ? "[" + literal + "]" : literal) + "/a";
        assertThrows(
            SourceRefusedException.class,
            () -> real.validate(SourceSpec.of(url, "main")),
            url + " is on " + nic.getName());
      }
    }
  }

  @Test
  void refusalOfAnInternalAddressSpeaksPlainWordsWithoutTheSettingName() {
    assertEquals(
        "Berth cannot fetch from 127.0.0.1: it is an address inside this network, which Berth"
            + " does not reach for security. Use a public git host, or ask the admin to allow it.",
        refused("git://127.0.0.1:9418/a").getMessage());
  }

  @Test
  void refusalOfANameSaysWhichInternalAddressItPointsTo() {
    SourceValidator internalDns =
        new SourceValidator(
            SourcePolicy.defaults(),
            host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 1, 2, 3})},
            Set::of);
    SourceRefusedException e =
        assertThrows(
            SourceRefusedException.class,
            () -> internalDns.validate(SourceSpec.of("https://git.corp.example/a", "main")));
    assertEquals(
        "Berth cannot fetch from git.corp.example: it points to 10.1.2.3, an address inside this"
            + " network, which Berth does not reach for security. Use a public git host, or ask"
            + " the admin to allow it.",
        e.getMessage());
    assertFalse(e.getMessage().contains("berth.sources"), e.getMessage());
  }

  @Test
  void refusalOfADeniedHostSaysTheAdminBlockedIt() {
    SourcePolicy policy =
        new SourcePolicy(
            Set.of(),
            Set.of("example.org"),
            1,
            java.time.Duration.ofSeconds(1),
            false,
            SourcePolicy.defaultCacheDir(),
            1);
    SourceRefusedException e =
        assertThrows(
            SourceRefusedException.class,
            () ->
                new SourceValidator(policy, PUBLIC_DNS, Set::of)
                    .validate(SourceSpec.of("https://example.org/a", "main")));
    assertEquals(
        "Berth cannot fetch from example.org: the admin has blocked this host.", e.getMessage());
  }
}
