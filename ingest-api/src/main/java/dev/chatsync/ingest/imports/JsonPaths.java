package dev.chatsync.ingest.imports;

import tools.jackson.core.TokenStreamContext;

/** JSONPath names of places in an imported document ({@code $.conversations[3].messages[0].role}), as problems report them. */
final class JsonPaths {

    private JsonPaths() {
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** A property, dotted when its name is a plain identifier and bracketed otherwise (ChatGPT's node ids are UUIDs). */
    static String property(String parent, String name) {
        return plain(name) ? parent + "." + name : parent + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** Where the parser is: the path of the value it read last. */
    static String of(TokenStreamContext context) {
        if (context == null || context.inRoot()) {
            return "$";
        }
        String parent = of(context.getParent());
        if (context.inArray()) {
            return context.hasCurrentIndex() ? index(parent, context.getCurrentIndex()) : parent;
        }
        return context.currentName() == null ? parent : property(parent, context.currentName());
    }

    private static boolean plain(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
