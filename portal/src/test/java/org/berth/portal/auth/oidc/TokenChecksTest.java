package org.berth.portal.auth.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each check of a provider's token, with keys made here and no network. */
class TokenChecksTest {

  static final String ISSUER = "http://127.0.0.1:8180/realms/berth";
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  static final TokenChecks.Expected EXPECTED =
      new TokenChecks.Expected("Keycloak", ISSUER, "berth", Duration.ofSeconds(30));

  static final RSAKey KEY = generate("k1");
  static final RSAKey OTHER_KEY = generate("k2");
  final Function<String, Optional<JWK>> keys =
      kid -> "k1".equals(kid) ? Optional.of(KEY.toPublicJWK()) : Optional.empty();

  static RSAKey generate(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("sub-1")
        .audience("berth")
        .claim("azp", "berth")
        .claim("nonce", "n-1")
        .claim("preferred_username", "alice")
        .issueTime(Date.from(NOW.minusSeconds(5)))
        .expirationTime(Date.from(NOW.plusSeconds(60)));
  }

  static String sign(RSAKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  String token(UnaryOperator<JWTClaimsSet.Builder> change) {
    return sign(KEY, change.apply(claims()).build());
  }

  String refused(String token, String nonce) {
    return assertThrows(
            OidcSignInException.class, () -> TokenChecks.idToken(token, keys, EXPECTED, nonce, NOW))
        .getMessage();
  }

  @Test
  void acceptsATokenThatPassesEveryCheck() throws Exception {
    JWTClaimsSet c = TokenChecks.idToken(token(b -> b), keys, EXPECTED, "n-1", NOW);
    assertEquals("alice", c.getStringClaim("preferred_username"));
  }

  @Test
  void refusesATamperedToken() {
    String[] parts = token(b -> b).split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"alice\"", "\"admin\"");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertTrue(refused(tampered, "n-1").contains("failed its signature check"));
  }

  @Test
  void refusesATokenSignedWithAKeyTheProviderDoesNotPublish() {
    String forged = sign(OTHER_KEY, claims().build());
    assertTrue(refused(forged, "n-1").contains("does not publish"));
  }

  @Test
  void refusesASharedSecretSignature() throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
    jwt.sign(new MACSigner(new byte[32]));
    assertTrue(refused(jwt.serialize(), "n-1").contains("not signed with a key pair"));
  }

  @Test
  void refusesWhatIsNotASignedTokenAtAll() {
    assertTrue(refused("not-a-token", "n-1").contains("could not be read"));
  }

  @Test
  void refusesAnotherIssuer() {
    String m = refused(token(b -> b.issuer("http://localhost:8180/realms/berth")), "n-1");
    assertTrue(m.contains("was issued by http://localhost:8180/realms/berth, not by " + ISSUER), m);
  }

  @Test
  void refusesAnotherAudienceAndAnotherAuthorisedParty() {
    assertTrue(
        refused(token(b -> b.audience("account")), "n-1")
            .contains("another application (account)"));
    assertTrue(refused(token(b -> b.claim("azp", "evil")), "n-1").contains("handed to another"));
  }

  @Test
  void refusesAnExpiredTokenBeyondTheClockAllowance() {
    String m = refused(token(b -> b.expirationTime(Date.from(NOW.minusSeconds(31)))), "n-1");
    assertTrue(m.contains("expired at 2026-11-27 09:59:29 UTC"), m);
    TokenChecks.idToken(
        token(b -> b.expirationTime(Date.from(NOW.minusSeconds(29)))), keys, EXPECTED, "n-1", NOW);
  }

  @Test
  void refusesATokenIssuedInTheFuture() {
    assertTrue(
        refused(token(b -> b.issueTime(Date.from(NOW.plusSeconds(120)))), "n-1")
            .contains("later than now"));
  }

  @Test
  void refusesAnotherSignInsNonceAndASignInThisBrowserDidNotStart() {
    assertTrue(refused(token(b -> b), "n-2").contains("its nonce does not match"));
    assertTrue(refused(token(b -> b), null).contains("does not belong to a sign-in started"));
    assertThrows(
        OidcSignInException.Replayed.class,
        () -> TokenChecks.idToken(token(b -> b), keys, EXPECTED, "n-2", NOW));
  }

  @Test
  void anAccessTokenMustBeHandedToBerth() {
    String access = token(b -> b.audience("account").claim("nonce", null));
    TokenChecks.accessToken(access, keys, EXPECTED, NOW);
    String other = token(b -> b.audience("account").claim("azp", "other"));
    assertThrows(
        OidcSignInException.InvalidToken.class,
        () -> TokenChecks.accessToken(other, keys, EXPECTED, NOW));
  }
}
