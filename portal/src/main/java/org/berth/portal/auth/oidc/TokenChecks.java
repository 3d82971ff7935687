package org.berth.portal.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The checks a token from the provider must pass before Berth believes a word of it, each refusal
 * with its own message: it is a token signed with an asymmetric key the provider publishes, by the
 * issuer Berth trusts, for Berth, not expired and not issued in the future, and (for a sign-in)
 * made for this very sign-in (its nonce). Pure: keys and time come in.
 */
final class TokenChecks {

  /** Signature algorithms accepted: asymmetric only, so that nobody holding a secret can forge. */
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** What a token must say: who issued it, for which client, with how much clock difference. */
  record Expected(String provider, String issuer, String clientId, Duration skew) {}

  private TokenChecks() {}

  /**
   * The claims of a sign-in's ID token, once it passed every check.
   *
   * @param nonce the nonce this browser's sign-in sent (null when the browser has none)
   * @throws OidcSignInException.InvalidToken for a token that fails a check
   * @throws OidcSignInException.Replayed for a token made for another sign-in
   */
  static JWTClaimsSet idToken(
      String token,
      Function<String, Optional<JWK>> keys,
      Expected expected,
      String nonce,
      Instant now) {
    JWTClaimsSet claims = verified(token, keys, expected, "sign-in token");
    checkIssuer(claims, expected, "sign-in token");
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(expected.clientId())) {
      throw new OidcSignInException.InvalidToken(
          "The sign-in token from "
              + expected.provider()
              + " was issued for another application ("
              + (audience == null || audience.isEmpty()
                  ? "none named"
                  : String.join(", ", audience))
              + "), not for Berth ("
              + expected.clientId()
              + "). Nothing was signed in; start again, and tell an administrator if it happens"
              + " again.");
    }
    String party = stringClaim(claims, "azp");
    if (party != null && !party.equals(expected.clientId())) {
      throw new OidcSignInException.InvalidToken(
          "The sign-in token from "
              + expected.provider()
              + " was handed to another application ("
              + party
              + "), not to Berth. Nothing was signed in; start again.");
    }
    checkTimes(claims, expected, now, "sign-in token");
    String sent = stringClaim(claims, "nonce");
    if (nonce == null || nonce.isEmpty()) {
      throw new OidcSignInException.Replayed(
          "This sign-in answer does not belong to a sign-in started in this browser, or it was"
              + " used already. Nothing was signed in; start again from Berth's sign-in page.");
    }
    if (sent == null || !sent.equals(nonce)) {
      throw new OidcSignInException.Replayed(
          "The sign-in token from "
              + expected.provider()
              + " was made for another sign-in (its nonce does not match this one): it may be an"
              + " old answer sent again. Nothing was signed in; start again.");
    }
    return claims;
  }

  /**
   * The claims of an access token, once it passed the checks that apply to it: signature, issuer,
   * times, and that it was handed to Berth ({@code azp}, or Berth in its audience).
   */
  static JWTClaimsSet accessToken(
      String token, Function<String, Optional<JWK>> keys, Expected expected, Instant now) {
    JWTClaimsSet claims = verified(token, keys, expected, "access token");
    checkIssuer(claims, expected, "access token");
    String party = stringClaim(claims, "azp");
    List<String> audience = claims.getAudience();
    boolean forBerth =
        expected.clientId().equals(party)
            || (party == null && audience != null && audience.contains(expected.clientId()));
    if (!forBerth) {
      throw new OidcSignInException.InvalidToken(
          "The access token from "
              + expected.provider()
              + " was issued to another application, not to Berth. Nothing was signed in.");
    }
    checkTimes(claims, expected, now, "access token");
    return claims;
  }

  /** Whether the text looks like a signed JWT at all (some providers hand out opaque tokens). */
  static boolean isJwt(String token) {
    return token != null && token.chars().filter(c -> c == '.').count() == 2;
  }

  private static JWTClaimsSet verified(
      String token, Function<String, Optional<JWK>> keys, Expected expected, String what) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token == null ? "" : token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new OidcSignInException.InvalidToken(
          "The "
              + what
              + " from "
              + expected.provider()
              + " could not be read as a signed token. Nothing was signed in; start again, and tell"
              + " an administrator if it happens again.");
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    if (!ALGORITHMS.contains(algorithm)) {
      throw tampered(what, expected, "it is not signed with a key pair (" + algorithm + ")");
    }
    JWK key =
        keys.apply(jwt.getHeader().getKeyID())
            .orElseThrow(
                () ->
                    tampered(
                        what,
                        expected,
                        "it names a key " + expected.provider() + " does not" + " publish"));
    boolean valid;
    try {
      valid = jwt.verify(verifier(key, what, expected));
    } catch (JOSEException e) {
      valid = false;
    }
    if (!valid) {
      throw tampered(what, expected, "its signature does not match its content");
    }
    return claims;
  }

  private static JWSVerifier verifier(JWK key, String what, Expected expected)
      throws JOSEException {
    if (key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    throw tampered(what, expected, "it names a key of a kind Berth does not check");
  }

  private static OidcSignInException.InvalidToken tampered(
      String what, Expected expected, String why) {
    return new OidcSignInException.InvalidToken(
        "The "
            + what
            + " from "
            + expected.provider()
            + " failed its signature check ("
            + why
            + "): it was changed on the way, or did not come from "
            + expected.provider()
            + ". Nothing was signed in; start again, and tell an administrator if it happens"
            + " again.");
  }

  private static void checkIssuer(JWTClaimsSet claims, Expected expected, String what) {
    String issuer = claims.getIssuer() == null ? "" : claims.getIssuer().replaceAll("/+$", "");
    if (!issuer.equals(expected.issuer())) {
      throw new OidcSignInException.InvalidToken(
          "The "
              + what
              + " was issued by "
              + (issuer.isEmpty() ? "nobody it names" : issuer)
              + ", not by "
              + expected.issuer()
              + ", the "
              + expected.provider()
              + " Berth trusts. Nothing was signed in. An administrator should check that Berth,"
              + " browsers and "
              + expected.provider()
              + " all use the same address for it (berth.oidc.issuer).");
    }
  }

  private static void checkTimes(JWTClaimsSet claims, Expected expected, Instant now, String what) {
    Date expires = claims.getExpirationTime();
    if (expires == null) {
      throw new OidcSignInException.InvalidToken(
          "The "
              + what
              + " from "
              + expected.provider()
              + " has no expiry time. Nothing was signed"
              + " in.");
    }
    if (expires.toInstant().plus(expected.skew()).isBefore(now)) {
      throw new OidcSignInException.InvalidToken(
          "The "
              + what
              + " from "
              + expected.provider()
              + " expired at "
              + TIME.format(expires.toInstant())
              + " (it is "
              + TIME.format(now)
              + " now). Nothing was signed in; start again. If this keeps happening, the clocks"
              + " of Berth and "
              + expected.provider()
              + " disagree.");
    }
    Date issued = claims.getIssueTime();
    if (issued != null && issued.toInstant().minus(expected.skew()).isAfter(now)) {
      throw new OidcSignInException.InvalidToken(
          "The "
              + what
              + " from "
              + expected.provider()
              + " says it was issued at "
              + TIME.format(issued.toInstant())
              + ", which is later than now ("
              + TIME.format(now)
              + "): the clocks of Berth and "
              + expected.provider()
              + " disagree. Nothing was signed in.");
    }
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    return value instanceof String s ? s : null;
  }
}
