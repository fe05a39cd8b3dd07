package dev.chatsync.benchmarks.storm;

import java.awt.BasicStroke;
import java.awt.Color;
import java.text.DecimalFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The figures of every run: printed as each run ends, and written as {@code report.md} (the tables and
 * the settings) with plots beside it, POST p99 per second for each added latency (one line per system)
 * and the persister's lag over time (one line per chat-sync run), the storm window shaded.
 */
final class StormReport {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 500;

    private final StormWorkload workload;
    private final String settings;
    private final int largeMessages;
    private final List<Measurements> runs = new ArrayList<>();

    StormReport(StormWorkload workload, String settings, int largeMessages) {
        this.workload = workload;
        this.settings = settings;
        this.largeMessages = largeMessages;
    }

    void add(Measurements run) {
        runs.add(run);
    }

    /** The run's lines for the console. */
    static List<String> lines(Measurements run) {
        List<String> lines = new ArrayList<>();
        for (Phase phase : Phase.MEASURED) {
            Latencies posts = run.posts.get(phase);
            double seconds = run.workload.phaseNanos(phase) / 1e9;
            lines.add(String.format(Locale.ROOT,
                    "%s, %s: %.0f POST/s offered (%.0f messages/s in them), %.0f answered/s meanwhile, %d failed; POST p50 %s, p99 %s, p99.9 %s, max %s; "
                            + "%s above 100 ms, %s above 1 s",
                    run.system, phase.label, run.offeredPerSecond(phase), run.messagesSent.get(phase).get() / seconds,
                    run.throughput(phase), run.failed.get(phase).get(), ms(posts.percentileMillis(50)), ms(posts.percentileMillis(99)),
                    ms(posts.percentileMillis(99.9)), ms(posts.maxMillis()), percent(posts.fractionAbove(100)), percent(posts.fractionAbove(1000))));
            Latencies readable = run.readable.get(phase);
            Latencies gets = run.largeGets.get(phase);
            lines.add(String.format(Locale.ROOT, "    202 to readable %s; GET of the large conversation %s; %s",
                    readable.count() == 0 ? "n/a" : "p50 " + ms(readable.percentileMillis(50)) + ", p99 " + ms(readable.percentileMillis(99)),
                    gets.count() == 0 ? "n/a" : "p50 " + ms(gets.percentileMillis(50)) + ", p99 " + ms(gets.percentileMillis(99)) + " (" + gets.count() + ")",
                    resources(run, phase)));
        }
        lines.add(String.format(Locale.ROOT, "    after the storm: everything sent up to its end readable %s later; largest persister lag %s; %s",
                seconds(run.drainSeconds()), run.lag.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0f events", maxLag(run)),
                run.saturatedInStorm() ? "saturated in the storm (answered < 90 % of the offered rate)" : "kept up with the storm"));
        return lines;
    }

    private static String resources(Measurements run, Phase phase) {
        Measurements.Sample[] between = run.between(phase);
        if (between[0] == null || between[1] == null) {
            return "no CPU samples";
        }
        double posts = Math.max(1, run.posts.get(phase).count());
        double seconds = (between[1].nanos() - between[0].nanos()) / 1e9;
        return String.format(Locale.ROOT, "CPU per POST: API %.0f µs, benchmark JVM %.0f µs, Postgres %.0f µs; Postgres wrote %.0f rows/s",
                (between[1].apiCpu() - between[0].apiCpu()) / 1e3 / posts, (between[1].ownCpu() - between[0].ownCpu()) / 1e3 / posts,
                (between[1].postgresCpu() - between[0].postgresCpu()) / 1e3 / posts,
                (between[1].rowsWritten() - between[0].rowsWritten()) / seconds);
    }

    /** Writes report.md and the plots into {@code directory}; returns the files written. */
    List<Path> write(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Sync storm: chat-sync against the direct-write design\n\n").append(settings).append("\n\n");
        md.append("## POSTs\n\nLatency from each POST's intended start (an open loop: a POST waiting behind slow ones counts its wait); "
                + "answered POST/s counts the answers that came while the phase ran.\n\n"
                + "| system | phase | offered POST/s | answered POST/s | messages/s | p50 | p99 | p99.9 | > 100 ms | > 1 s | failed |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measurements run : runs) {
            for (Phase phase : Phase.MEASURED) {
                Latencies posts = run.posts.get(phase);
                double seconds = run.workload.phaseNanos(phase) / 1e9;
                md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %s | %s | %s | %s | %s | %d |\n", run.system, phase.label,
                        run.offeredPerSecond(phase), run.throughput(phase), run.messagesSent.get(phase).get() / seconds,
                        ms(posts.percentileMillis(50)), ms(posts.percentileMillis(99)), ms(posts.percentileMillis(99.9)),
                        percent(posts.fractionAbove(100)), percent(posts.fractionAbove(1000)), run.failed.get(phase).get()));
            }
        }
        md.append("\n## Reads, the pipeline and resources\n\nCPU per POST: what each process used while the phase ran over the POSTs "
                + "answered in it (background work and the large conversation's reads included). Rows written: pg_stat_database's inserted "
                + "and updated rows, every table, as its backends report them (within a second while busy, up to 10 s once idle).\n\n| system | phase | 202 to readable p50 / p99 | GET of " + String.format(Locale.ROOT, "%,d", largeMessages)
                + " messages p50 / p99 | rows written/s | CPU per POST: API / benchmark JVM / Postgres |\n|---|---|---:|---:|---:|---:|\n");
        for (Measurements run : runs) {
            for (Phase phase : Phase.MEASURED) {
                Latencies readable = run.readable.get(phase);
                Latencies gets = run.largeGets.get(phase);
                Measurements.Sample[] between = run.between(phase);
                String cpu = "n/a";
                String rows = "n/a";
                if (between[0] != null && between[1] != null) {
                    double posts = Math.max(1, run.posts.get(phase).count());
                    cpu = String.format(Locale.ROOT, "%.0f / %.0f / %.0f µs", (between[1].apiCpu() - between[0].apiCpu()) / 1e3 / posts,
                            (between[1].ownCpu() - between[0].ownCpu()) / 1e3 / posts,
                            (between[1].postgresCpu() - between[0].postgresCpu()) / 1e3 / posts);
                    rows = String.format(Locale.ROOT, "%.0f", (between[1].rowsWritten() - between[0].rowsWritten())
                            / ((between[1].nanos() - between[0].nanos()) / 1e9));
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |\n", run.system, phase.label,
                        readable.count() == 0 ? "—" : ms(readable.percentileMillis(50)) + " / " + ms(readable.percentileMillis(99)),
                        gets.count() == 0 ? "—" : ms(gets.percentileMillis(50)) + " / " + ms(gets.percentileMillis(99)), rows, cpu));
            }
        }
        md.append("\n## After the storm\n\n| system | everything sent up to the storm's end readable after | largest persister lag (events) "
                + "| in the storm |\n|---|---:|---:|---|\n");
        for (Measurements run : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |\n", run.system, seconds(run.drainSeconds()),
                    run.lag.isEmpty() ? "—" : String.format(Locale.ROOT, "%.0f", maxLag(run)),
                    run.saturatedInStorm() ? "saturated (answered < 90 % of the offered rate)" : "kept up"));
        }
        md.append("\n## Over time\n\nTime from the start of the steady phase; the storm window shaded. Each point of the latency plots is "
                + "the p99 of the POSTs meant to be sent in that second, timed from that moment.\n\n");
        Map<Long, List<Measurements>> byLatency = new LinkedHashMap<>();
        for (Measurements run : runs) {
            byLatency.computeIfAbsent(run.addedLatencyMillis, k -> new ArrayList<>()).add(run);
        }
        for (Map.Entry<Long, List<Measurements>> latency : byLatency.entrySet()) {
            String name = "latency-" + latency.getKey() + "ms.png";
            JFreeChart chart = chart("POST p99 per second, +" + latency.getKey() + " ms per round trip to Postgres", "p99 (ms, log scale)",
                    latency.getValue(), Measurements::p99PerSecond, true);
            written.add(save(chart, directory.resolve(name)));
            md.append("![").append(chart.getTitle().getText()).append("](").append(name).append(")\n\n");
        }
        List<Measurements> pipelined = runs.stream().filter(run -> !run.lag.isEmpty()).toList();
        if (!pipelined.isEmpty()) {
            JFreeChart chart = chart("chat-sync's persister lag (events published, not yet stored)", "events", pipelined,
                    run -> afterStart(run.lag), false);
            written.add(save(chart, directory.resolve("lag.png")));
            md.append("![").append(chart.getTitle().getText()).append("](lag.png)\n");
        }
        Path report = directory.resolve("report.md");
        Files.writeString(report, md);
        written.add(0, report);
        return written;
    }

    private JFreeChart chart(String title, String valueAxis, List<Measurements> lines, Function<Measurements, List<Measurements.Point>> points,
            boolean logarithmic) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Measurements run : lines) {
            XYSeries series = new XYSeries(run.system, false, true);
            for (Measurements.Point point : points.apply(run)) {
                series.add(point.second(), Double.isNaN(point.value()) ? null : (Number) point.value());
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds", valueAxis, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (logarithmic) {
            plot.setRangeAxis(logAxis(valueAxis));
        }
        double stormStart = workload.steady().toNanos() / 1e9;
        IntervalMarker storm = new IntervalMarker(stormStart, stormStart + workload.storm().toNanos() / 1e9);
        storm.setPaint(new Color(255, 200, 120));
        storm.setAlpha(0.35f);
        storm.setLabel("storm");
        plot.addDomainMarker(storm, Layer.BACKGROUND);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < lines.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        return chart;
    }

    private static List<Measurements.Point> afterStart(List<Measurements.Point> series) {
        synchronized (series) {
            return series.stream().filter(point -> point.second() >= 0).toList();
        }
    }

    static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(0.1);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        return axis;
    }

    static Path save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }

    private static double maxLag(Measurements run) {
        synchronized (run.lag) {
            return run.lag.stream().mapToDouble(Measurements.Point::value).max().orElse(0);
        }
    }

    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "—";
        }
        return millis < 10 ? String.format(Locale.ROOT, "%.2f ms", millis) : String.format(Locale.ROOT, "%.0f ms", millis);
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "—" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    private static String seconds(double seconds) {
        return Double.isNaN(seconds) ? "—" : String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
