package dev.chatsync.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Clerk: an RSA key served as JWKS over HTTP (JDK server) and session tokens minted
 * with it, correct by default and broken on request.
 */
public final class TestJwks implements AutoCloseable {

    static final String ISSUER = "https://clerk.test.chat-sync.dev";
    static final String ORIGIN = "https://chat.example.com";

    private final RSAKey key;
    private final RSAKey stranger;
    private final HttpServer server;

    public TestJwks() {
        try {
            key = new RSAKeyGenerator(2048).keyID("clerk-test-1").generate();
            stranger = new RSAKeyGenerator(2048).keyID("clerk-test-1").generate();
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/.well-known/jwks.json", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    /** A valid session token of {@code userId}. */
    String token(String userId) {
        return token(userId, claims -> { });
    }

    /** A token of {@code userId} signed with the served key after {@code change} edited its claims. */
    public String token(String userId, Consumer<JWTClaimsSet.Builder> change) {
        return sign(key, "clerk-test-1", claims(userId, change));
    }

    /** Same kid as the served key, different key: a forged signature. */
    String forged(String userId) {
        return sign(stranger, "clerk-test-1", claims(userId, c -> { }));
    }

    /** Signed by a key the JWKS does not have. */
    String unknownKey(String userId) {
        try {
            RSAKey other = new RSAKeyGenerator(2048).keyID("clerk-test-unknown").generate();
            return sign(other, "clerk-test-unknown", claims(userId, c -> { }));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String algNone(String userId) {
        return new PlainJWT(claims(userId, c -> { })).serialize();
    }

    /** HS256 keyed with the public key's bytes: the classic algorithm-confusion forgery. */
    String hmacWithPublicKey(String userId) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("clerk-test-1").build(), claims(userId, c -> { }));
            byte[] secret = key.toPublicJWK().toRSAPublicKey().getEncoded();
            jwt.sign(new MACSigner(secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet claims(String userId, Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issuer(ISSUER)
                .issueTime(Date.from(now.minusSeconds(5)))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("azp", ORIGIN)
                .claim("sid", "sess_test");
        change.accept(claims);
        return claims.build();
    }

    private static String sign(RSAKey signingKey, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
