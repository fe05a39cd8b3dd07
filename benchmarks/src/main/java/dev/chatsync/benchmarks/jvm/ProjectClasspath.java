package dev.chatsync.benchmarks.jvm;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a benchmark needs to start a service in a JVM of its own with the project's classes. */
public final class ProjectClasspath {

    private ProjectClasspath() {
    }

    /** The {@code java} launcher of the JVM running the benchmark. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // exec:java runs the benchmark in Maven's JVM with the project on a class loader of its own,
    // so java.class.path names Maven, not the project.
    public static String of() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            return Arrays.stream(loader.getURLs()).map(ProjectClasspath::file).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static String file(URL url) {
        try {
            return new File(url.toURI()).getPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
