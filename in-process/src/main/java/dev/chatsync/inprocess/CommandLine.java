package dev.chatsync.inprocess;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's settings as Spring Boot command-line arguments ({@code --key=value}). Those outrank
 * the environment and the service's own yml, as an operator's settings would: a DATABASE_URL exported
 * in a developer's shell must not reach a test or the local stack.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /** One argument per setting, in the map's order. */
    public static String[] arguments(Map<String, String> settings) {
        return settings.entrySet().stream().map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new);
    }

    /** The settings of {@code --key=value} arguments, the inverse of {@link #arguments}. */
    public static Map<String, String> settings(String[] arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String argument : arguments) {
            int equals = argument.indexOf('=');
            if (!argument.startsWith("--") || equals < 3) {
                throw new IllegalArgumentException("expected --key=value, not " + argument);
            }
            settings.put(argument.substring(2, equals), argument.substring(equals + 1));
        }
        return settings;
    }
}
