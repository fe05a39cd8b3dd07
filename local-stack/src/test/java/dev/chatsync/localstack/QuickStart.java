package dev.chatsync.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The curl sequence of README.md's quick start, between its quickstart markers, as shell text. */
final class QuickStart {

    private static final Pattern BLOCK = Pattern.compile(
            "<!-- quickstart:begin -->.*?```bash\\n(.*?)```.*?<!-- quickstart:end -->", Pattern.DOTALL);
    static final String DOCUMENTED_API = "http://localhost:8080";

    private QuickStart() {
    }

    static String script() {
        Path readme = Path.of("..", "README.md");
        try {
            Matcher matcher = BLOCK.matcher(Files.readString(readme));
            if (!matcher.find()) {
                throw new IllegalStateException("README.md has no quickstart block");
            }
            return matcher.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
