package dev.chatsync.ingest.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.chatsync.ingest.problem.FieldViolation;

/** Against Svix's published example delivery (docs.svix.com, "Verifying webhooks manually", and its libraries' tests). */
class SvixSignatureTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final String TIMESTAMP = "1614265330";
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant SENT = Instant.ofEpochSecond(1614265330);

    private final SvixSignature svix = new SvixSignature(SECRET, Duration.ofMinutes(5));

    @Test
    void thePublishedExampleVerifies() {
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE, BODY, SENT)).isNull();
    }

    @Test
    void aSecretWithoutItsPrefixIsTheSameKey() {
        assertThat(new SvixSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Duration.ofMinutes(5)).check(ID, TIMESTAMP, SIGNATURE, BODY, SENT)).isNull();
    }

    @Test
    void oneMatchingSignatureAmongSeveralIsEnoughWhereverItStands() {
        String others = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,not-base64!";
        assertThat(svix.check(ID, TIMESTAMP, others + " " + SIGNATURE, BODY, SENT)).isNull();
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE + " " + others, BODY, SENT)).isNull();
    }

    @Test
    void anyChangeToWhatIsSignedIsAMismatch() {
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), SENT))
                .isEqualTo(mismatch());
        assertThat(svix.check("msg_p5jXN8AQM9LWM0D4loKWxJel", TIMESTAMP, SIGNATURE, BODY, SENT)).isEqualTo(mismatch());
        assertThat(svix.check(ID, "1614265331", SIGNATURE, BODY, SENT)).isEqualTo(mismatch());
        assertThat(new SvixSignature("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]), Duration.ofMinutes(5))
                .check(ID, TIMESTAMP, SIGNATURE, BODY, SENT)).isEqualTo(mismatch());
    }

    @Test
    void onlyVersionOneSignaturesCount() {
        assertThat(svix.check(ID, TIMESTAMP, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", BODY, SENT)).isEqualTo(mismatch());
        assertThat(svix.check(ID, TIMESTAMP, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", BODY, SENT)).isEqualTo(mismatch());
    }

    @Test
    void theTimestampMustBeWithinTheToleranceEitherWay() {
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE, BODY, SENT.plusSeconds(300))).isNull();
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE, BODY, SENT.minusSeconds(300))).isNull();
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE, BODY, SENT.plusSeconds(301))).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-timestamp", "tolerance");
        assertThat(svix.check(ID, TIMESTAMP, SIGNATURE, BODY, SENT.minusSeconds(301))).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-timestamp", "tolerance");
    }

    @Test
    void missingOrMalformedHeadersAreNamed() {
        assertThat(svix.check(null, TIMESTAMP, SIGNATURE, BODY, SENT)).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-id", "required");
        assertThat(svix.check("msg.with.dots", TIMESTAMP, SIGNATURE, BODY, SENT)).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-id", "format");
        assertThat(svix.check(ID, " ", SIGNATURE, BODY, SENT)).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-timestamp", "required");
        assertThat(svix.check(ID, "2021-02-25T15:02:10Z", SIGNATURE, BODY, SENT)).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-timestamp", "epoch_seconds");
        assertThat(svix.check(ID, TIMESTAMP, null, BODY, SENT)).extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly("svix-signature", "required");
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedAtStartUp() {
        assertThatThrownBy(() -> new SvixSignature("whsec_not base64!", Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SvixSignature("whsec_", Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
    }

    private static FieldViolation mismatch() {
        return new FieldViolation("svix-signature", "signature_mismatch", "no v1 signature matches the body with this endpoint's secret");
    }
}
