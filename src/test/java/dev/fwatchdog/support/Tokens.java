package dev.fwatchdog.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** Signs tokens as the {@link OidcIssuer} at {@code issuerUrl} would (or, for the rejection tests, as it would not). */
public final class Tokens {

    private final String issuerUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    public Tokens(String issuerUrl) {
        this.issuerUrl = issuerUrl;
    }

    /** Claims of a token OpenFaaS would give for calling {@code permission}, valid for five minutes. */
    public JwtClaimsBuilder claims(String... permissions) {
        return Jwt.issuer(issuerUrl).audience(issuerUrl).subject("caller")
                .claim("function", Map.of("permissions", List.of(permissions), "audience", List.of()));
    }

    public String sign(JwtClaimsBuilder claims, String kid) {
        PublicJsonWebKey key = key(kid);
        SignatureAlgorithm algorithm = key.getPrivateKey().getAlgorithm().equals("EC") ? SignatureAlgorithm.ES256
                : SignatureAlgorithm.RS256;
        return claims.jws().keyId(kid).algorithm(algorithm).sign(key.getPrivateKey());
    }

    /** Signed with one key but claiming to be signed by another (the signature cannot verify). */
    public String signAs(JwtClaimsBuilder claims, String signingKid, String claimedKid) {
        PrivateKey key = key(signingKid).getPrivateKey();
        return claims.jws().keyId(claimedKid).algorithm(SignatureAlgorithm.RS256).sign(key);
    }

    /** {@code alg: none}: no signature at all. */
    public String unsigned(String kid) {
        return encode("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}") + "." + encode(payload()) + ".";
    }

    /** The classic key-confusion attack: HS256 with the issuer's public key as the HMAC secret. */
    public String hmacWithPublicKey(String kid) {
        try {
            PublicKey publicKey = key(kid).getPublicKey();
            String signingInput = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + "." + encode(payload());
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(publicKey.getEncoded(), "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String payload() {
        long now = System.currentTimeMillis() / 1000;
        return "{\"iss\":\"" + issuerUrl + "\",\"aud\":\"" + issuerUrl + "\",\"sub\":\"caller\",\"iat\":" + now
                + ",\"exp\":" + (now + 300) + ",\"function\":{\"permissions\":[\"*\"],\"audience\":[]}}";
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private PublicJsonWebKey key(String kid) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(get("/private/" + kid));
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public String get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(issuerUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
