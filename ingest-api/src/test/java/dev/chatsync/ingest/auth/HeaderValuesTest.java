package dev.chatsync.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/** The loop must accept exactly what Spring Security's own header-value rule accepts. */
class HeaderValuesTest {

    private static final Predicate<String> SPRING = StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES;

    @Test
    void agreesWithSpringOnEveryCodePoint() {
        List<Integer> disagreements = new ArrayList<>();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String value = "Bearer a" + Character.toString(codePoint) + "b";
            if (HeaderValues.allowed(value) != SPRING.test(value)) {
                disagreements.add(codePoint);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void agreesWithSpringOnWholeValues() {
        List<String> values = List.of("", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2ln", "a\tb", "a\nb", "a\rb",
                "a\u0000b", "\u007f", "\u0085", "caf\u00e9", "\ud83d\ude00", "lone \ud800 high", "lone \udc00 low",
                "\ud800", "x\uffff", "\u0378");
        for (String value : values) {
            assertThat(HeaderValues.allowed(value)).as(value).isEqualTo(SPRING.test(value));
        }
        assertThat(HeaderValues.allowed(null)).isEqualTo(SPRING.test(null));
    }
}
